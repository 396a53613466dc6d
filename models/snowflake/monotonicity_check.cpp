#include <fmt/format.h>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {
namespace {

struct NodeOrder {
  std::optional<std::size_t> previous;  // the node's last id, by index into issued
  std::optional<std::size_t> highest;   // the node's largest id so far
};

}  // namespace

sim::CheckResult MonotonicityCheck::run(const Observations& observations) const {
  const std::vector<IssuedId>& issued = observations.issued;
  std::vector<NodeOrder> nodes(observations.nodes.size());
  std::uint64_t behind = 0;  // ids not above some id their node issued earlier
  std::uint64_t breaks = 0;  // ids not above the id their node issued just before
  std::optional<std::pair<std::size_t, std::size_t>> first;  // (the earlier id, the one not above it)
  for (std::size_t i = 0; i < issued.size(); ++i) {
    NodeOrder& node = nodes[issued[i].node];
    if (node.previous && issued[i].id <= issued[*node.previous].id) ++breaks;
    if (node.highest && issued[i].id <= issued[*node.highest].id) {
      ++behind;
      if (!first) first = std::pair{*node.highest, i};
    } else {
      node.highest = i;
    }
    node.previous = i;
  }

  sim::CheckResult result;
  result.name = "monotonicity";
  result.held = behind == 0;
  result.summary = behind == 0 ? "every node's ids strictly increase"
                               : fmt::format("{} not above an id their node issued earlier ({} where the order broke)",
                                             count_of(behind, "id", "ids"), count_of(breaks, "place", "places"));
  result.details.emplace_back("ids issued", group_digits(issued.size()));
  result.details.emplace_back("ids not above an earlier id of their node", group_digits(behind));
  result.details.emplace_back("ids not above their node's previous id", group_digits(breaks));
  if (first) {
    const IssuedId& before = issued[first->first];
    const IssuedId& after = issued[first->second];
    const std::string& node = observations.nodes[after.node].name;
    std::string what = fmt::format("{} issued id {} at {} after id {} at {}", node, after.id, sim::to_string(after.at),
                                   before.id, sim::to_string(before.at));
    result.details.emplace_back("first break", what);
    result.first = sim::Violation{after.at, {node}, what};
  }
  return result;
}

}  // namespace snowflake
