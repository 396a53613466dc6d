#include "sim/run/story.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace sim {
namespace {

bool involves(const std::vector<std::string>& nodes, const std::string& name) {
  return nodes.empty() || std::find(nodes.begin(), nodes.end(), name) != nodes.end();
}

std::string describe_fault(const AppliedFault& f) {
  std::string who = f.node.empty() ? "" : f.node + ": ";
  return fmt::format("At {}, the fault `{}` struck {}{}.", to_string(f.at), f.kind, who, f.detail);
}

}  // namespace

std::vector<std::string> tell_story(const RunResult& result, const std::vector<TraceRecord>& trace,
                                    const std::vector<std::string>& node_names, const std::string& prevention,
                                    const std::vector<std::string>& causes,
                                    std::vector<std::pair<std::size_t, Instant>>* moments) {
  std::vector<std::string> story;
  const CheckOutcome* broken = earliest_violation(result.checks);
  if (!broken) return story;
  const CheckResult& check = broken->result;
  Instant when = check.first ? check.first->at : Instant::zero() + result.simulated;
  std::vector<std::string> nodes = check.first ? check.first->nodes : std::vector<std::string>{};

  std::vector<const AppliedFault*> before;
  for (const AppliedFault& f : result.faults)
    if (f.at <= when) before.push_back(&f);
  std::size_t from = before.size() > 3 ? before.size() - 3 : 0;
  // Causes the scenario set up hold from the start, so they come first.
  story.insert(story.end(), causes.begin(), causes.end());
  if (before.empty() && causes.empty())
    story.push_back("No fault was injected before the violation: the design breaks on its own under this load.");
  else if (from > 0)
    story.push_back(fmt::format("{} earlier faults are listed with the run's faults.", from));

  // The faults told and what the nodes involved did from the first of them to the violation,
  // in time order (a fault before what happened at its own instant).
  std::vector<std::pair<Instant, std::string>> lines;
  for (std::size_t i = from; i < before.size(); ++i) lines.emplace_back(before[i]->at, describe_fault(*before[i]));
  Instant since = before.empty() ? Instant::zero() : before[from]->at;
  std::size_t told = 0;
  bool further = false;
  for (const TraceRecord& r : trace) {
    if (r.time < since || r.time > when) continue;
    if (r.kind.rfind("fault.", 0) == 0 || r.kind.rfind("net.", 0) == 0) continue;
    std::string name = r.node < node_names.size() ? node_names[r.node] : "";
    if (!involves(nodes, name)) continue;
    if (++told > 6) {
      further = true;
      break;
    }
    lines.emplace_back(r.time, fmt::format("At {}, {}: {}{}", to_string(r.time), name.empty() ? "the world" : name,
                                           r.kind, r.detail.empty() ? "" : " (" + r.detail + ")"));
  }
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& line : lines) {
    if (moments) moments->emplace_back(story.size(), line.first);
    story.push_back(std::move(line.second));
  }
  if (further) story.push_back("(further events are in the trace)");

  std::string where = nodes.empty() ? "" : " on " + fmt::format("{}", fmt::join(nodes, ", "));
  if (moments) moments->emplace_back(story.size(), when);
  story.push_back(fmt::format("At {}{}, `{}` broke: {}", to_string(when), where, check.name,
                              check.first ? check.first->what : check.summary));
  story.push_back("How bad: " + check.summary + ".");
  if (!prevention.empty()) story.push_back("What would have prevented it: " + prevention);
  return story;
}

}  // namespace sim
