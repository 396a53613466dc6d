// What a design exposes to the run layer. A model reads its own params, builds its nodes and
// clients in the World, and, after the run, hands its observations to its checkers, which are
// separate classes. It never reads a fault, never knows it is simulated, and never judges
// itself; the run hands what the faults did (FaultActivity) to finish(), for the checkers that
// judge recovery after faults.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/fault_windows.hpp"
#include "sim/kernel/time.hpp"
#include "sim/kernel/world.hpp"
#include "sim/results/check.hpp"
#include "sim/scenario/option_log.hpp"

namespace sim {

class ParamReader;

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
  /// Called before build() when the run gathers pictures: a model whose checks keep only what
  /// their verdicts need may then keep what its plots need too.
  virtual void keep_for_pictures() {}
  /// Creates nodes and clients. `length` is the scenario's duration.
  virtual void build(World& world, Duration length) = 0;
  /// Judges the run through the model's checkers; `faults` is for those that judge recovery.
  virtual Findings finish(World& world, const FaultActivity& faults) = 0;
};

/// What a check means, and how a report measures how badly it broke.
struct CheckDoc {
  std::string name;
  std::string meaning;
  std::string severity;
};

/// What `designsim describe`, `new` and `schema` say about a model beyond what its reader records.
struct ModelDocs {
  std::string design_key;            ///< the choice that `designsim new --design` sets
  /// `params:` documents (YAML) that visit keys the defaults leave unread, such as list items.
  std::vector<std::string> samples;
  std::vector<OptionDoc> options;    ///< paths relative to `params:`: "ttl", "redis.failover.enabled"
  std::vector<CheckDoc> checks;
};

struct ModelInfo {
  std::string name;
  std::string summary;
  std::unique_ptr<Model> (*make)();
  const ModelDocs& (*docs)() = nullptr;
};

/// Every model, in a fixed order.
const std::vector<ModelInfo>& model_registry();
const ModelInfo* find_model(std::string_view name);

}  // namespace sim
