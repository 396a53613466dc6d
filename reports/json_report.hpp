// The canonical report: RunResult / SweepResult as JSON.
//
// Determinism: keys are inserted in one fixed order (nlohmann::ordered_json keeps it), times
// are written as exact text ("1.5s") and as integer nanoseconds, doubles are rounded to six
// significant digits, and run-time facts (wall-clock seconds, jobs) are left out unless asked.
// So two runs of one seed give byte-identical reports.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/results/run_result.hpp"
#include "sim/results/sweep_result.hpp"

namespace sim {

nlohmann::ordered_json run_to_json(const RunResult& result, bool include_runtime = false);
/// run_to_json, indented by two spaces, with a final newline: the text of report.json.
std::string run_report_json(const RunResult& result, bool include_runtime = false);

nlohmann::ordered_json sweep_to_json(const SweepResult& sweep, bool include_runtime = false);
std::string sweep_report_json(const SweepResult& sweep, bool include_runtime = false);

/// One latency summary as JSON (shared by run and sweep reports): ns integers, then text.
nlohmann::ordered_json latency_to_json(const LatencySummary& latency);

}  // namespace sim
