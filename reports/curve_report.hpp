// A study's curves (study_result.hpp's study_curves): the array "curves" of study.json, and
// one table per check for study.md and the terminal, designs down and values across.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/results/study_result.hpp"

namespace sim {

/// [{param, check, design, points: [{value, x, runs, runs_violated, rate, interval_95: {low,
/// high}}]}], one element per (check, design).
nlohmann::ordered_json curves_json(const std::vector<Curve>& curves);

/// "## CHECK against PARAM" and a Markdown table per check; "" without curves.
std::string curves_markdown(const std::vector<Curve>& curves);

/// The same tables, aligned for a terminal; "" without curves.
std::string curves_text(const std::vector<Curve>& curves);

}  // namespace sim
