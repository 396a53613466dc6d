#include "models/ratelimiter/population.hpp"

namespace ratelimiter {

Population::Population(const RateLimiterOptions& options, sim::Rng tiers, sim::Rng ips)
    : free_limit_(options.free_limit), paid_limit_(options.paid_limit) {
  auto users = static_cast<std::size_t>(options.user_count);
  tiers_.resize(users);
  for (std::size_t u = 0; u < users; ++u) {
    bool paid = tiers.chance(options.paid_share);
    tiers_[u] = static_cast<std::uint8_t>(paid ? Tier::paid : Tier::free);
  }
  if (!options.ip_limit) return;
  ip_limit_ = *options.ip_limit;
  auto per_ip = static_cast<std::uint64_t>(options.users_per_ip);
  ip_count_ = static_cast<std::uint32_t>((users + per_ip - 1) / per_ip);
  // Every IP gets users_per_ip users (the last one fewer), in a random order, so busy users
  // (low ids) do not all share IPs with each other.
  ips_.resize(users);
  for (std::size_t u = 0; u < users; ++u) ips_[u] = static_cast<std::uint32_t>(u / per_ip);
  for (std::size_t u = users; u > 1; --u) std::swap(ips_[u - 1], ips_[ips.below(u)]);
}

const Limit& Population::limit(Key key) const {
  if (is_ip_key(key)) return ip_limit_;
  return tier(key) == Tier::paid ? paid_limit_ : free_limit_;
}

std::string Population::key_name(Key key) const {
  if (is_ip_key(key)) return "rate_limit:ip_" + std::to_string(key - user_count());
  return "rate_limit:user_" + std::to_string(key);
}

std::string Population::key_label(Key key) const {
  if (is_ip_key(key)) return "ip " + std::to_string(key - user_count());
  return "user " + std::to_string(key) + " (" + to_string(tier(key)) + ")";
}

}  // namespace ratelimiter
