#include "models/ratelimiter/checks/key_times.hpp"

#include <algorithm>

namespace ratelimiter {

KeyTimes::KeyTimes(const Observations& observations, Stamp stamp) {
  const Population& population = *observations.population;
  bool ips = population.has_ip_keys();
  offsets_.assign(static_cast<std::size_t>(population.key_count()) + 1, 0);
  for (const Decided& d : observations.decided) {
    if (!d.admitted()) continue;
    ++offsets_[population.user_key(d.user) + 1];
    if (ips) ++offsets_[population.ip_key(d.user) + 1];
  }
  for (std::size_t k = 1; k < offsets_.size(); ++k) offsets_[k] += offsets_[k - 1];
  times_.resize(offsets_.back());
  std::vector<std::uint64_t> next(offsets_.begin(), offsets_.end() - 1);
  for (const Decided& d : observations.decided) {
    if (!d.admitted()) continue;
    sim::Instant at = stamp == Stamp::arrived ? d.arrived : stamp == Stamp::decided ? d.decided : d.released;
    times_[next[population.user_key(d.user)]++] = at;
    if (ips) times_[next[population.ip_key(d.user)]++] = at;
  }
  // Decisions are recorded nearly in time order; a queue's releases and fallback costs can
  // swap neighbours, so each key is sorted (cheap on nearly sorted runs).
  for (std::size_t k = 0; k + 1 < offsets_.size(); ++k) {
    auto begin = times_.begin() + static_cast<std::ptrdiff_t>(offsets_[k]);
    auto end = times_.begin() + static_cast<std::ptrdiff_t>(offsets_[k + 1]);
    if (!std::is_sorted(begin, end)) std::sort(begin, end);
  }
}

std::int64_t KeyTimes::count_until(Key key, sim::Instant end) const {
  std::span<const sim::Instant> times = of(key);
  return std::upper_bound(times.begin(), times.end(), end) - times.begin();
}

}  // namespace ratelimiter
