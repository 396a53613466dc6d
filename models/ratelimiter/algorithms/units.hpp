// The numbers a server writes into a script's ARGV: its wall clock read in the now unit, a
// window in the window unit. The units are the options' to choose, mistakes included: a
// window of 60 "seconds" against `now` in milliseconds is a window of 60 ms.
#pragma once

#include <cstdint>
#include <string>

#include "models/ratelimiter/options.hpp"
#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/time.hpp"

namespace ratelimiter {

/// Nanoseconds in one `unit`.
std::int64_t unit_ns(TimeUnit unit);
/// A wall-clock reading in whole Unix `unit`s, rounded down, as the caller's clock call would
/// give it: time() for s, Date.now() for ms.
std::string now_argument(sim::WallTime now, TimeUnit unit);
/// `window` in `unit`: "60" for 1 min in s; "1.5" for 1500 ms in s (exact decimal).
std::string window_argument(sim::Duration window, TimeUnit unit);
/// A number of `unit`s as a Duration, rounded to the nearest nanosecond (not below zero).
sim::Duration duration_in(double value, TimeUnit unit);
/// A TTL in ms, at least 1: PEXPIRE's argument.
std::string ttl_argument(sim::Duration ttl);

}  // namespace ratelimiter
