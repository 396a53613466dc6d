// A node's clocks: a wall clock (what gettimeofday returns: Unix time, which an NTP step or an
// operator may move) and a monotonic clock (what timers run on: never stepped). Both are read
// from true time through an offset and a rate; drift changes the rate of both, a step moves
// only the wall clock.
//
// Determinism: integer nanoseconds throughout; drift arithmetic is exact in 128 bits and
// rounds toward negative infinity, so a reading is a pure function of true time and the
// clock's history of steps and drifts.
#pragma once

#include <cstdint>

#include "sim/kernel/time.hpp"

namespace sim {

/// 2026-01-01T00:00:00Z in Unix nanoseconds: where every node's wall clock starts, before skew.
inline constexpr std::int64_t default_wall_start_ns = 1'767'225'600'000'000'000;

struct ClockOptions {
  Duration skew = Duration::zero();          ///< initial wall-clock offset from true wall time
  std::int64_t drift_ppm = 0;                ///< rate error in parts per million; |ppm| < 10^6
  std::int64_t wall_start_ns = default_wall_start_ns;  ///< true wall time at the run's start
};

class Clock {
public:
  explicit Clock(const ClockOptions& options = {});

  /// Wall clock, Unix nanoseconds, at true time `now`.
  std::int64_t wall_ns(Instant now) const { return wall_base_ + scaled(now); }
  std::int64_t wall_ms(Instant now) const;
  /// Monotonic clock, nanoseconds since the node's boot, at true time `now`.
  std::int64_t mono_ns(Instant now) const { return mono_base_ + scaled(now); }

  /// Moves the wall clock by `by` (negative: backwards). The monotonic clock does not move.
  void step(Instant now, Duration by) { wall_base_ += by.ns(); (void)now; }
  /// Changes the rate of both clocks from `now` on.
  void set_drift(Instant now, std::int64_t ppm);
  std::int64_t drift_ppm() const { return ppm_; }
  /// Offset of the wall clock from true wall time at `now` (skew plus steps plus drift so far).
  Duration wall_offset(Instant now) const;

  /// The true time at which the monotonic clock reads `mono`, given the current rate. Never
  /// earlier than `now`.
  Instant when_mono_reaches(Instant now, std::int64_t mono) const;
  /// The true time at which the monotonic clock will have advanced by `d` from `now` (`now`
  /// itself when `d` is not positive). Inline for the common case of no drift, where monotonic
  /// time runs at the rate of true time: every sleep asks this.
  Instant after_mono(Instant now, Duration d) const {
    if (ppm_ == 0) return d > Duration::zero() ? now + d : now;
    return when_mono_reaches(now, mono_ns(now) + d.ns());
  }

private:
  std::int64_t scaled(Instant now) const;

  std::int64_t true_start_wall_;  // true wall time at Instant zero
  Instant rate_since_;            // true time when the current rate began
  std::int64_t wall_base_;        // wall reading at rate_since_
  std::int64_t mono_base_;        // monotonic reading at rate_since_
  std::int64_t ppm_;
};

}  // namespace sim
