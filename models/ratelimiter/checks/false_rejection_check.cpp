#include <fmt/format.h>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/text.hpp"

namespace ratelimiter {
sim::CheckResult FalseRejectionCheck::judge(const Observations& observations, const FalseRejections& rejections,
                                            std::uint64_t requests) const {
  const Population& population = *observations.population;
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
