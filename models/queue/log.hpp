// One replica's log of one partition: batches as offset ranges, never a record per message, with
// the leader-epoch cache of KIP-101, the page cache of the machine under it, and its segments.
//
// Segments and retention, as Kafka's UnifiedLog and LogSegment have them (Kafka's broker and
// topic configuration docs and the source of UnifiedLog.deleteOldSegments): an append rolls a new
// active segment when the current one is not empty and the batch would take it past
// log.segment.bytes. Retention deletes whole segments, oldest first, and stops at the first
// segment it may not delete: by size, while the log stays at or above log.retention.bytes
// without the segment (only once the log has reached that size); by time, while the segment's
// largest record timestamp is more than log.retention.ms old. A segment is deletable only when
// all of it lies below the high watermark, and an empty active segment never is; the active
// segment itself goes only when every segment goes, after a new empty one is rolled (so under
// steady writes it is never deleted). The log start offset moves to the first segment left.
// Sizes are `message_bytes` a message (no batch headers, no indexes). Not modelled:
// log.roll.ms (segment.ms, 7 days) and compaction.
//
// Fault model: appends go to the page cache. What the kernel has written back, or what an
// fsync (flush.messages) forced, survives a machine crash; the rest is lost. The kernel's
// flusher wakes every `writeback` and writes pages older than `expire` (Linux's
// dirty_writeback_centisecs and dirty_expire_centisecs), so a batch appended at t is on disk at
// the first wake-up at or after t + expire. A process crash loses nothing: the page cache is
// the machine's.
//
// Transactions (KIP-98): a transactional batch opens its producer's transaction in the partition
// unless one is open; a marker (a control record of one offset) closes it, committed or aborted.
// The last stable offset is where a read_committed consumer stops, and the aborted index tells
// it which producers' records to drop. The index is rebuilt from the batches whenever the log
// loses some (truncation, retention), so it always says what the batches say.
//
// Determinism: plain vectors, deques and ordered maps; nothing here reads the World.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"

namespace queue {

using Offset = std::int64_t;
using Epoch = std::int32_t;

/// A control record's kind: none for data, or a transaction marker (KIP-98), which takes one
/// offset and is never returned to the application.
enum class Control : std::uint8_t { none, commit, abort };

/// A run of one producer's messages in one partition. A producer numbers its messages to each
/// partition 0, 1, 2, ... (its sequence); the batch holds [first_seq, first_seq + count).
struct Batch {
  Offset base = 0;
  std::int64_t count = 0;
  Epoch epoch = 0;            ///< the leader epoch that appended it
  std::uint32_t producer = 0;
  std::int64_t first_seq = 0;
  /// The idempotent producer's id and epoch (-1: not idempotent); its base sequence is first_seq.
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  /// The producer's first sequence in this partition under this epoch: Kafka's client starts its
  /// sequences again at 0 with a new epoch, where the model numbers a partition's messages on.
  std::int64_t epoch_first_seq = 0;
  /// A transactional producer's batch (the batch header's isTransactional bit).
  bool transactional = false;
  /// A transaction marker (count 1, producer 0, no sequence), written by WriteTxnMarkers.
  Control control = Control::none;
  /// When the producer closed the batch: its records' timestamp (CreateTime), for end-to-end
  /// latency, retention by time and offsetsForTimes.
  sim::Instant created;
  sim::Instant appended;      ///< when this replica appended it (its page-cache age)
  Offset end() const { return base + count; }
};

/// The page cache's writeback rule (Linux defaults: 30 s and 5 s).
struct Writeback {
  sim::Duration expire = sim::Duration::seconds(30);
  sim::Duration interval = sim::Duration::seconds(5);
  /// When a page dirtied at `t` reaches the disk.
  sim::Instant written_at(sim::Instant t) const;
};

/// Kafka's log.segment.bytes and log.retention.{ms,bytes}, with the size of a message.
struct Retention {
  std::int64_t segment_bytes = 1'073'741'824;                ///< log.segment.bytes: 1 GiB
  sim::Duration time = sim::Duration::minutes(7 * 24 * 60);  ///< log.retention.ms: 7 days
  std::optional<std::int64_t> bytes;                         ///< log.retention.bytes: absent is -1, no limit
  std::int64_t message_bytes = 100;
};

/// A segment: where it starts, how big it is, and its largest record timestamp.
struct Segment {
  Offset base = 0;
  std::int64_t bytes = 0;
  sim::Instant largest_timestamp;
};

/// What one retention pass deleted: offsets [from, to), and why ("size", "time"); empty when none.
struct Deleted {
  Offset from = 0;
  Offset to = 0;
  std::string reason;
};

/// An aborted transaction in a partition: its producer id, its first offset and the offset of
/// its abort marker (Kafka's aborted-transaction index, AbortedTxn).
struct AbortedTxn {
  std::int64_t producer_id = -1;
  Offset first = 0;
  Offset marker = 0;
};

/// A partition's transactions as its batches say (Kafka's ProducerStateManager, rebuilt from the
/// log as Kafka rebuilds it): the first offset of each producer's open transaction, the
/// transactions completed by a marker, the aborted ones, and each producer's latest epoch.
struct TxnIndex {
  std::map<std::int64_t, Offset> open;                   ///< producer id -> first offset
  std::vector<std::pair<Offset, Offset>> completed;      ///< (first offset, marker end), in marker order
  std::vector<AbortedTxn> aborted;                       ///< in marker order
  std::map<std::int64_t, std::int16_t> epochs;           ///< producer id -> latest epoch in the log
  void add(const Batch& batch);
};

class PartitionLog {
public:
  PartitionLog() = default;
  explicit PartitionLog(const Retention& retention) : retention_(retention) {}

