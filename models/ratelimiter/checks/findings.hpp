// The rate limiter model's findings: the checkers' verdicts, the measures requirements may
// name, the per-server and worst-key tables, and what would have prevented the first violation.
#pragma once

#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/ratelimiter/observations.hpp"
#include "models/ratelimiter/options.hpp"
#include "sim/kernel/metrics.hpp"

namespace ratelimiter {

sim::Findings judge(const RateLimiterOptions& options, const Observations& observations, const sim::Metrics& metrics);

/// One or two sentences on what would have prevented the earliest violation among `checks`;
/// empty when every check held.
std::string prevention(const RateLimiterOptions& options, const std::vector<sim::CheckResult>& checks);

}  // namespace ratelimiter
