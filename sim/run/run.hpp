// One run of (scenario, seed): plan it (model, params, node names, checks, requirements, all
// checked before anything runs), run it, judge it, and gather a RunResult.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/fault.hpp"
#include "sim/kernel/metrics.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/results/run_result.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

struct RunOptions {
  /// Records of the trace kept for the story and for --trace; the hash covers all of them.
  std::size_t trace_records_kept = 200'000;
  /// Where the whole trace is returned when asked (JSON lines are written by the caller).
  bool return_trace = false;
  /// Gather what report.html draws (RunResult::pictures): latency series while running and,
  /// when a check broke, a replay of the seed up to a window around the first violation.
  bool pictures = false;
};

struct RunOutput {
  RunResult result;
  std::vector<TraceRecord> trace;  ///< only with RunOptions::return_trace
  std::vector<std::string> node_names;
  Metrics metrics;  ///< the run's histograms and counters, for sweeps to merge
  std::vector<FiredRandomFault> random_fired;  ///< the random faults that fired, for shrink
};

/// Runs the scenario with `seed`. Throws ScenarioError for anything wrong with the scenario
/// (an unknown model, param, node, check or requirement metric) before the run starts, and
/// InternalError when the simulator breaks its own invariants.
RunOutput run_scenario(const Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});

/// Percentiles of the histogram stored under `key` ("name" or "name@window").
LatencySummary summarize_latency(const std::string& key, const Histogram& histogram);

/// Checks everything run_scenario checks before running, without running.
void check_scenario(const Scenario& scenario);

/// 0: every check held; 1: a check was violated.
int exit_status(const RunResult& result);

}  // namespace sim