  Offset start() const { return start_; }
  /// The log end offset (LEO): the offset the next message gets.
  Offset end() const { return batches_.empty() ? start_ : batches_.back().end(); }
  const std::deque<Batch>& batches() const { return batches_; }
  /// The epoch of the last batch, or of the latest epoch begun here; -1 when none.
  Epoch last_epoch() const { return epochs_.empty() ? -1 : epochs_.back().first; }

  /// A new leader records where its epoch starts (KIP-101's leader epoch cache).
  void begin_epoch(Epoch epoch);
  /// Appends at the end; the batch's base must be end().
  void append(const Batch& batch);
  /// Removes every offset at or past `to` (a batch across it is cut).
  void truncate(Offset to);
  /// KIP-101's OffsetsForLeaderEpoch: the largest epoch at or below `epoch` this log knows and
  /// where it ends (the start of the next epoch, or end()); {-1, start()} when none.
  std::pair<Epoch, Offset> end_offset_for(Epoch epoch) const;
  /// Whole batches (or their parts) from `from`, stopping before `limit` and after `max_messages`.
  std::vector<Batch> read(Offset from, Offset limit, std::int64_t max_messages) const;
  /// offsetsForTimes: the first offset at or after the log start, below `limit`, whose timestamp
  /// is at or after `at`; nullopt when there is none.
  std::optional<Offset> offset_for_time(sim::Instant at, Offset limit) const;

  /// The last stable offset for a high watermark: the first offset of the earliest transaction
  /// still open, or completed by a marker not yet below the high watermark; else the watermark.
  Offset last_stable_offset(Offset high_watermark) const;
  /// The aborted transactions that overlap [from, limit), for a read_committed fetch.
  std::vector<AbortedTxn> aborted_between(Offset from, Offset limit) const;
  /// A producer's latest epoch in this log (-1: none), for fencing a zombie's writes.
  std::int16_t producer_epoch(std::int64_t producer_id) const;
  /// Whether the producer has a transaction open in this partition.
  bool has_open_txn(std::int64_t producer_id) const { return txns_.open.count(producer_id) > 0; }

  const std::deque<Segment>& segments() const { return segments_; }
  /// One retention check at `now` (the size rule, then the time rule); returns what went.
  std::vector<Deleted> apply_retention(sim::Instant now, Offset high_watermark);
  /// A follower takes the leader's log start offset (never past its own high watermark), and
  /// drops the segments wholly below it.
  void advance_start(Offset to);
  /// A follower that fell below the leader's log start empties its log and starts there
  /// (Kafka's truncateFullyAndStartAt).
  void restart_at(Offset start);

  /// Forces everything appended so far to disk (an fsync).
  void flush() { flushed_ = end(); }
  Offset flushed() const { return flushed_; }
  /// What a machine crash at `now` leaves: the prefix the kernel had written back or an fsync
  /// had forced. Returns how many messages were lost.
  std::int64_t lose_unflushed(sim::Instant now, const Writeback& writeback);

private:
  void roll();
  void drop_segments_below(Offset start);
  std::optional<Deleted> delete_oldest(const std::string& reason, Offset high_watermark,
                                       const std::function<bool(const Segment&)>& deletable);
  void recount_last_segment();
  void rebuild_txns();

  Retention retention_;
  std::deque<Segment> segments_{Segment{}};  // never empty: the last is the active segment
  std::deque<Batch> batches_;
  TxnIndex txns_;
  std::vector<std::pair<Epoch, Offset>> epochs_;  // (epoch, start offset), increasing
  Offset start_ = 0;
  Offset flushed_ = 0;
};

}  // namespace queue
