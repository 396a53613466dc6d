#include "models/ratelimiter/algorithms/units.hpp"

#include <cmath>

#include "models/ratelimiter/algorithms/local_algorithm.hpp"

namespace ratelimiter {

std::int64_t unit_ns(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::s: return 1'000'000'000;
    case TimeUnit::ms: return 1'000'000;
    case TimeUnit::us: return 1'000;
  }
  return 1;
}

std::string now_argument(sim::WallTime now, TimeUnit unit) {
  return std::to_string(floor_div(now.unix_ns(), unit_ns(unit)));
}

std::string window_argument(sim::Duration window, TimeUnit unit) {
  std::int64_t per = unit_ns(unit);
  std::string text = std::to_string(window.ns() / per);
  std::int64_t rest = window.ns() % per;
  if (rest == 0) return text;
  std::string fraction = std::to_string(per + rest).substr(1);  // zero-padded to the unit's digits
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return text + "." + fraction;
}

sim::Duration duration_in(double value, TimeUnit unit) {
  double ns = value * static_cast<double>(unit_ns(unit));
  if (!(ns > 0.0)) return sim::Duration::zero();
  if (ns > 9.0e18) return sim::Duration::max();
  return sim::Duration::nanoseconds(std::llround(ns));
}

std::string ttl_argument(sim::Duration ttl) {
  std::int64_t ms = (ttl.ns() + 999'999) / 1'000'000;
  return std::to_string(ms < 1 ? 1 : ms);
}

}  // namespace ratelimiter
