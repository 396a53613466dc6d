#include <fmt/format.h>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {
namespace {

std::string failure_text(const Observations& observations, const FailedRequest& failed) {
  const std::string& node = observations.nodes[failed.node].name;
  if (failed.kind == FailureKind::clock_backwards)
    return fmt::format("{} refused request {} at {}: clock moved backwards by {} ms", node, failed.request,
                       sim::to_string(failed.at), failed.behind_ms);
  return fmt::format("request {} to {} failed at {}: the node was down", failed.request, node,
                     sim::to_string(failed.at));
}

}  // namespace

sim::CheckResult AvailabilityCheck::run(const Observations& observations) const {
  std::uint64_t requests = 0;
  for (const NodeTally& node : observations.nodes) requests += node.requests;
  std::uint64_t backwards = 0;
  for (const FailedRequest& failed : observations.failed)
    if (failed.kind == FailureKind::clock_backwards) ++backwards;
  std::uint64_t unavailable = observations.failed.size() - backwards;

  sim::CheckResult result;
  result.name = "availability";
  result.held = observations.failed.empty();
  result.summary =
      result.held ? "every request got an id or is still queued"
                  : fmt::format("{} of {} failed ({} clock moved backwards, {} node down)",
                                group_digits(observations.failed.size()), count_of(requests, "request", "requests"),
                                group_digits(backwards), group_digits(unavailable));
  result.details.emplace_back("requests", group_digits(requests));
  result.details.emplace_back("failed: clock moved backwards", group_digits(backwards));
  result.details.emplace_back("failed: node down", group_digits(unavailable));
  for (const NodeTally& node : observations.nodes)
    if (node.failed > 0) result.details.emplace_back("failed at " + node.name, group_digits(node.failed));
  if (!observations.failed.empty()) {
    const FailedRequest& first = observations.failed.front();
    std::string what = failure_text(observations, first);
    result.details.emplace_back("first failure", what);
    result.first = sim::Violation{first.at, {observations.nodes[first.node].name}, what};
  }
  return result;
}

}  // namespace snowflake
