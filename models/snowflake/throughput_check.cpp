#include <fmt/format.h>
#include <optional>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/id_layout.hpp"
#include "models/snowflake/rates.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {

sim::CheckResult ThroughputCheck::run(const Observations& observations) const {
  const auto ceiling = static_cast<double>(ids_per_second_ceiling);
  std::vector<std::uint64_t> issued = issued_within_length(observations);
  std::uint64_t waits = 0;
  std::optional<std::size_t> busiest;
  sim::CheckResult result;
  result.name = "throughput";
  for (std::size_t i = 0; i < observations.nodes.size(); ++i) {
    const NodeTally& node = observations.nodes[i];
    waits += node.waits_next_millisecond;
    if (!busiest || issued[i] > issued[*busiest]) busiest = i;
    double rate = per_second(issued[i], observations.length);
    result.details.emplace_back(node.name, fmt::format("{} ({:.1f}% of the ceiling), {} for the next millisecond",
                                                       per_second_text(rate), 100.0 * rate / ceiling,
                                                       count_of(node.waits_next_millisecond, "wait", "waits")));
  }
  if (!busiest) {
    result.summary = "no generator nodes";
    return result;
  }
  const NodeTally& top_node = observations.nodes[*busiest];
  double top = per_second(issued[*busiest], observations.length);
  result.summary = fmt::format("at most {} on one node ({}, {:.1f}% of the {} ceiling); {} for the next millisecond",
                               per_second_text(top), top_node.name, 100.0 * top / ceiling, per_second_text(ceiling),
                               count_of(waits, "wait", "waits"));
  return result;
}

}  // namespace snowflake
