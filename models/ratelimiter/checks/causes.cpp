// Causes that are no fault: an API server whose wall clock the scenario set off true time
// (`skew`, `skew_spread`) decides with it wherever the decision reads the caller's clock.
#include <fmt/format.h>

#include "models/ratelimiter/checks/findings.hpp"
#include "sim/results/text.hpp"

namespace ratelimiter {
namespace {

/// How the server's clock reaches its decisions, or "" when it does not.
std::string how_clock_decides(const RateLimiterOptions& options) {
  switch (options.placement) {
    case Placement::local: return "it decides in its own memory, by its own wall clock";
    case Placement::hybrid: return "it counts each window by its own wall clock before it syncs with Redis";
    case Placement::redis:
      if (options.now_source == NowSource::redis_time) return "";
      return "the script takes `now` from the caller (ARGV[3], the API server's wall clock), so every decision that "
             "server asked of Redis, and every entry it wrote there, was stamped with that clock";
  }
  return "";
}

std::string offset_text(sim::Duration skew) {
  return sim::to_string(skew < sim::Duration::zero() ? -skew : skew) +
         (skew < sim::Duration::zero() ? " behind" : " ahead");
}

std::string configured_by(const RateLimiterOptions& options, std::size_t server) {
  for (const auto& [index, skew] : options.skews)
    if (static_cast<std::size_t>(index) == server) return "skew." + options.server_name(index);
  return "skew_spread " + sim::to_string(options.skew_spread);
}

}  // namespace

bool skewed_clock_decides(const RateLimiterOptions& options, const Observations& observations) {
  if (how_clock_decides(options).empty()) return false;
  for (const ServerTally& server : observations.servers)
    if (server.configured_skew != sim::Duration::zero()) return true;
  return false;
}

std::vector<std::string> configured_causes(const RateLimiterOptions& options, const Observations& observations) {
  std::vector<std::string> causes;
  if (!skewed_clock_decides(options, observations)) return causes;
  constexpr std::size_t named_max = 4;
  std::size_t skewed = 0;
  for (std::size_t i = 0; i < observations.servers.size(); ++i) {
    const ServerTally& server = observations.servers[i];
    if (server.configured_skew == sim::Duration::zero() || ++skewed > named_max) continue;
    causes.push_back(fmt::format(
        "From the start, {}'s wall clock ran {} of true time, as the scenario configured "
        "it ({}), not a fault: {}.",
        server.name, offset_text(server.configured_skew), configured_by(options, i), how_clock_decides(options)));
  }
  if (skewed > named_max)
    causes.push_back(fmt::format("{} more API servers' clocks were configured off true time too.", skewed - named_max));
  return causes;
}

}  // namespace ratelimiter
