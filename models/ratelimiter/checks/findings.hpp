// The rate limiter model's findings: the checkers' verdicts, the measures requirements may
// name, the per-server and worst-key tables, and what would have prevented the first violation.
#pragma once

#include <string>
#include <vector>

#include "models/model.hpp"
#include "models/ratelimiter/checks/decision_stream.hpp"
#include "models/ratelimiter/checks/pictures.hpp"
#include "models/ratelimiter/observations.hpp"
#include "models/ratelimiter/options.hpp"
#include "sim/kernel/metrics.hpp"

namespace ratelimiter {

/// Finishes `decisions` (the run's decisions, counted as they were made) and judges the run;
/// with `history` (kept only when the run gathers pictures) it adds the worst key's plot.
sim::Findings judge(const RateLimiterOptions& options, const Observations& observations, DecisionStream& decisions,
                    const ReleaseHistory* history, const sim::Metrics& metrics);

/// One or two sentences on what would have prevented the earliest violation among `checks`;
/// empty when every check held.
std::string prevention(const RateLimiterOptions& options, const Observations& observations,
                       const std::vector<sim::CheckResult>& checks);

/// The conditions the scenario configured that reached the decisions (an API server's clock
/// set off true time, when the decisions take `now` from it): one sentence each, for the story.
std::vector<std::string> configured_causes(const RateLimiterOptions& options, const Observations& observations);

/// Whether some API server's clock was configured off true time and its decisions used it.
bool skewed_clock_decides(const RateLimiterOptions& options, const Observations& observations);

}  // namespace ratelimiter
