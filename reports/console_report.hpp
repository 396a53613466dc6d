// What `designsim run` and `designsim sweep` print on the terminal after the seed and trace
// hash lines: the verdicts, the overall latency percentiles and the requirements, in aligned
// columns. The caller adds where the reports were written.
//
// Determinism: plain text from the result alone, no colours and no run-time facts.
#pragma once

#include <string>

#include "sim/results/run_result.hpp"
#include "sim/results/sweep_result.hpp"

namespace sim {

std::string run_summary_text(const RunResult& result);
std::string sweep_summary_text(const SweepResult& sweep);

}  // namespace sim
