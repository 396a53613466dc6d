// The consumer (consumer-1): one member reading every partition from its leader, from offset 0,
// up to the high watermark, each partition in its own fetch loop (fetch.max.wait.ms 500 ms).
// On OFFSET_OUT_OF_RANGE it resets by auto.offset.reset (offset_reset.hpp), or, with `none`,
// stops reading that partition, and says so in the trace. Every poll is recorded as the offset
// ranges it returned.
//
// Not yet modelled: a group coordinator, several members and rebalances, committed offsets.
#pragma once

#include <memory>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/metadata_client.hpp"
#include "sim/kernel/timer.hpp"

namespace queue {

class Consumer {
public:
  explicit Consumer(std::shared_ptr<Context> context);
  void start();
  static void install(const std::shared_ptr<Context>& context);

private:
  sim::Task<void> run_partition(int partition);
  /// Takes one answer; false when the loop should back off first.
  bool take(int partition, const FetchedPartition& got);

  std::shared_ptr<Context> context_;
  sim::NodeId self_;
  MetadataClient metadata_;
  std::vector<Offset> positions_;
  std::vector<bool> stopped_;  ///< by partition: auto.offset.reset none met OFFSET_OUT_OF_RANGE
};

}  // namespace queue
