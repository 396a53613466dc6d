// Many seeds of one scenario, on several threads. Each run owns its whole World; threads share
// nothing mutable but the index of the next seed to take, and results are gathered by seed,
// so a sweep's report does not depend on the number of threads or their timing.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "sim/results/sweep_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

struct SweepOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t seed_count = 100;
  unsigned jobs = 1;
  std::uint64_t failing_seed_limit = 20;
  /// Called after each run with (runs done, runs in all), from the thread that finished it.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  /// Once this reads true (set by a signal handler, say), no further seed starts; the runs under
  /// way finish, and the result covers the seeds done, first_seed onwards, marked partial.
  const std::atomic<bool>* stop = nullptr;
};

/// Runs the sweep. The scenario must have passed check_scenario. An InternalError in any run
/// stops the sweep and is rethrown, naming the seed.
SweepResult sweep_scenario(const Scenario& scenario, const SweepOptions& options);

}  // namespace sim
