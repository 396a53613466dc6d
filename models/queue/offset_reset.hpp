// auto.offset.reset after OFFSET_OUT_OF_RANGE, for the consumer and the group members alike. A
// position below the leader's log start (retention deleted it) goes to the log start
// (`earliest`) or the high watermark (`latest`), or nowhere (`none`: the application gets the
// exception). A position past the log end (a new leader without the records it had read) goes
// to the log end whatever the setting, as the consumer's truncation detection (KIP-320) would
// take it to where the logs diverged. The answer carries the offsets; Kafka's consumer asks
// ListOffsets for them in a second round trip.
#pragma once

#include <optional>
#include <string>

#include "models/queue/messages.hpp"
#include "models/queue/options.hpp"

namespace queue {

struct ResetTarget {
  std::optional<Offset> to;  ///< nullopt: auto.offset.reset none, an error
  std::string why;           ///< "earliest", "latest", "log end"
};

ResetTarget reset_target(OffsetReset policy, Offset position, const FetchedPartition& got);

/// For the trace: "p0 from 12 to the log end 10", "p0 from 12 to the log start 300 (earliest)".
std::string describe_reset(int partition, Offset from, const ResetTarget& target);

}  // namespace queue
