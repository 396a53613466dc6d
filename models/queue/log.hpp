// One replica's log of one partition: batches as offset ranges, never a record per message, with
// the leader-epoch cache of KIP-101 and the page cache of the machine under it.
//
// Fault model: appends go to the page cache. What the kernel has written back, or what an
// fsync (flush.messages) forced, survives a machine crash; the rest is lost. The kernel's
// flusher wakes every `writeback` and writes pages older than `expire` (Linux's
// dirty_writeback_centisecs and dirty_expire_centisecs), so a batch appended at t is on disk at
// the first wake-up at or after t + expire. A process crash loses nothing: the page cache is
// the machine's.
//
// Determinism: plain vectors and deques; nothing here reads the World.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"

namespace queue {

using Offset = std::int64_t;
using Epoch = std::int32_t;

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
  sim::Instant created;       ///< when the producer closed the batch (end-to-end latency)
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

class PartitionLog {
public:
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

  /// Forces everything appended so far to disk (an fsync).
  void flush() { flushed_ = end(); }
  Offset flushed() const { return flushed_; }
  /// What a machine crash at `now` leaves: the prefix the kernel had written back or an fsync
  /// had forced. Returns how many messages were lost.
  std::int64_t lose_unflushed(sim::Instant now, const Writeback& writeback);

private:
  std::deque<Batch> batches_;
  std::vector<std::pair<Epoch, Offset>> epochs_;  // (epoch, start offset), increasing
  Offset start_ = 0;
  Offset flushed_ = 0;
};

}  // namespace queue
