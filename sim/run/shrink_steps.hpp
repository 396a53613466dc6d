// The steps of a shrink (shrink.hpp), each a way to make the scenario smaller, and the Shrinker
// that runs each candidate and keeps it only while the check is still violated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/run/run.hpp"

namespace sim {

class Shrinker {
public:
  Shrinker(std::string file, YAML::Node root, std::uint64_t seed, std::uint64_t budget);

  /// Runs a candidate scenario at the shrink's seed: nothing when the budget is spent or the
  /// candidate is not a valid scenario.
  std::optional<RunOutput> run(const YAML::Node& candidate);
  /// Sets the check to keep violated, with the run of the scenario as it came.
  void start(const std::string& check, RunOutput first);
  /// Runs the candidate; if it still violates the check, it becomes the best, `change` saying
  /// what it removed. A candidate shares nothing with the best (YAML::Clone it).
  bool accept(const YAML::Node& candidate, const std::string& change);

  const YAML::Node& best() const { return best_; }
  const std::string& check() const { return check_; }
  const RunResult& best_run() const { return best_run_; }
  const std::vector<FiredRandomFault>& best_fired() const { return best_fired_; }
  const std::vector<std::string>& changes() const { return changes_; }
  std::uint64_t runs() const { return runs_; }
  bool budget_spent() const { return budget_spent_; }

private:
  bool still_violated(const RunResult& run) const;

  std::string file_;
  YAML::Node best_;
  std::uint64_t seed_;
  std::uint64_t budget_;
  std::string check_;
  RunResult best_run_;
  std::vector<FiredRandomFault> best_fired_;
  std::vector<std::string> changes_;
  std::uint64_t runs_ = 0;
  bool budget_spent_ = false;
};

/// Every step, in passes, until a pass changes nothing or the budget is spent.
void run_shrink_steps(Shrinker& shrinker);

/// The scenario's fault items, each in words: "pause of client-1 at 5s".
std::vector<std::string> fault_descriptions(const YAML::Node& root);

}  // namespace sim
