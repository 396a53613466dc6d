#include <algorithm>
#include <fmt/format.h>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {

KSortedness measure_k_sortedness(const std::vector<IssuedId>& issued) {
  KSortedness found;
  std::vector<std::int64_t> prefix_max(issued.size());
  std::size_t group_start = 0;  // first record issued at the current true time
  for (std::size_t j = 0; j < issued.size(); ++j) {
    if (j > 0 && issued[j].at != issued[j - 1].at) group_start = j;
    prefix_max[j] = j == 0 ? issued[j].id : std::max(prefix_max[j - 1], issued[j].id);
    // Only records issued strictly earlier count; most ids sort above all of them.
    if (group_start == 0 || prefix_max[group_start - 1] <= issued[j].id) continue;
    ++found.inverted;
    // The first earlier record whose id exceeds this one is where the prefix maximum first does.
    auto first = std::upper_bound(prefix_max.begin(), prefix_max.begin() + static_cast<std::ptrdiff_t>(group_start),
                                  issued[j].id);
    auto i = static_cast<std::size_t>(first - prefix_max.begin());
    sim::Duration gap = issued[j].at - issued[i].at;
    if (gap > found.gap) found = KSortedness{gap, i, j, found.inverted};
  }
  return found;
}

sim::CheckResult KSortednessCheck::judge(const Observations& observations, const KSortedness& k) const {
  sim::CheckResult result;
  result.name = "k_sortedness";
  result.held = !bound_ || k.gap <= *bound_;
  result.summary = k.inverted == 0 ? "ids sort in true-time order"
                                   : "ids sort out of true-time order by up to " + sim::to_string(k.gap, 4);
  if (bound_) result.summary += " (bound " + sim::to_string(*bound_, 4) + ")";
  result.details.emplace_back("largest inversion", sim::to_string(k.gap, 4));
  result.details.emplace_back("ids issued after a larger id", group_digits(k.inverted));
  result.details.emplace_back("bound", bound_ ? sim::to_string(*bound_, 4) : std::string("none"));
  if (k.inverted == 0) return result;
  const IssuedId& earlier = observations.issued[k.earlier];
  const IssuedId& later = observations.issued[k.later];
  const std::string& earlier_node = observations.nodes[earlier.node].name;
  const std::string& later_node = observations.nodes[later.node].name;
  std::string what = fmt::format("{}'s id {} issued at {} sorts before {}'s id {} issued {} earlier, at {}", later_node,
                                 later.id, sim::to_string(later.at), earlier_node, earlier.id, sim::to_string(k.gap, 4),
                                 sim::to_string(earlier.at));
  result.details.emplace_back("largest inversion pair", what);
  if (!result.held) result.first = sim::Violation{later.at, {earlier_node, later_node}, what};
  return result;
}

}  // namespace snowflake
