// report.md: a RunResult or SweepResult for a reader: what ran, how to replay it, which checks
// broke and how badly, the story of the first violation, latencies, requirements and faults.
//
// Determinism: the text is a pure function of the result and holds no run-time facts, so two
// runs of one seed give byte-identical reports.
#pragma once

#include <string>

#include "sim/results/run_result.hpp"
#include "sim/results/sweep_result.hpp"

namespace sim {

std::string run_report_markdown(const RunResult& result);
std::string sweep_report_markdown(const SweepResult& sweep);

}  // namespace sim
