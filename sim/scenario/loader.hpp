// Loading a scenario: a YAML file -> a fully checked Scenario, or a ScenarioError naming the
// file, line and column of the first problem. No input, however malformed, escapes as anything
// but a ScenarioError. Node, model and check names are not resolved here: the run layer checks
// them against the model, using the places kept in the Scenario.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/error.hpp"
#include "sim/scenario/option_log.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

/// Reads and parses the file at `path`; messages name the path as given.
Scenario load_scenario(const std::string& path);
/// The text of a scenario (or study) file, or a ScenarioError naming the path: missing,
/// unreadable, or larger than any such file.
std::string read_scenario_file(const std::string& path);
/// Parses scenario text; messages name `file_label`. With `log`, records every key the loader
/// visits (option_log.hpp); the model's params are read by the model, not here.
Scenario parse_scenario(const std::string& text, const std::string& file_label,
                        std::shared_ptr<OptionLog> log = nullptr);

/// The fixed-time fault keys ("pause", "partition", ...) and the random fault kinds, each once,
/// as the readers know them.
std::vector<std::string> fixed_fault_kinds();
std::vector<std::string> random_fault_kinds();

}  // namespace sim
