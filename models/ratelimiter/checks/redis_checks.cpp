#include <fmt/format.h>

#include <algorithm>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {

sim::CheckResult RedisUnavailableCheck::judge(const Observations& observations, const WithoutRedis& without,
                                              std::uint64_t requests) const {
  sim::CheckResult result;
  result.name = "redis_unavailable";
  if (placement_ == Placement::local) {
    result.summary = "placement local: Redis is not used";
    return result;
  }
  std::uint64_t count = without.count;
  const std::optional<Decided>& first = without.first;
  std::uint64_t timeouts = 0, errors = 0;
  for (const ServerTally& server : observations.servers) {
    timeouts += server.redis_timeouts;
    errors += server.redis_errors;
  }
  result.held = count == 0;
  result.summary = fmt::format("{} of {} requests decided without Redis; {} timed out, {} answered with an error",
                               group_digits(count), group_digits(requests),
                               count_of(timeouts, "call", "calls"), group_digits(errors));
  for (std::size_t i = 0; i < WithoutRedis::paths.size(); ++i)
    if (without.by_path[i] > 0)
      result.details.emplace_back(std::string("decided by ") + to_string(WithoutRedis::paths[i]),
                                  group_digits(without.by_path[i]));
  result.details.emplace_back("Redis calls timed out", group_digits(timeouts));
  result.details.emplace_back("Redis calls answered with an error", group_digits(errors));
  if (!first) return result;
  std::string what = fmt::format("{} decided a request by {}: its Redis call failed",
                                 observations.servers[first->server].name, to_string(first->path));
  result.first = sim::Violation{first->decided, {observations.servers[first->server].name}, what};
  return result;
}

sim::CheckResult RedisMemoryCheck::run(const Observations& observations) const {
  sim::CheckResult result;
  result.name = "redis_memory";
  if (observations.redis.empty()) {
    result.summary = "placement local: no Redis";
    return result;
  }
  const RedisMemory* peak = &observations.redis.front();
  for (const RedisMemory& server : observations.redis) {
    if (server.peak_bytes > peak->peak_bytes) peak = &server;
    result.details.emplace_back(server.name,
                                fmt::format("peak {} bytes, {} bytes in {} at the end", group_digits(server.peak_bytes),
                                            group_digits(server.end_bytes), count_of(server.end_keys, "key", "keys")));
  }
  result.held = !budget_ || peak->peak_bytes <= static_cast<std::uint64_t>(*budget_);
  result.summary = fmt::format("peak {} bytes on {}", group_digits(peak->peak_bytes), peak->name);
  if (budget_)
    result.summary += fmt::format(" against a budget of {} bytes", group_digits(static_cast<std::uint64_t>(*budget_)));
  if (budget_) result.details.emplace_back("budget", group_digits(static_cast<std::uint64_t>(*budget_)) + " bytes");
  if (!result.held)
    result.first = sim::Violation{
        sim::Instant::zero() + observations.length,
        {peak->name},
        fmt::format("{} used {} bytes, more than the budget", peak->name, group_digits(peak->peak_bytes))};
  return result;
}

}  // namespace ratelimiter
