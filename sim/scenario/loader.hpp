// Loading a scenario: a YAML file -> a fully checked Scenario, or a ScenarioError naming the
// file, line and column of the first problem. No input, however malformed, escapes as anything
// but a ScenarioError. Node, model and check names are not resolved here: the run layer checks
// them against the model, using the places kept in the Scenario.
#pragma once

#include <string>

#include "sim/scenario/error.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

/// Reads and parses the file at `path`; messages name the path as given.
Scenario load_scenario(const std::string& path);
/// The text of a scenario (or study) file, or a ScenarioError naming the path: missing,
/// unreadable, or larger than any such file.
std::string read_scenario_file(const std::string& path);
/// Parses scenario text; messages name `file_label`.
Scenario parse_scenario(const std::string& text, const std::string& file_label);

}  // namespace sim
