// The users and the keys they are limited by. A user's key is their account ("rate_limit:
// user_123", as the spec names it); with per-IP limits each user also sits behind one client IP
// that several users share, and that IP has a key of its own. Keys are numbered: users first
// (key = user id), then IPs (key = user_count + ip), so every per-key table is a flat vector.
//
// Determinism: tiers and IPs are drawn once, at build, from the streams "ratelimiter/tiers" and
// "ratelimiter/ips"; nothing here is hashed with std::hash or kept in an unordered container.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/ratelimiter/algorithms/limit.hpp"
#include "models/ratelimiter/options.hpp"
#include "sim/kernel/random.hpp"

namespace ratelimiter {

using Key = std::uint32_t;

class Population {
public:
  Population(const RateLimiterOptions& options, sim::Rng tiers, sim::Rng ips);

  std::uint32_t user_count() const { return static_cast<std::uint32_t>(tiers_.size()); }
  std::uint32_t key_count() const { return user_count() + ip_count_; }
  bool has_ip_keys() const { return ip_count_ > 0; }

  Key user_key(std::uint32_t user) const { return user; }
  /// Only when has_ip_keys().
  Key ip_key(std::uint32_t user) const { return user_count() + ips_[user]; }
  bool is_ip_key(Key key) const { return key >= user_count(); }
  Tier tier(std::uint32_t user) const { return static_cast<Tier>(tiers_[user]); }
  const Limit& limit(Key key) const;
  /// "rate_limit:user_123" or "rate_limit:ip_45".
  std::string key_name(Key key) const;
  /// "user 123 (free)" or "ip 45".
  std::string key_label(Key key) const;

private:
  std::vector<std::uint8_t> tiers_;
  std::vector<std::uint32_t> ips_;
  std::uint32_t ip_count_ = 0;
  Limit free_limit_, paid_limit_, ip_limit_;
};

}  // namespace ratelimiter
