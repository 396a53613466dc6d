// The trace: every event that changes the world, as (time, node, kind, detail), folded into a
// 64-bit hash. Two runs of one scenario and seed fold the same records in the same order, so
// they print the same hash; any divergence, however small, changes it.
//
// Determinism: the hash is our own fixed function of the records' bytes (no std::hash, no
// addresses). Keeping the records (for JSON lines and for the story of a violation) is
// optional and does not change the hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/event.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

struct TraceRecord {
  Instant time;
  NodeId node = no_node;
  std::string kind;    ///< "fault.pause", "net.drop", "node.crash", "snowflake.clock_backwards", …
  std::string detail;  ///< human-readable, stable text
};

/// A hot-path event as folded (kind plus two integers), kept only inside a window.
struct FoldRecord {
  Instant time;
  NodeId node = no_node;
  std::string kind;  ///< "net.send" (a: packet id, b: receiver << 32 | delay ns), "net.deliver" (a: id, b: sender)
  std::int64_t a = 0;
  std::int64_t b = 0;
};

/// Told of every record and fold as it is made, in the trace's order: what lets a fault wait
/// for an event. It may schedule work but must not run any inline.
class TraceWatcher {
public:
  virtual void traced(Instant time, NodeId node, std::string_view kind) = 0;

protected:
  ~TraceWatcher() = default;
};

class Trace {
public:
  /// One watcher at most; nullptr stops watching.
  void watch(TraceWatcher* watcher) { watcher_ = watcher; }

  /// Keep at most `limit` records in memory (0: keep none; the hash covers everything).
  void keep_records(std::size_t limit) { keep_limit_ = limit; }
  /// Besides those, keep the records (the first `limit`) and the folds (the last `limit`) made
  /// in [from, to]: what a picture of that window draws (a replay sets it once it knows the
  /// window, which ends soon after the moment it shows).
  void keep_window(Instant from, Instant to, std::size_t limit);

  void record(Instant time, NodeId node, std::string_view kind, std::string_view detail);
  /// Folds a hot-path event without formatting text: kind plus two integers. Not kept.
  void fold(Instant time, NodeId node, std::string_view kind, std::int64_t a, std::int64_t b);

  std::uint64_t hash() const { return hash_; }
  std::uint64_t count() const { return count_; }
  const std::vector<TraceRecord>& records() const { return records_; }
  bool truncated() const { return count_kept_limit_hit_; }
  const std::vector<TraceRecord>& window_records() const { return window_records_; }
  /// The folds kept, in the order they were made.
  std::vector<FoldRecord> window_folds() const;

private:
  void mix(std::uint64_t word) {
    hash_ ^= word + 0x9e3779b97f4a7c15ULL + (hash_ << 6) + (hash_ >> 2);
    hash_ *= 0xff51afd7ed558ccdULL;
    hash_ ^= hash_ >> 32;
  }
  void mix(std::string_view text);

  std::uint64_t hash_ = 0x6a09e667f3bcc908ULL;
  std::uint64_t count_ = 0;
  std::size_t keep_limit_ = 0;
  bool count_kept_limit_hit_ = false;
  std::vector<TraceRecord> records_;
  bool in_window(Instant time) const { return window_limit_ > 0 && time >= window_from_ && time <= window_to_; }
  Instant window_from_, window_to_;
  std::size_t window_limit_ = 0;
  std::vector<TraceRecord> window_records_;
  std::vector<FoldRecord> window_folds_;  // a ring once full: the oldest is overwritten
  std::size_t window_folds_made_ = 0;
  TraceWatcher* watcher_ = nullptr;
};

std::string hash_hex(std::uint64_t hash);

}  // namespace sim
