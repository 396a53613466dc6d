#include <fmt/format.h>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {

sim::Duration over_admission_window(const Observations& observations, const Limit& limit) {
  return limit.window > observations.granularity ? limit.window - observations.granularity : limit.window;
}

sim::Duration false_rejection_window(const Observations& observations, const Limit& limit) {
  return limit.window + observations.granularity;
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
