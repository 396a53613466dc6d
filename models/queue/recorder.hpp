// What a queue run records for its checkers, Jepsen-style: every acknowledged send with the
// offset the broker gave it, every poll as the offset ranges it returned, failed sends, and at
// the end each partition's final log (what a fresh consumer reading from the start would see).
// Messages stay ranges: a record here is a batch or a piece of one, never a message.
//
// Determinism: vectors in the order things happened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "models/queue/log.hpp"
#include "sim/kernel/world.hpp"

namespace queue {

struct Ack {
  int partition = 0;
  std::uint32_t producer = 0;
  std::int64_t first_seq = 0;
  std::int64_t count = 0;
  Offset base = 0;
  sim::Instant created;
  sim::Instant acked;
  std::int64_t txn = -1;  ///< the transaction (Observations::txns) it was written in; -1: none
};

/// How a transaction ended as its producer saw it: committed (EndTxn(commit) answered), aborted
/// (the producer aborted it, or was fenced inside it), unknown (EndTxn timed out and the producer
/// re-initialised), or still open when the run ended.
enum class TxnOutcome { open, committed, aborted, unknown };
const char* to_string(TxnOutcome outcome);

/// One transaction of the transactional producer: the messages it wrote, by partition, as
/// (partition, first sequence, count) runs, and how it ended for the producer.
struct TxnRecord {
  std::int64_t index = 0;
  std::uint32_t producer = 0;
  bool abort_planned = false;  ///< the producer meant to abort it (transaction_abort_share)
  TxnOutcome outcome = TxnOutcome::open;
  std::vector<std::tuple<int, std::int64_t, std::int64_t>> writes;
  sim::Instant begun;
  sim::Instant ended;
};

struct Poll {
  int partition = 0;
  Batch piece;  ///< the offsets it returned and the messages there
  sim::Instant polled;
  int member = 0;      ///< the group member that polled (0 outside a group)
  int generation = 0;  ///< the group generation it polled in
  int seeks = 0;       ///< seeks the member had made: a seek starts a new run of its polls
};

/// A consumer's position moved by other means than a poll: auto.offset.reset after
/// OFFSET_OUT_OF_RANGE ("earliest", "latest", or "log end" when the log ends before it), or a
/// seek ("seek").
struct Reposition {
  int member = 0;
  int partition = 0;
  Offset from = 0;
  Offset to = 0;
  sim::Instant at;
  std::string why;
};

/// A consumer that got OFFSET_OUT_OF_RANGE (or had no committed offset) with auto.offset.reset
/// none: the exception reaches the application, which stops.
struct ConsumerError {
  int member = 0;
  int partition = 0;
  Offset offset = 0;     ///< its position, -1 when nothing was committed
  Offset log_start = 0;  ///< the leader's log start then
  sim::Instant at;
};

/// A group member finished processing records [base, base + count) of a partition; `effects`
/// are the offsets that took effect at the sink.
struct Processing {
  int member = 0;
  int generation = 0;
  int partition = 0;
  Offset base = 0;
  std::int64_t count = 0;
  std::vector<std::pair<Offset, Offset>> effects;
  sim::Instant at;
};

/// A completed rebalance: the owner (member index, or -1) of each partition from then on, and
/// (cooperative) the member that still consumes a partition until it revokes it (-1: none).
struct Assignment {
  int generation = 0;
  sim::Instant at;
  std::vector<int> owner;
  std::vector<int> revoking;  ///< empty or by partition
};

/// Each partition's consumer lag at one moment: its leader's high watermark less the group's
/// committed offset (none: 0), as kafka-consumer-groups shows it.
struct LagSample {
  sim::Instant at;
  std::vector<std::int64_t> lag;  ///< by partition
};

/// An offset commit the coordinator accepted.
struct Commit {
  int member = 0;
  int partition = 0;
  Offset offset = 0;
  sim::Instant at;
};

struct Observations {
  int partitions = 0;
  std::vector<Ack> acks;
  std::vector<Poll> polls;
  std::int64_t sent_messages = 0;       ///< closed into batches by the producer
  std::int64_t sent_batches = 0;
  std::int64_t unacknowledged_sends = 0;  ///< acks=0: sent with no answer to wait for
  std::int64_t failed_messages = 0;     ///< given up after delivery.timeout.ms
  std::int64_t failed_batches = 0;
  std::vector<std::vector<Batch>> final_logs;  ///< by partition, data only (no markers)
  std::vector<std::vector<Batch>> final_markers;  ///< by partition: the transaction markers
  std::vector<TxnRecord> txns;  ///< the transactional producer's transactions, by index
  bool read_committed = false;  ///< the consumers read with isolation.level=read_committed
  /// By partition: offsets a consumer passed over without returning them (markers, and with
  /// read_committed the records of aborted transactions), so its polls skip them rightly.
  std::vector<std::vector<std::pair<Offset, Offset>>> hidden;
  /// By partition: the final log's start offset; retention deleted everything below it.
  std::vector<Offset> final_log_start;
  std::vector<std::string> final_log_source;   ///< which replica each final log was read from
  /// With keys: the key indexes each partition receives (partitioner.hpp); a producer's message
  /// with sequence s in partition p carries key keys_by_partition[p][s mod size]. Empty: no keys.
  std::vector<std::vector<int>> keys_by_partition;
  bool group = false;  ///< consumers in a group: the group checks apply
  std::vector<Processing> processings;
  std::vector<Assignment> assignments;
  std::vector<Commit> commits;
  std::vector<Offset> final_committed;  ///< by partition, -1: none
  std::vector<Reposition> repositions;
  std::vector<ConsumerError> consumer_errors;
  std::vector<LagSample> lag;  ///< with a group: one sample per lag slice, in time order
  /// Rebalance pauses: partitions that went unconsumed between two members, and for how long in all.
  std::int64_t partition_pauses = 0;
  sim::Duration partition_paused;
  sim::Instant produce_start;
  sim::Instant produce_stop;
  sim::Instant run_end;
};

class Recorder {
public:
  explicit Recorder(sim::World& world, int partitions)
      : world_(world),
        holder_(static_cast<std::size_t>(partitions), -1),
        released_at_(static_cast<std::size_t>(partitions)) {
    o_.partitions = partitions;
  }

