// The queue's checkers, after Jepsen's Kafka checker (jepsen/tests/kafka.clj), reading only the
// recorded sends, polls and final logs. Each says how bad:
//   lost_acked_write  acknowledged messages missing from the partition's final log although
//                     the log goes on past their offset (Jepsen's lost-write, with the final
//                     read as the deciding poll), with the window of their acknowledgements
//   unseen            acknowledged messages that no poll, the final read included, ever saw
//   duplicate         messages found at more than one offset
//   inconsistent_offsets  offsets that held different messages in different reads
//   per_partition_order   nonmonotonic_send (one producer's acknowledged batches in a partition
//                     out of send order), nonmonotonic_poll and poll_skip (the consumer went
//                     back, or jumped, without a reassignment)
//   availability      no partition went longer than availability_bound without acknowledging
//                     a write while the producer had writes for it (unavailable_s per partition)
#pragma once

#include <vector>

#include "models/queue/options.hpp"
#include "models/queue/recorder.hpp"
#include "sim/results/check.hpp"

namespace queue {

const std::vector<std::string>& check_names();

sim::CheckResult check_lost_and_unseen(const Observations& o, sim::CheckResult& unseen);
sim::CheckResult check_duplicates(const Observations& o);
sim::CheckResult check_inconsistent_offsets(const Observations& o);
sim::CheckResult check_order(const Observations& o);
sim::CheckResult check_availability(const Observations& o, sim::Duration bound, double& worst_unavailable_s);

}  // namespace queue
