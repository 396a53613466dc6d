#include <fmt/format.h>

#include "models/ratelimiter/options.hpp"

namespace ratelimiter {
namespace {

std::string limit_text(const Limit& limit) { return sim::to_string(sim::Rate{limit.count, limit.window}); }

std::string ratio_text(sim::Ratio ratio) { return fmt::format("{}/{}", ratio.num, ratio.den); }

void describe_limits(const RateLimiterOptions& options, std::vector<std::pair<std::string, std::string>>& rows) {
  rows.emplace_back("free_limit", limit_text(options.free_limit));
  rows.emplace_back("paid_limit", limit_text(options.paid_limit));
  rows.emplace_back("paid_share", ratio_text(options.paid_share));
  if (options.ip_limit) {
    rows.emplace_back("ip_limit", limit_text(*options.ip_limit));
    rows.emplace_back("users_per_ip", std::to_string(options.users_per_ip));
  }
  if (options.algorithm == Algorithm::token_bucket) {
    rows.emplace_back("bucket_capacity", ratio_text(options.bucket_capacity) +
                                             fmt::format(" (free: {} tokens)", options.free_limit.capacity));
    rows.emplace_back("bucket_refill", fmt::format("{} tokens per {} (free tier)", options.free_limit.refill,
                                                   sim::to_string(options.free_limit.window)));
  }
  if (options.algorithm == Algorithm::leaky_bucket)
    rows.emplace_back("queue_capacity",
                      ratio_text(options.queue_capacity) + fmt::format(" (free: up to {} x {} of waiting)",
                                                                       options.free_limit.capacity,
                                                                       sim::to_string(options.free_limit.interval())));
}

void describe_redis_use(const RateLimiterOptions& options, std::vector<std::pair<std::string, std::string>>& rows) {
  if (options.placement == Placement::redis) {
    rows.emplace_back("now", to_string(options.now_source));
    rows.emplace_back("now_unit", to_string(options.now_unit));
    rows.emplace_back("window_unit", to_string(options.window_unit));
    // Shown only when it is not the spec's, so that the runs of the spec's script read as before.
    if (options.member == Member::request_id) rows.emplace_back("member", "request_id");
  }
  if (options.placement == Placement::hybrid) rows.emplace_back("sync_interval", sim::to_string(options.sync_interval));
  if (!options.uses_redis()) return;
  rows.emplace_back("on_redis_failure", to_string(options.on_redis_failure));
  rows.emplace_back("redis_timeout", sim::to_string(options.redis_timeout));
  for (auto& [key, value] : redis::describe(options.redis)) rows.emplace_back("redis." + key, value);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe(const RateLimiterOptions& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("algorithm", to_string(options.algorithm));
  rows.emplace_back("placement", to_string(options.placement));
  rows.emplace_back("servers", std::to_string(options.server_count));
  rows.emplace_back("skew_spread", sim::to_string(options.skew_spread));
  for (const auto& [index, skew] : options.skews)
    rows.emplace_back("skew." + options.server_name(index), sim::to_string(skew));
  rows.emplace_back("local_cost", sim::to_string(options.local_cost));
  rows.emplace_back("users", std::to_string(options.user_count));
  rows.emplace_back("user_skew", fmt::format("{}", options.user_skew));
  rows.emplace_back("rate", sim::to_string(options.rate));
  rows.emplace_back("arrival", to_string(options.arrival));
  for (std::size_t i = 0; i < options.bursts.size(); ++i) {
    const Burst& b = options.bursts[i];
    rows.emplace_back(fmt::format("bursts[{}]", i),
                      fmt::format("at {}: users 0..{} send {} each over {}", sim::to_string(b.at), b.users - 1,
                                  b.requests, sim::to_string(b.over)));
  }
  describe_limits(options, rows);
  describe_redis_use(options, rows);
  rows.emplace_back("latency_budget", sim::to_string(options.latency_budget));
  if (options.memory_budget) rows.emplace_back("memory_budget", std::to_string(*options.memory_budget) + " bytes");
  rows.emplace_back("false_rejection_tolerance", ratio_text(options.false_rejection_tolerance));
  return rows;
}

}  // namespace ratelimiter
