#include "models/lock/pictures.hpp"

#include <fmt/format.h>

namespace lock {

std::vector<sim::LaneInterval> belief_intervals(const Observations& o) {
  std::vector<sim::LaneInterval> intervals;
  for (const Grant& g : o.grants) {
    auto client = static_cast<std::size_t>(g.client);
    if (client >= o.client_names.size()) continue;
    std::string token = g.token > 0 ? fmt::format(", token {}", g.token) : "";
    std::string end = g.end_reason.empty() ? "" : "; " + g.end_reason;
    intervals.push_back(
        sim::LaneInterval{o.client_names[client], g.granted, g.ended.value_or(o.run_end),
                          fmt::format("believes it holds the lock (grant {}{}){}", g.epoch, token, end)});
  }
  return intervals;
}

}  // namespace lock
