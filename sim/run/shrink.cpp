#include "sim/run/shrink.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/assert.hpp"
#include "sim/run/run.hpp"
#include "sim/run/shrink_steps.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/yaml_document.hpp"

namespace sim {
namespace {

std::vector<std::string> violated_checks(const RunResult& run) {
  std::vector<std::string> names;
  for (const CheckOutcome& check : run.checks)
    if (!check.result.held) names.push_back(check.result.name);
  return names;
}

std::string known_checks(const RunResult& run) {
  std::string known;
  for (const CheckOutcome& check : run.checks) known += (known.empty() ? "" : ", ") + check.result.name;
  return known;
}

// The check to shrink for: the one named, or the one whose violation came first. Anything else
// is bad input: a check the model does not have, or one that holds in this run.
std::string target_check(const std::string& file, const RunResult& run, const ShrinkOptions& options) {
  SourceMark where{file, 0, 0};
  if (options.check) {
    auto it = std::find_if(run.checks.begin(), run.checks.end(),
                           [&](const CheckOutcome& c) { return c.result.name == *options.check; });
    if (it == run.checks.end())
      throw ScenarioError(
          where, fmt::format("unknown check '{}' (checks of {}: {})", *options.check, run.model, known_checks(run)));
    if (it->result.held)
      throw ScenarioError(where, fmt::format("{} holds at seed {}, so there is nothing to shrink "
                                             "(shrink needs a seed that violates it; designsim sweep finds them)",
                                             *options.check, run.seed));
    return *options.check;
  }
  const CheckOutcome* first = earliest_violation(run.checks);
  if (!first)
    throw ScenarioError(where, fmt::format("every check holds at seed {}, so there is nothing to "
                                           "shrink (shrink needs a seed that violates one; designsim sweep finds them)",
                                           run.seed));
  return first->result.name;
}

// The shrunk scenario says what it is: its name, its seed, where it came from, and the checks
// it violates at that seed, so that verify and the scenario's own run agree with it.
void finish_scenario(YAML::Node& root, const ShrinkResult& result) {
  std::string name = root["name"] ? root["name"].as<std::string>() : std::string("scenario");
  root["name"] = name + "-shrunk";
  std::string before = root["description"] ? root["description"].as<std::string>() : std::string();
  root["description"] = fmt::format("Shrunk by designsim shrink from {} (seed {}, check {}).{}{}", result.file,
                                    result.seed, result.check, before.empty() ? "" : " The original: ", before);
  YAML::Node expect(YAML::NodeType::Map);
  YAML::Node violated(YAML::NodeType::Sequence);
  violated.SetStyle(YAML::EmitterStyle::Flow);
  for (const std::string& check : result.violated) violated.push_back(check);
  expect["violated"] = violated;
  root["expect"] = expect;
}

}  // namespace

Shrinker::Shrinker(std::string file, YAML::Node root, std::uint64_t seed, std::uint64_t budget)
    : file_(std::move(file)), best_(std::move(root)), seed_(seed), budget_(budget) {}

std::optional<RunOutput> Shrinker::run(const YAML::Node& candidate) {
  if (runs_ >= budget_) {
    budget_spent_ = true;
    return std::nullopt;
  }
  ++runs_;
  YAML::Emitter out;
  out << candidate;
  std::string text = std::string(out.c_str()) + "\n";
  try {
    Scenario scenario = parse_scenario(text, file_);
    check_scenario(scenario);
    RunOptions options;
    options.trace_records_kept = 0;
    return run_scenario(scenario, seed_, options);
  } catch (const ScenarioError&) {
    return std::nullopt;  // a step that makes the scenario invalid is a step not taken
  }
}

bool Shrinker::still_violated(const RunResult& run) const {
  return std::any_of(run.checks.begin(), run.checks.end(),
                     [&](const CheckOutcome& c) { return c.result.name == check_ && !c.result.held; });
}

bool Shrinker::accept(const YAML::Node& candidate, const std::string& change) {
  std::optional<RunOutput> out = run(candidate);
  if (!out || !still_violated(out->result)) return false;
  best_ = candidate;
  best_run_ = std::move(out->result);
  best_fired_ = std::move(out->random_fired);
  changes_.push_back(change);
  return true;
}

void Shrinker::start(const std::string& check, RunOutput first) {
  check_ = check;
  best_run_ = std::move(first.result);
  best_fired_ = std::move(first.random_fired);
}

ShrinkResult shrink_scenario(const std::string& file, const ShrinkOptions& options) {
  std::string text = read_scenario_file(file);
  Scenario scenario = parse_scenario(text, file);
  check_scenario(scenario);
  std::uint64_t seed = options.seed.value_or(scenario.seed);
  YAML::Node root = YAML::Clone(parse_yaml_document(text, file));
  root["seed"] = seed;
  Shrinker shrinker(file, root, seed, std::max(options.budget, shrink_budget_min));
  std::optional<RunOutput> first = shrinker.run(root);
  SIM_ASSERT(first.has_value(), "shrink: the scenario checked but its first run was refused");
  ShrinkResult result;
  result.file = file;
  result.seed = seed;
  result.check = target_check(file, first->result, options);
  result.faults_applied_before = first->result.faults.size();
  result.duration_before = scenario.duration;
  shrinker.start(result.check, std::move(*first));
  run_shrink_steps(shrinker);

  YAML::Node best = YAML::Clone(shrinker.best());
  result.changes = shrinker.changes();
  result.faults_kept = fault_descriptions(best);
  result.violated = violated_checks(shrinker.best_run());
  result.runs = shrinker.runs();
  result.budget_spent = shrinker.budget_spent();
  result.faults_applied_after = shrinker.best_run().faults.size();
  result.duration_after = shrinker.best_run().duration;
  finish_scenario(best, result);
  YAML::Emitter out;
  out << best;
  result.scenario_yaml = std::string(out.c_str()) + "\n";
  return result;
}

}  // namespace sim
