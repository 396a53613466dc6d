#include "sim/run/sweep.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "reports/format.hpp"
#include "sim/kernel/assert.hpp"
#include "sim/run/run.hpp"

namespace sim {
namespace {

/// What a sweep keeps of one run: its verdicts and its metrics.
struct SeedOutcome {
  std::vector<std::pair<std::string, bool>> violated;  // (check, violated), model's order
  bool as_expected = true;
  std::uint64_t events = 0;
};

/// Every seed's outcome, by seed, and what the runs share.
struct SeedRuns {
  std::vector<std::optional<SeedOutcome>> outcomes;
  Metrics merged;
  std::vector<std::pair<std::string, std::string>> resolved_options;
  unsigned jobs = 1;
};

/// Runs every seed on `options.jobs` threads; rethrows the first error, naming its seed.
SeedRuns run_seeds(const Scenario& scenario, const SweepOptions& options) {
  const std::uint64_t n = options.seed_count;
  SeedRuns runs;
  runs.outcomes.resize(n);
  std::vector<std::optional<SeedOutcome>>& outcomes = runs.outcomes;
  Metrics& merged = runs.merged;
  std::vector<std::pair<std::string, std::string>>& resolved_options = runs.resolved_options;
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex merge_mutex;
  std::exception_ptr error;

  auto worker = [&] {
    for (;;) {
      std::uint64_t i = next.fetch_add(1);
      if (i >= n || failed.load()) return;
      std::uint64_t seed = options.first_seed + i;
      try {
        RunOptions run_options;
        run_options.trace_records_kept = 0;
        RunOutput out = run_scenario(scenario, seed, run_options);
        SeedOutcome outcome;
        for (const CheckOutcome& c : out.result.checks) outcome.violated.emplace_back(c.result.name, !c.result.held);
        outcome.as_expected = out.result.expectations_met;
        outcome.events = out.result.events_run;
        outcomes[i] = std::move(outcome);
        std::lock_guard lock(merge_mutex);  // sums of integers: the order of merging does not matter
        merged.merge(out.metrics);
        if (i == 0) resolved_options = out.result.options;
      } catch (const InternalError& e) {
        std::lock_guard lock(merge_mutex);
        if (!error) error = std::make_exception_ptr(InternalError(std::string(e.what()) + "\n  seed " + std::to_string(seed) +
                                                                  "; replay: " + report::replay_command(scenario.file, seed)));
        failed = true;
        return;
      } catch (...) {
        std::lock_guard lock(merge_mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
      std::uint64_t finished = done.fetch_add(1) + 1;
      if (options.progress) options.progress(finished, n);
    }
  };
  runs.jobs = std::max(1u, options.jobs);
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < runs.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return runs;
}

/// Counts violations by check, and keeps the failing and mismatched seeds, in seed order.
void tally(const Scenario& scenario, const SweepOptions& options,
           const std::vector<std::optional<SeedOutcome>>& outcomes, SweepResult& sweep) {
  const std::uint64_t n = options.seed_count;
  std::vector<std::string> names;
  std::vector<std::uint64_t> violations;
  for (std::uint64_t i = 0; i < n; ++i) {
    const SeedOutcome& o = *outcomes[i];
    sweep.total_events += o.events;
    FailingSeed failing{options.first_seed + i, {}, report::replay_command(scenario.file, options.first_seed + i)};
    for (std::size_t c = 0; c < o.violated.size(); ++c) {
      if (c >= names.size()) {
        names.push_back(o.violated[c].first);
        violations.push_back(0);
      }
      if (o.violated[c].second) {
        ++violations[c];
        failing.checks_violated.push_back(o.violated[c].first);
      }
    }
    if (!failing.checks_violated.empty()) {
      ++sweep.runs_violated;
      if (sweep.failing_seeds.size() < options.failing_seed_limit) sweep.failing_seeds.push_back(std::move(failing));
    }
    if (!o.as_expected) {
      ++sweep.expectation_mismatches;
      if (sweep.mismatched_seeds.size() < options.failing_seed_limit) sweep.mismatched_seeds.push_back(options.first_seed + i);
    }
  }
  const auto& expected = scenario.expect.violated;
  for (std::size_t c = 0; c < names.size(); ++c) {
    bool expect_violated = std::find(expected.begin(), expected.end(), names[c]) != expected.end();
    sweep.checks.push_back(make_check_rate(names[c], violations[c], n, expect_violated));
  }
}

}  // namespace

SweepResult sweep_scenario(const Scenario& scenario, const SweepOptions& options) {
  auto started = std::chrono::steady_clock::now();  // allowed: reports how long the sweep took
  SeedRuns runs = run_seeds(scenario, options);
  SweepResult sweep;
  sweep.scenario_file = scenario.file;
  sweep.scenario_name = scenario.name;
  sweep.model = scenario.model;
  sweep.duration = scenario.duration;
  sweep.options = runs.resolved_options;
  sweep.first_seed = options.first_seed;
  sweep.seed_count = options.seed_count;
  sweep.failing_seed_limit = options.failing_seed_limit;
  tally(scenario, options, runs.outcomes, sweep);
  for (const auto& [name, histogram] : runs.merged.histograms()) {
    if (histogram.count() == 0) continue;
    LatencySummary s = summarize_latency(name, histogram);
    s.buckets.clear();
    sweep.latencies.push_back(std::move(s));
  }
  sweep.jobs = runs.jobs;
  sweep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();  // allowed: timing only
  return sweep;
}

}  // namespace sim
