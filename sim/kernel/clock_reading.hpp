// What a node's clocks read: a wall-clock reading (Unix time, which steps move) and a
// monotonic reading (time since the node's boot, which nothing steps). Each is its own type,
// as true time (Instant) is: two readings of one kind subtract to a Duration and a reading
// moves by a Duration, but comparing or subtracting readings of two kinds does not compile.
// The designs we simulate break exactly where they mix them. A raw integer comes out only
// through a named conversion (unix_ms() for a PX argument or a Snowflake timestamp), so a
// reader sees where a design converts.
//
// Determinism: integer nanoseconds; conversions to coarser units round toward negative
// infinity, so a reading converts the same way on every machine.
#pragma once

#include <compare>
#include <cstdint>

#include "sim/kernel/time.hpp"

namespace sim {

namespace detail {
/// floor(a / b) for b > 0.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}
}  // namespace detail

/// A wall-clock reading: Unix nanoseconds, as gettimeofday or clock_gettime(CLOCK_REALTIME)
/// would give on the node.
class WallTime {
public:
  constexpr WallTime() = default;
  static constexpr WallTime from_unix_ns(std::int64_t ns) { return WallTime{ns}; }
  static constexpr WallTime from_unix_ms(std::int64_t ms) { return WallTime{ms * 1'000'000}; }

  constexpr std::int64_t unix_ns() const { return ns_; }
  /// Whole Unix milliseconds (Date.now(), Redis's mstime()).
  constexpr std::int64_t unix_ms() const { return detail::floor_div(ns_, 1'000'000); }
  /// Whole Unix seconds (time(), Redis's server.unixtime).
  constexpr std::int64_t unix_s() const { return detail::floor_div(ns_, 1'000'000'000); }
  /// This reading cut to whole milliseconds: what a clock read in ms resolution shows.
  constexpr WallTime whole_ms() const { return from_unix_ms(unix_ms()); }

  constexpr auto operator<=>(const WallTime&) const = default;
  constexpr WallTime operator+(Duration d) const { return WallTime{ns_ + d.ns()}; }
  constexpr WallTime operator-(Duration d) const { return WallTime{ns_ - d.ns()}; }
  constexpr Duration operator-(WallTime o) const { return Duration::nanoseconds(ns_ - o.ns_); }
  constexpr WallTime& operator+=(Duration d) { ns_ += d.ns(); return *this; }
  constexpr WallTime& operator-=(Duration d) { ns_ -= d.ns(); return *this; }

private:
  constexpr explicit WallTime(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// A monotonic-clock reading: nanoseconds since the node's boot, as
/// clock_gettime(CLOCK_MONOTONIC). Only readings of one node's clock compare meaningfully.
class MonoTime {
public:
  constexpr MonoTime() = default;
  /// The reading at boot.
  static constexpr MonoTime boot() { return MonoTime{0}; }
  /// Earlier than any reading: "never", for a time that has not happened yet.
  static constexpr MonoTime min() { return MonoTime{INT64_MIN}; }

  constexpr Duration since_boot() const { return Duration::nanoseconds(ns_); }

  constexpr auto operator<=>(const MonoTime&) const = default;
  constexpr MonoTime operator+(Duration d) const { return MonoTime{ns_ + d.ns()}; }
  constexpr MonoTime operator-(Duration d) const { return MonoTime{ns_ - d.ns()}; }
  constexpr Duration operator-(MonoTime o) const { return Duration::nanoseconds(ns_ - o.ns_); }
  constexpr MonoTime& operator+=(Duration d) { ns_ += d.ns(); return *this; }
  constexpr MonoTime& operator-=(Duration d) { ns_ -= d.ns(); return *this; }

private:
  constexpr explicit MonoTime(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

}  // namespace sim
