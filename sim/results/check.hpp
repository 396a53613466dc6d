// What a model's checkers hand back: verdicts, the first violation of each, the tables and
// measures a report shows. Below the models (which produce them), the run layer (which
// gathers them) and the reports (which write them), so none of those includes another for
// these types.
//
// Determinism: plain values in vectors and ordered maps; nothing here reads the World.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"
#include "sim/results/pictures.hpp"

namespace sim {

/// The first moment a check was seen to break, in true time, with the nodes involved.
struct Violation {
  Instant at;
  std::vector<std::string> nodes;
  std::string what;  ///< one plain sentence
};

/// A checker's verdict.
struct CheckResult {
  std::string name;                 ///< "uniqueness"
  bool held = true;
  std::string summary;              ///< how bad, in one line: "3 duplicate ids among 120,000"
  std::vector<std::pair<std::string, std::string>> details;  ///< ordered facts for the report
  std::optional<Violation> first;
};

/// A table the model adds to its report (per-node figures, for instance).
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

/// What a model hands back after the run.
struct Findings {
  std::vector<CheckResult> checks;
  /// Measurements that requirements may name, in base units: ns for latencies, per second for
  /// throughput, plain numbers otherwise. Ordered by name.
  std::map<std::string, double> measures;
  std::vector<Table> tables;
  /// What would have prevented the first violation, when the model knows (read by the story).
  std::string prevention;
  /// Conditions the scenario set up that are no fault but bear on the violations (an API
  /// server's clock configured ahead), one sentence each, told first in the story.
  std::vector<std::string> causes;
  /// What the report's pictures draw for the model: spans on node lanes (lock beliefs) and
  /// charts its users expect. Optional; plain values.
  std::vector<LaneInterval> intervals;
  std::vector<Plot> plots;
};

/// The violated check that broke first, or null when every check held: a violation with a
/// time comes before one without, and ties keep the earlier item. `check_of` gives an item's
/// CheckResult, so that lists of verdicts and of verdicts-with-expectations share one rule.
template <class Item, class CheckOf>
const Item* earliest_violation(const std::vector<Item>& items, CheckOf check_of) {
  const Item* earliest = nullptr;
  for (const Item& item : items) {
    const CheckResult& check = check_of(item);
    if (check.held) continue;
    if (!earliest) {
      earliest = &item;
      continue;
    }
    const std::optional<Violation>& best = check_of(*earliest).first;
    if (check.first && (!best || check.first->at < best->at)) earliest = &item;
  }
  return earliest;
}

/// The violated check that broke first: the one a model's prevention advice speaks to.
inline const CheckResult* earliest_violation(const std::vector<CheckResult>& checks) {
  return earliest_violation(checks, [](const CheckResult& check) -> const CheckResult& { return check; });
}

}  // namespace sim
