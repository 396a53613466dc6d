// A study's `vary:`, the one parameter it draws curves against: read from the study file, and
// written into each cell's scenario. study.hpp says where a param path points.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/run/study.hpp"
#include "sim/scenario/param_reader.hpp"

namespace sim {

/// The study's vary: section, or nothing when it has none; a ScenarioError names the place of
/// a bad param path, a value of another kind than the first, a range without its ends, or two
/// values that would name one cell file.
std::optional<StudyVary> read_vary(ParamReader& top);

/// Writes `value` where the vary's param points in a cell's scenario; returns how many places
/// it wrote (0 when the cell has no fault of the kind a KIND.FIELD param names).
std::size_t apply_vary(YAML::Node& cell, const StudyVary& vary, const std::string& value);

/// What the reports show of the vary: each value with its x.
VaryOutline vary_outline(const StudyVary& vary);

}  // namespace sim
