// Many seeds of one scenario, on several threads. Each run owns its whole World; threads share
// nothing mutable but the index of the next seed to take, and results are gathered by seed,
// so a sweep's report does not depend on the number of threads or their timing.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/metrics.hpp"
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

/// What a sweep keeps of one run: its verdicts and its metrics.
struct SeedOutcome {
  std::vector<std::pair<std::string, bool>> violated;  // (check, violated), model's order
  bool as_expected = true;
  std::uint64_t events = 0;
  std::uint64_t trace_hash = 0;
};

/// Every seed's outcome, by seed from options.first_seed, and what the runs share: all a sweep's
/// result is made of. Seeds run apart (the slices of a sharded sweep) join into the runs of one
/// sweep by concatenating their outcomes in seed order and merging their metrics.
struct SeedRuns {
  std::vector<SeedOutcome> outcomes;
  Metrics merged;
  /// The resolved options of the first seed.
  std::vector<std::pair<std::string, std::string>> resolved_options;
  unsigned jobs = 1;
};

/// Runs seeds options.first_seed onwards, options.seed_count of them, as sweep_scenario does; when
/// a stop was asked for, the outcomes hold only the first seeds, every one finished.
SeedRuns run_seeds(const Scenario& scenario, const SweepOptions& options);

/// run_seeds for several scenarios on one pool of options.jobs threads: options.seed_count seeds
/// of each, the scenarios taken in order, so no thread idles at the end of one scenario while
/// another has seeds left. `scenario_finished`, when set, is called (serialised) with (scenarios
/// done, scenarios in all) as each one's last seed ends. options.progress counts runs over all.
std::vector<SeedRuns> run_seeds_of(const std::vector<const Scenario*>& scenarios, const SweepOptions& options,
                                   std::function<void(std::size_t, std::size_t)> scenario_finished);

/// The sweep's result from its runs (options.seed_count the seeds asked for). `wall_seconds` is
/// left at 0 for the caller.
SweepResult sweep_result_of(const Scenario& scenario, const SweepOptions& options, const SeedRuns& runs);

}  // namespace sim
