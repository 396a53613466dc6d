// A node's clocks: a wall clock (what gettimeofday returns: Unix time, which an NTP step or an
// operator may move) and a monotonic clock (what timers run on: never stepped). Both are read
// from true time through an offset and a rate; drift changes the rate of both, a step moves
// only the wall clock.
//
// Readings are typed (clock_reading.hpp): a WallTime and a MonoTime never compare with each
// other or with true time, so a design that mixes them says so with a named conversion.
//
// Determinism: integer nanoseconds throughout; drift arithmetic is exact in 128 bits and
// rounds toward negative infinity, so a reading is a pure function of true time and the
// clock's history of steps and drifts.
#pragma once

#include <cstdint>

#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

/// 2026-01-01T00:00:00Z: where every node's wall clock starts, before skew.
inline constexpr WallTime default_wall_start = WallTime::from_unix_ns(1'767'225'600'000'000'000);

struct ClockOptions {
  Duration skew = Duration::zero();          ///< initial wall-clock offset from true wall time
  std::int64_t drift_ppm = 0;                ///< rate error in parts per million; |ppm| < 10^6
  WallTime wall_start = default_wall_start;  ///< true wall time at the run's start
};

class Clock {
public:
  explicit Clock(const ClockOptions& options = {});

  /// The wall clock's reading (Unix time) at true time `now`.
  WallTime wall(Instant now) const { return wall_base_ + scaled(now); }
  /// The monotonic clock's reading (time since the node's boot) at true time `now`.
  MonoTime mono(Instant now) const { return mono_base_ + scaled(now); }

  /// Moves the wall clock by `by` (negative: backwards). The monotonic clock does not move.
  void step(Instant now, Duration by) { wall_base_ += by; (void)now; }
  /// Changes the rate of both clocks from `now` on.
  void set_drift(Instant now, std::int64_t ppm);
  std::int64_t drift_ppm() const { return ppm_; }
  /// Offset of the wall clock from true wall time at `now` (skew plus steps plus drift so far).
  Duration wall_offset(Instant now) const;

  /// The true time at which the monotonic clock reads `target`, given the current rate. Never
  /// earlier than `now`.
  Instant when_mono_reaches(Instant now, MonoTime target) const;
  /// The true time at which the monotonic clock will have advanced by `d` from `now` (`now`
  /// itself when `d` is not positive). Inline for the common case of no drift, where monotonic
  /// time runs at the rate of true time: every sleep asks this.
  Instant after_mono(Instant now, Duration d) const {
    if (ppm_ == 0) return d > Duration::zero() ? now + d : now;
    return when_mono_reaches(now, mono(now) + d);
  }

private:
  /// True time elapsed since rate_since_, as the clocks count it at the current rate.
  Duration scaled(Instant now) const;

  WallTime true_start_wall_;  // true wall time at Instant zero
  Instant rate_since_;        // true time when the current rate began
  WallTime wall_base_;        // wall reading at rate_since_
  MonoTime mono_base_;        // monotonic reading at rate_since_
  std::int64_t ppm_;
};

}  // namespace sim
