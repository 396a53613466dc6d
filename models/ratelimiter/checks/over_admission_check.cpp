#include <fmt/format.h>

#include <algorithm>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {
namespace {

bool worse(const KeyPeak& a, const KeyPeak& b) {
  __int128 lhs = static_cast<__int128>(a.most) * b.limit;
  __int128 rhs = static_cast<__int128>(b.most) * a.limit;
  if (lhs != rhs) return lhs > rhs;
  if (a.most != b.most) return a.most > b.most;
  return a.key < b.key;
}

// The busiest window of one key, by two pointers over its sorted admissions.
void measure_key(const Observations& observations, const KeyTimes& released, Key key, OverAdmission& over) {
  std::span<const sim::Instant> times = released.of(key);
  if (times.empty()) return;
  const Limit& limit = observations.population->limit(key);
  sim::Duration length = over_admission_window(observations, limit);
  KeyPeak peak{key, 0, limit.count, times.front()};
  std::size_t begin = 0;
  for (std::size_t end = 0; end < times.size(); ++end) {
    while (times[begin] <= times[end] - length) ++begin;
    auto count = static_cast<std::int64_t>(end - begin + 1);
    if (count > peak.most) peak = KeyPeak{key, count, limit.count, times[end]};
    if (count <= limit.count) continue;
    ++over.admitted_beyond;
    if (!over.first || times[end] < over.first->at) over.first = KeyPeak{key, count, limit.count, times[end]};
  }
  if (peak.most <= limit.count) return;
  ++(observations.population->is_ip_key(key) ? over.ips_over : over.users_over);
  over.excess += static_cast<std::uint64_t>(peak.most - limit.count);
  if (!over.worst || worse(peak, *over.worst)) over.worst = peak;
  constexpr std::size_t top_max = 10;
  auto at = std::upper_bound(over.top.begin(), over.top.end(), peak, worse);
  if (static_cast<std::size_t>(at - over.top.begin()) >= top_max) return;
  over.top.insert(at, peak);
  if (over.top.size() > top_max) over.top.pop_back();
}

}  // namespace

sim::Duration over_admission_window(const Observations& observations, const Limit& limit) {
  return limit.window > observations.granularity ? limit.window - observations.granularity : limit.window;
}

sim::Duration false_rejection_window(const Observations& observations, const Limit& limit) {
  return limit.window + observations.granularity;
}

OverAdmission measure_over_admission(const Observations& observations, const KeyTimes& released) {
  OverAdmission over;
  for (Key key = 0; key < released.key_count(); ++key) measure_key(observations, released, key, over);
  return over;
}

sim::CheckResult OverAdmissionCheck::judge(const Observations& observations, const OverAdmission& over) const {
  const Population& population = *observations.population;
  sim::CheckResult result;
  result.name = "over_admission";
  result.held = !over.worst;
  std::uint64_t keys_over = over.users_over + over.ips_over;
  if (result.held) {
    result.summary = fmt::format("no key admitted more than its limit in any window ({} users)",
                                 group_digits(population.user_count()));
  } else {
    const KeyPeak& w = *over.worst;
    result.summary = fmt::format("{} over the limit; worst: {} admitted {} in one window, limit {} ({:.2f}x)",
                                 count_of(keys_over, "key", "keys"), population.key_label(w.key), group_digits(w.most),
                                 group_digits(w.limit), static_cast<double>(w.most) / static_cast<double>(w.limit));
  }
  result.details.emplace_back("users over their limit", group_digits(over.users_over));
  if (population.has_ip_keys()) result.details.emplace_back("IPs over their limit", group_digits(over.ips_over));
  result.details.emplace_back("excess over the limits (busiest windows, summed)", group_digits(over.excess));
  result.details.emplace_back("admissions beyond a full window", group_digits(over.admitted_beyond));
  result.details.emplace_back("window length less granularity", sim::to_string(observations.granularity));
  if (!over.first) return result;
  const KeyPeak& f = *over.first;
  std::string what = fmt::format("{} admitted its request number {} within one {} window (limit {})",
                                 population.key_label(f.key), f.most, sim::to_string(population.limit(f.key).window),
                                 f.limit);
  result.details.emplace_back("first admission beyond the limit", what + " at " + sim::to_string(f.at));
  result.first = sim::Violation{f.at, {}, what};
  return result;
}

}  // namespace ratelimiter
