// Payment tests' shared helper: the error a scenario with the given params: lines is refused with.
#pragma once

#include <string>

#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace payment_support {

/// The ScenarioError a five-second payment run with `params` (lines under params:) is refused
/// with; empty when it runs.
inline std::string refusal(const std::string& params) {
  try {
    sim::run_scenario(sim::parse_scenario("name: t\nmodel: payment\nduration: 5s\nparams:\n" + params, "t.yaml"), 1);
  } catch (const sim::ScenarioError& e) {
    return std::string(e.what());
  }
  return std::string();
}

}  // namespace payment_support
