// What a design exposes to the run layer. A model reads its own params, builds its nodes and
// clients in the World, and, after the run, hands its observations to its checkers, which are
// separate classes. It never reads a fault, never knows it is simulated, and never judges
// itself.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

class ParamReader;

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
};

/// The violated check that broke first (a violation with a time before one without), or null
/// when every check held: the one a model's prevention advice speaks to.
inline const CheckResult* earliest_violation(const std::vector<CheckResult>& checks) {
  const CheckResult* earliest = nullptr;
  for (const CheckResult& check : checks) {
    if (check.held) continue;
    if (!earliest || (check.first && (!earliest->first || check.first->at < earliest->first->at))) earliest = &check;
  }
  return earliest;
}

class Model {
public:
  virtual ~Model() = default;
  /// Reads and validates `params:`; throws ScenarioError at the offending key.
  virtual void configure(ParamReader& params) = 0;
  /// The resolved options, in a fixed order, printed first in every run and report.
  virtual std::vector<std::pair<std::string, std::string>> options() const = 0;
  /// The checks this model offers, by name.
  virtual std::vector<std::string> check_names() const = 0;
  /// The latencies this model records, by name: a requirement may name NAME_p50, NAME_p99, …
  /// before any run has timed anything.
  virtual std::vector<std::string> latency_names() const = 0;
  /// Creates nodes and clients. `length` is the scenario's duration.
  virtual void build(World& world, Duration length) = 0;
  /// Judges the run through the model's checkers.
  virtual Findings finish(World& world) = 0;
};

struct ModelInfo {
  std::string name;
  std::string summary;
  std::unique_ptr<Model> (*make)();
};

/// Every model, in a fixed order.
const std::vector<ModelInfo>& model_registry();
const ModelInfo* find_model(std::string_view name);

}  // namespace sim
