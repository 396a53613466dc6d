// A study's reports: study.json (canonical, fixed key order; run time only when asked),
// study.md (the matrices of rates, then every cell with its interval, latency and sentence),
// and the terminal summary.
#pragma once

#include <string>

#include "sim/results/study_result.hpp"

namespace sim {

std::string study_report_json(const StudyResult& result, bool include_runtime = false);
std::string study_report_markdown(const StudyResult& result);
std::string study_console_summary(const StudyResult& result);

}  // namespace sim
