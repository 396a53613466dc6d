#include "sim/run/sweep_vary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "sim/run/run.hpp"
#include "sim/run/study_vary.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/yaml_document.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

constexpr const char* option_label = "--vary";

VariedScenario varied_scenario(const YAML::Node& original, const StudyVary& vary, const std::string& value,
                               const std::filesystem::path& folder, std::size_t& written) {
  YAML::Node node = YAML::Clone(original);
  written += apply_vary(node, vary, value);
  std::string name = node["name"] && node["name"].IsScalar() ? node["name"].Scalar() : "scenario";
  node["name"] = fmt::format("{} / {} {}", name, vary.param, value);
  YAML::Emitter out;
  out << node;
  VariedScenario varied{value, std::string(out.c_str()) + "\n", {}};
  std::string file = (folder / "values" / (study_slug(value) + ".yaml")).string();
  try {
    varied.scenario = parse_scenario(varied.text, file);
    check_scenario(varied.scenario);
  } catch (const ScenarioError& e) {
    throw ScenarioError(vary.where, fmt::format("vary: {} = {}: {}", vary.param, value, e.message));
  }
  varied.scenario.file = file;
  return varied;
}

// Sums the values' counts into `all`, check by check in the first value's order.
void add_counts(SweepResult& all, const SweepResult& one) {
  for (const CheckRate& rate : one.checks) {
    auto it =
        std::find_if(all.checks.begin(), all.checks.end(), [&](const CheckRate& c) { return c.name == rate.name; });
    if (it == all.checks.end()) {
      all.checks.push_back(make_check_rate(rate.name, 0, 0, rate.expected_violated));
      it = all.checks.end() - 1;
    }
    *it = make_check_rate(rate.name, it->runs_violated + rate.runs_violated, it->runs + rate.runs,
                          rate.expected_violated);
  }
  all.runs_violated += one.runs_violated;
  all.expectation_mismatches += one.expectation_mismatches;
  all.total_events += one.total_events;
}

}  // namespace

StudyVary parse_vary_option(const std::string& text) {
  YAML::Node mapping;
  try {
    mapping = parse_yaml_document(text, option_label);
  } catch (const ScenarioError& e) {
    if (e.message.find("expected the scenario to be a mapping") == std::string::npos) throw;
    throw ScenarioError(e.where, fmt::format("expected one mapping, as {{param: pause.duration, values: [1s, 2s]}} "
                                             "or {{param: params.ttl, from: 1s, to: 4s, steps: 4}}, got '{}'",
                                             text));
  }
  return read_yaml_document(mapping, option_label, [&](const YAML::Node& node) {
    YAML::Node root(YAML::NodeType::Map);
    root["vary"] = node;
    ParamReader top(root, mark_of(node, option_label), "");
    std::optional<StudyVary> vary = read_vary(top);
    top.finish();
    return *vary;
  });
}

std::vector<VariedScenario> plan_varied_sweep(const std::string& scenario_file, const StudyVary& vary,
                                              const std::filesystem::path& folder) {
  YAML::Node original = parse_yaml_document(read_scenario_file(scenario_file), scenario_file);
  std::vector<VariedScenario> values;
  std::size_t written = 0;
  for (const std::string& value : vary.values)
    values.push_back(varied_scenario(original, vary, value, folder, written));
  if (written == 0)
    throw ScenarioError(vary.where, fmt::format("vary: {} names nothing in {}: it has no fault of that kind",
                                                vary.param, scenario_file));
  return values;
}

namespace {

/// Combines the values' sweeps, each made by `sweep_one(i, options)`, in order.
SweepResult combine_values(const Scenario& base, const std::vector<VariedScenario>& values, const StudyVary& vary,
                           const SweepOptions& options,
                           const std::function<SweepResult(std::size_t, const SweepOptions&)>& sweep_one) {
  SweepResult all;
  all.scenario_file = base.file;
  all.scenario_name = base.name;
  all.model = base.model;
  all.duration = base.duration;
  all.first_seed = options.first_seed;
  all.seeds_requested = options.seed_count;
  all.failing_seed_limit = options.failing_seed_limit;
  all.jobs = options.jobs;
  VaryOutline outline = vary_outline(vary);
  all.vary = outline;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (options.stop && options.stop->load()) break;
    SweepOptions one = options;
    if (options.progress)
      one.progress = [&options, i, n = values.size()](std::uint64_t done, std::uint64_t each) {
        options.progress(i * each + done, n * each);
      };
    SweepResult sweep = sweep_one(i, one);
    if (i == 0) all.options = sweep.options;
    add_counts(all, sweep);
    for (FailingSeed failing : sweep.failing_seeds) {
      failing.value = values[i].value;
      all.failing_seeds.push_back(std::move(failing));
    }
    all.wall_seconds += sweep.wall_seconds;
    all.values.push_back(VariedSweep{values[i].value, outline.xs[i], std::move(sweep)});
  }
  all.seed_count = all.values.empty() ? 0 : all.values.back().sweep.seed_count;
  all.partial = all.values.size() < values.size() || (!all.values.empty() && all.values.back().sweep.partial);
  return all;
}

}  // namespace

SweepResult sweep_varied(const Scenario& base, const std::vector<VariedScenario>& values, const StudyVary& vary,
                         const SweepOptions& options) {
  return combine_values(base, values, vary, options, [&](std::size_t i, const SweepOptions& one) {
    return sweep_scenario(values[i].scenario, one);
  });
}

SweepResult varied_sweep_result_of(const Scenario& base, const std::vector<VariedScenario>& values,
                                   const StudyVary& vary, const SweepOptions& options,
                                   const std::vector<SeedRuns>& runs) {
  return combine_values(base, values, vary, options, [&](std::size_t i, const SweepOptions& one) {
    return sweep_result_of(values[i].scenario, one, runs.at(i));
  });
}

}  // namespace sim
