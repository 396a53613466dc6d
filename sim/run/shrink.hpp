// Shrinking: from a scenario and a seed that violate a check, a smaller scenario that still
// violates it under the same seed, which is what a person pastes into a design review.
//
// Delta debugging over the scenario's YAML: first the random faults become the fixed faults
// that fired, then it removes faults (ddmin over the fault list), shortens each fault's
// duration, lowers the counts of clients, nodes, servers and users and the load, and shortens
// the run. Each step is run, and kept only if the scenario is still valid and the check is still
// violated; the passes repeat while one changes something, within a budget of runs.
//
// Determinism: candidates are tried in one fixed order and each run is deterministic, so one
// scenario, seed, check and budget give one shrunk scenario, byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/time.hpp"

namespace sim {

struct ShrinkOptions {
  std::optional<std::uint64_t> seed;  ///< default: the scenario's own
  std::optional<std::string> check;   ///< default: the check whose violation came first
  std::uint64_t budget = 200;         ///< runs at most, the first one included
};

/// Runs a shrink may use: the least and the most.
inline constexpr std::uint64_t shrink_budget_min = 2;
inline constexpr std::uint64_t shrink_budget_max = 100'000;

struct ShrinkResult {
  std::string file;
  std::string check;
  std::uint64_t seed = 0;
  /// The shrunk scenario as YAML (no header comment): its seed is the shrink's seed, its name
  /// ends in "-shrunk" and its expect: names the checks it violates at that seed.
  std::string scenario_yaml;
  /// What was removed or made smaller, in the order it was done.
  std::vector<std::string> changes;
  std::vector<std::string> faults_kept;  ///< described: "pause of client-1 at 5s"
  std::vector<std::string> violated;     ///< the checks the shrunk scenario violates
  std::uint64_t runs = 0;
  bool budget_spent = false;
  std::size_t faults_applied_before = 0;  ///< faults the original run applied
  std::size_t faults_applied_after = 0;   ///< and the shrunk one
  Duration duration_before;
  Duration duration_after;
};

/// Shrinks the scenario in `file`. Throws ScenarioError for a bad scenario, an unknown check,
/// or a run in which the check (or, with none named, every check) holds: nothing to shrink.
ShrinkResult shrink_scenario(const std::string& file, const ShrinkOptions& options);

}  // namespace sim
