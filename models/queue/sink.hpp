// Where a consumer group's processing takes effect (a downstream database, or an output topic):
// `plain`, where every processing of a record has an effect, `keyed`, an upsert keyed by
// (partition, offset), so a record processed again has none, or `transactional`, written as
// plain but only by a transaction the group coordinator commits (coordinator.hpp). Its state is
// the sink's own, shared by every member and outliving their crashes.
//
// Determinism: ordered maps of offset ranges.
#pragma once

#include <map>
#include <vector>

#include "models/queue/intervals.hpp"
#include "models/queue/log.hpp"
#include "models/queue/options.hpp"

namespace queue {

class Sink {
public:
  Sink(SinkKind kind, int partitions) : kind_(kind), applied_(static_cast<std::size_t>(partitions)) {}
  /// Processes [base, base + count) of `partition`; returns the offsets that took effect.
  std::vector<Span> apply(int partition, Offset base, std::int64_t count);

private:
  SinkKind kind_;
  std::vector<std::map<Offset, Offset>> applied_;  ///< keyed: by partition, disjoint [first, second)
};

}  // namespace queue
