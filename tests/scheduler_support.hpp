// Shared by the scheduler's tests: a shipped scenario run at its own seed, a check of a run by
// name, and a scenario whose params the model must refuse with a given message.
#pragma once

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"

namespace scheduler_support {

inline sim::Scenario shipped(const std::string& name) {
  return sim::load_scenario(std::string(checkout::source_dir) + "/scenarios/scheduler/" + name + ".yaml");
}

inline sim::RunResult run_shipped(const std::string& name) {
  sim::Scenario scenario = shipped(name);
  return sim::run_scenario(scenario, scenario.seed).result;
}

/// A scenario run at its own seed with its trace kept.
inline sim::RunOutput traced(const sim::Scenario& scenario) {
  sim::RunOptions options;
  options.return_trace = true;
  return sim::run_scenario(scenario, scenario.seed, options);
}

inline const sim::CheckResult& check_of(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check " << name);
  throw std::logic_error("unreachable");
}

/// Checks that a one-second scheduler scenario with `params` (YAML lines, indented two spaces)
/// is refused with an error containing `message`.
inline void refused(const std::string& params, const std::string& message) {
  std::string text = "name: t\nmodel: scheduler\nduration: 1s\nparams:\n" + params;
  INFO(text);
  try {
    sim::check_scenario(sim::parse_scenario(text, "test.yaml"));
    FAIL("accepted");
  } catch (const sim::ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains(message));
  }
}

}  // namespace scheduler_support
