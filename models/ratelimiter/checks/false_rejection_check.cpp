#include <fmt/format.h>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {
namespace {

bool under_limit(const Observations& observations, const AdmissionTimes& admissions, Key key, sim::Instant at) {
  const Limit& limit = observations.population->limit(key);
  return admissions.admitted_by(key, at, false_rejection_window(observations, limit)) < limit.count;
}

}  // namespace

FalseRejections measure_false_rejections(const Observations& observations, const AdmissionTimes& admissions) {
  const Population& population = *observations.population;
  FalseRejections found;
  std::vector<bool> counted_user(population.user_count(), false);
  for (const Decided& d : observations.decided) {
    if (d.admitted()) continue;
    ++found.rejected;
    if (!under_limit(observations, admissions, population.user_key(d.user), d.decided)) continue;
    if (population.has_ip_keys() && !under_limit(observations, admissions, population.ip_key(d.user), d.decided))
      continue;
    ++found.count;
    if (d.rejected_by == RejectedBy::no_redis) ++found.without_redis;
    if (!counted_user[d.user]) {
      counted_user[d.user] = true;
      ++found.users;
    }
    if (!found.first || d.decided < found.first->decided) {
      found.first = d;
      Key user = population.user_key(d.user);
      found.first_admitted =
          admissions.admitted_by(user, d.decided, false_rejection_window(observations, population.limit(user)));
    }
  }
  return found;
}

sim::CheckResult FalseRejectionCheck::judge(const Observations& observations, const FalseRejections& rejections) const {
  const Population& population = *observations.population;
  std::uint64_t requests = observations.decided.size();
  sim::CheckResult result;
  result.name = "false_rejections";
  // count / requests > num / den, in integers.
  result.held =
      static_cast<__int128>(rejections.count) * tolerance_.den <= static_cast<__int128>(requests) * tolerance_.num;
  result.summary = fmt::format("{} of {} requests ({}) rejected while under the limit, {} affected; tolerance {}",
                               group_digits(rejections.count), group_digits(requests),
                               percent_of(rejections.count, requests), count_of(rejections.users, "user", "users"),
                               percent_of(tolerance_.num, tolerance_.den));
  result.details.emplace_back("rejected", group_digits(rejections.rejected));
  result.details.emplace_back("rejected while under the limit", group_digits(rejections.count));
  result.details.emplace_back("of those, rejected because Redis failed (fail_closed)",
                              group_digits(rejections.without_redis));
  result.details.emplace_back("look-back beyond the window (granularity)", sim::to_string(observations.granularity));
  if (!rejections.first) return result;
  const Decided& d = *rejections.first;
  Key user = population.user_key(d.user);
  const Limit& limit = population.limit(user);
  std::string what =
      fmt::format("{} rejected by {} ({}) with {} admitted or in flight in the trailing {} (limit {})",
                  population.key_label(user), observations.servers[d.server].name, to_string(d.rejected_by),
                  rejections.first_admitted, sim::to_string(false_rejection_window(observations, limit)), limit.count);
  result.details.emplace_back("first false rejection", what + " at " + sim::to_string(d.decided));
  if (!result.held) result.first = sim::Violation{d.decided, {observations.servers[d.server].name}, what};
  return result;
}

}  // namespace ratelimiter
