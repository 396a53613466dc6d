// The queue's checkers, after Jepsen's Kafka checker (jepsen/tests/kafka.clj), reading only the
// recorded sends, polls and final logs. Each says how bad:
//   lost_acked_write  acknowledged messages missing from the partition's final log although
//                     the log goes on past their offset (Jepsen's lost-write, with the final
//                     read as the deciding poll), with the window of their acknowledgements
//   unseen            acknowledged messages that no poll, the final read included, ever saw
//   retention_skipped offsets below a partition's final log start (deleted by retention) that
//                     no poll returned: a consumer that fell behind the retention, or that
//                     auto.offset.reset moved past them (lost_acked_write and unseen leave them out)
//   duplicate         messages found at more than one offset
//   inconsistent_offsets  offsets that held different messages in different reads
//   per_partition_order   nonmonotonic_send (one producer's acknowledged batches in a partition
//                     out of send order), nonmonotonic_poll and poll_skip (the consumer went
//                     back, or jumped, without a reassignment)
//   per_key_order     with keys: each key's messages sit in its partition's final log in send
//                     order (what a consumer relying on per-key order needs)
//   availability      no partition went longer than availability_bound without acknowledging
//                     a write while the producer had writes for it (unavailable_s per partition)
// With a consumer group (group_checks.cpp; each holds trivially without one):
//   duplicate_processing  records that took effect at the sink more than once (at-least-once
//                     redelivery after a rebalance, a zombie's late processing)
//   lost_consumption  records below a partition's final committed offset that no member ever
//                     finished processing (committed before processed)
//   zombie_processing records a member processed after a newer generation had moved their
//                     partition away from it
//   committed_offset_regression  a commit that moved a partition's committed offset back
//   consumer_lag      the committed offsets end the run within lag_bound messages of the logs
// With a transactional producer (txn_checks.cpp; each holds with nothing to judge without one),
// after Jepsen's definitions:
//   aborted_read      G1a: a read_committed consumer polled a record of a transaction its
//                     producer aborted, or one the final logs hold under an abort marker (a
//                     record the final logs lost is lost_acked_write's to judge)
//   torn_txn          a transaction of which the final logs hold some records committed and
//                     others not (aborted, still open, or missing)
// and lost_acked_write counts a transaction's writes once its producer saw it committed (the
// final logs must hold them committed); the writes of other transactions are no one's loss.
// For every consumer:
//   consumer_stopped  no consumer stopped on OFFSET_OUT_OF_RANGE, or on no committed offset, with
//                     auto_offset_reset none
// A seek (a deliberate replay) starts a new run of polls for per_partition_order, and a commit
// behind the previous one after a seek is no committed_offset_regression; duplicate counts a
// message at two offsets, so reading an offset again is never one.
#pragma once

#include <map>
#include <vector>

#include "models/queue/intervals.hpp"
#include "models/queue/options.hpp"
#include "models/queue/recorder.hpp"
#include "sim/results/check.hpp"

namespace queue {

const std::vector<std::string>& check_names();

sim::CheckResult check_lost_and_unseen(const Observations& o, sim::CheckResult& unseen);
sim::CheckResult check_retention_skipped(const Observations& o);
sim::CheckResult check_duplicates(const Observations& o);
sim::CheckResult check_inconsistent_offsets(const Observations& o);
sim::CheckResult check_order(const Observations& o);
sim::CheckResult check_key_order(const Observations& o);
sim::CheckResult check_duplicate_processing(const Observations& o);
sim::CheckResult check_lost_consumption(const Observations& o);
sim::CheckResult check_zombie_processing(const Observations& o);
sim::CheckResult check_committed_offset_regression(const Observations& o);
sim::CheckResult check_consumer_lag(const Observations& o, std::int64_t bound);
sim::CheckResult check_consumer_stopped(const Observations& o);
sim::CheckResult check_aborted_read(const Observations& o);
sim::CheckResult check_torn_txn(const Observations& o);
/// By (partition, producer), merged: the sequences the final logs hold committed (a record outside
/// any transaction, or one whose transaction's marker is a commit), and those they hold aborted.
struct FinalTxnStatus {
  std::map<std::pair<int, std::uint32_t>, std::vector<Span>> committed;
  std::map<std::pair<int, std::uint32_t>, std::vector<Span>> aborted;
};
FinalTxnStatus final_txn_status(const Observations& o);
sim::CheckResult check_availability(const Observations& o, sim::Duration bound, double& worst_unavailable_s);

}  // namespace queue
