// The spec's SnowflakeGenerator.generate(), as a state machine over wall-clock readings, so the
// simulated node can compute when to try again instead of spinning.
//
// Same millisecond: sequence + 1 (12 bits); when it wraps to 0 the generator waits for the next
// millisecond. New millisecond: sequence 0. A clock behind last_timestamp is handled as
// OnBackwards says: raise (the spec: the request fails), wait until the clock catches up, or
// logical (use last_timestamp itself, so time never goes backwards; an exhausted logical
// millisecond moves the logical timestamp on by one instead of waiting).
//
// The generator holds no clock: the caller passes the reading and, on a wait, calls again once
// its clock reads at least `wake_wall_ms`. A pure function of its readings, so deterministic.
#pragma once

#include <cstdint>

namespace snowflake {

enum class OnBackwards { raise, wait, logical };
const char* to_string(OnBackwards mode);

enum class WaitReason { next_millisecond, clock_behind };

/// What one call of generate() gave.
struct Attempt {
  enum class Kind { issued, failed, wait };
  Kind kind = Kind::issued;
  std::int64_t id = 0;            ///< issued
  std::int64_t timestamp_ms = 0;  ///< issued: the id's timestamp (Unix ms)
  std::int64_t sequence = 0;      ///< issued
  bool logical = false;           ///< issued: the timestamp was ahead of the wall clock
  std::int64_t behind_ms = 0;     ///< failed, or a wait for the clock: last_timestamp - wall
  std::int64_t wake_wall_ms = 0;  ///< wait: call again once the wall clock reads this
  WaitReason reason = WaitReason::next_millisecond;  ///< wait
};

class Generator {
public:
  /// node_id in [0, 1023]; the epoch in Unix ms.
  Generator(std::int64_t node_id, std::int64_t epoch_ms, OnBackwards on_backwards);

  /// One attempt at `wall_ms` (the node's wall clock in Unix ms, as time.time() * 1000).
  Attempt generate(std::int64_t wall_ms);

  /// Boot from a persisted high-water mark: no id was ever issued past `mark_ms`, so the
  /// generator acts as if it had just used up the whole of that millisecond.
  void resume_after(std::int64_t mark_ms);

  std::int64_t last_timestamp() const { return last_timestamp_; }
  std::int64_t node_id() const { return node_id_; }

private:
  Attempt issue(std::int64_t timestamp_ms, std::int64_t sequence, bool logical);
  static Attempt wait_for(std::int64_t wake_wall_ms, WaitReason reason, std::int64_t behind_ms);
  Attempt resume_next_millisecond(std::int64_t wall_ms);

  std::int64_t node_id_;
  std::int64_t epoch_ms_;
  OnBackwards on_backwards_;
  std::int64_t sequence_ = 0;
  std::int64_t last_timestamp_ = -1;
  bool awaiting_next_millisecond_ = false;  // the sequence wrapped; the spec spins here
};

}  // namespace snowflake
