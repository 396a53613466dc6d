// `verify --seeds N`: a scenario's expect: block over many seeds. Every seed must meet the
// per-run expectations (violated, held); each violated_in_at_least share is judged over all
// the seeds together, which one seed cannot do.
#pragma once

#include <vector>

#include "sim/run/sweep.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim::cli {

/// Verifies each scenario (each already checked) over the seeds `options` names, printing one
/// verdict per scenario and, for a failure, each seed that missed with the command that replays
/// it. Returns how many scenarios failed.
int verify_over_seeds(const std::vector<Scenario>& scenarios, const SweepOptions& options);

}  // namespace sim::cli
