// Every option a scenario may hold, learned by running the loader's and the models' own readers
// with an OptionLog (sim/scenario/option_log.hpp): a model's `params:` once with its defaults,
// once per value of its design key (so design-dependent sections are visited) and once per
// sample of its docs; the scenario's own sections and every fault kind from the samples of
// scenario_docs.hpp. `designsim describe`, `new` and `schema` print what this finds, with the
// descriptions of the docs tables, so they cannot drift from what the loader accepts.
#pragma once

#include <string>
#include <vector>

#include "models/model.hpp"
#include "sim/scenario/option_log.hpp"
#include "sim/scenario/scenario_docs.hpp"

namespace sim {

/// One option with its meaning.
struct DescribedOption {
  OptionSpec spec;
  std::string text;                  ///< from the docs table; empty when it has none
  /// The design values under which the model reads it; empty: under every one.
  std::vector<std::string> designs{};
  /// When the default depends on the design: "30s with redis; 10s with redlock, consensus".
  std::string design_defaults{};
};

struct ModelCatalog {
  const ModelInfo* model = nullptr;
  std::string design_key;
  std::vector<std::string> designs;        ///< allowed values of design_key, default first
  std::vector<DescribedOption> params;      ///< paths relative to `params:`, first visit first
  std::vector<std::vector<OptionSpec>> runs;  ///< per design (as `designs`), what its run read
};

/// Reads the model's params from `params_yaml` with a log; throws ScenarioError if they are bad.
std::vector<OptionSpec> log_params(const ModelInfo& model, const std::string& params_yaml);

ModelCatalog catalog_model(const ModelInfo& model);

/// One fault sample as its reader saw it.
struct FaultCatalog {
  const FaultSample* sample = nullptr;
  std::vector<DescribedOption> fields;  ///< paths relative to the item (`at`, `pause.node`)
};

struct ScenarioCatalog {
  std::vector<DescribedOption> top;     ///< the scenario's keys, network and expect included
  std::vector<FaultCatalog> faults;
  std::vector<FaultCatalog> dists;     ///< one per distribution kind, fields relative to it
};

ScenarioCatalog catalog_scenario();

/// The description of `path` in `docs`, or "".
std::string doc_text(const std::vector<OptionDoc>& docs, const std::string& path);

}  // namespace sim