  void acked(const Ack& ack) { o_.acks.push_back(ack); }
  /// A consumer passed over offsets [from, to) of a partition without returning them.
  void hidden(int partition, Offset from, Offset to);
  TxnRecord& txn(std::int64_t index) { return o_.txns[static_cast<std::size_t>(index)]; }
  std::int64_t began_txn(const TxnRecord& record) {
    o_.txns.push_back(record);
    return static_cast<std::int64_t>(o_.txns.size()) - 1;
  }
  void polled(int partition, const Batch& piece, int member = 0, int generation = 0, int seeks = 0);
  void repositioned(Reposition r) { o_.repositions.push_back(std::move(r)); }
  void failed(const ConsumerError& error) { o_.consumer_errors.push_back(error); }
  void processed(Processing processing) { o_.processings.push_back(std::move(processing)); }
  void assigned(Assignment assignment) { o_.assignments.push_back(std::move(assignment)); }
  /// Who consumes what, for the rebalance pauses: `member` stopped consuming `partition` (it
  /// rejoined under the eager protocol, revoked it under the cooperative one, or lost it); a
  /// removed member stopped consuming everything it held. A release by a member that no longer
  /// held the partition changes nothing.
  void released(int partition, int member);
  void member_removed(int member);
  /// `member` consumes `partition` again (its position known): the time since the release is a
  /// pause, recorded as the `partition_pause` latency. A first assignment is no pause.
  void taken(int partition, int member);
  void sampled_lag(LagSample sample) { o_.lag.push_back(std::move(sample)); }
  void committed(const Commit& commit) { o_.commits.push_back(commit); }
  void closed(std::int64_t messages) {
    o_.sent_messages += messages;
    ++o_.sent_batches;
  }
  void sent_without_ack(std::int64_t messages) { o_.unacknowledged_sends += messages; }
  void gave_up(std::int64_t messages) {
    o_.failed_messages += messages;
    ++o_.failed_batches;
  }
  Observations& observations() { return o_; }
  const Observations& observations() const { return o_; }

private:
  sim::World& world_;
  Observations o_;
  std::vector<int> holder_;  ///< by partition: the member consuming it, -1 for none
  std::vector<std::optional<sim::Instant>> released_at_;  ///< by partition: since when none has
};

}  // namespace queue
