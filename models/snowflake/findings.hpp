// The Snowflake model's findings: the checkers' verdicts, the measures requirements may name,
// the per-node table, and what would have prevented the first violation.
#pragma once

#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/snowflake/observations.hpp"
#include "models/snowflake/options.hpp"
#include "sim/kernel/metrics.hpp"

namespace snowflake {

sim::Findings judge(const SnowflakeOptions& options, const Observations& observations, const sim::Metrics& metrics);

/// One sentence on what would have prevented the earliest violation among `checks`; empty when
/// every check held.
std::string prevention(const SnowflakeOptions& options, const std::vector<sim::CheckResult>& checks);

}  // namespace snowflake
