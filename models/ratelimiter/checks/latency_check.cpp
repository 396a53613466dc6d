#include <fmt/format.h>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {

sim::CheckResult AddedLatencyCheck::run(const sim::Histogram* latency) const {
  sim::CheckResult result;
  result.name = "added_latency";
  if (!latency || latency->count() == 0) {
    result.summary = "no request was decided";
    return result;
  }
  auto p50 = sim::Duration::nanoseconds(latency->percentile(50.0));
  auto p99 = sim::Duration::nanoseconds(latency->percentile(99.0));
  auto p999 = sim::Duration::nanoseconds(latency->percentile(99.9));
  auto max = sim::Duration::nanoseconds(latency->max());
  result.held = p99 <= budget_;
  result.summary = fmt::format("p50 {}, p99 {}, p99.9 {} against a p99 budget of {}", sim::to_string(p50, 4),
                               sim::to_string(p99, 4), sim::to_string(p999, 4), sim::to_string(budget_, 4));
  result.details.emplace_back("requests timed", group_digits(latency->count()));
  result.details.emplace_back("p50", sim::to_string(p50, 4));
  result.details.emplace_back("p99", sim::to_string(p99, 4));
  result.details.emplace_back("p99.9", sim::to_string(p999, 4));
  result.details.emplace_back("max", sim::to_string(max, 4));
  result.details.emplace_back("budget (p99)", sim::to_string(budget_, 4));
  return result;
}

}  // namespace ratelimiter
