#include "sim/run/sweep.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "sim/kernel/assert.hpp"
#include "sim/results/text.hpp"
#include "sim/run/run.hpp"

namespace sim {
namespace {

/// One pool's work: `seed_count` seeds of each scenario, taken in order (all of the first's, then
/// the next's), so a thread that finishes one scenario's last seed goes on to the next scenario
/// instead of waiting for the others.
struct SeedPool {
  const std::vector<const Scenario*>& scenarios;
  const SweepOptions& options;
  std::vector<SeedRuns>& runs;
  std::vector<std::vector<std::optional<SeedOutcome>>> outcomes;
  std::vector<std::atomic<std::uint64_t>> done_by_scenario;
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::size_t> scenarios_done{0};
  std::atomic<bool> failed{false};
  std::mutex merge_mutex;
  std::exception_ptr error;
  std::function<void(std::size_t, std::size_t)> scenario_finished;

  SeedPool(const std::vector<const Scenario*>& s, const SweepOptions& o, std::vector<SeedRuns>& r)
      : scenarios(s), options(o), runs(r), outcomes(s.size()), done_by_scenario(s.size()) {
    for (auto& by_seed : outcomes) by_seed.resize(options.seed_count);
  }

  std::uint64_t total() const { return options.seed_count * scenarios.size(); }

  /// Runs one seed and keeps its outcome; false when the pool must stop.
  bool run_one(std::uint64_t i) {
    const std::size_t which = i / options.seed_count;
    const std::uint64_t index = i % options.seed_count;
    const Scenario& scenario = *scenarios[which];
    std::uint64_t seed = options.first_seed + index;
    try {
      RunOptions run_options;
      run_options.trace_records_kept = 0;
      RunOutput out = run_scenario(scenario, seed, run_options);
      SeedOutcome outcome;
      for (const CheckOutcome& c : out.result.checks) outcome.violated.emplace_back(c.result.name, !c.result.held);
      outcome.as_expected = out.result.expectations_met;
      outcome.events = out.result.events_run;
      outcome.trace_hash = out.result.trace_hash;
      outcomes[which][index] = std::move(outcome);
      std::lock_guard lock(merge_mutex);  // sums of integers: the order of merging does not matter
      runs[which].merged.merge(out.metrics);
      if (index == 0) runs[which].resolved_options = out.result.options;
    } catch (const InternalError& e) {
      std::lock_guard lock(merge_mutex);
      if (!error)
        error = std::make_exception_ptr(InternalError(std::string(e.what()) + "\n  seed " + std::to_string(seed) +
                                                      "; replay: " + replay_command(scenario.file, seed)));
      failed = true;
      return false;
    } catch (...) {
      std::lock_guard lock(merge_mutex);
      if (!error) error = std::current_exception();
      failed = true;
      return false;
    }
    std::uint64_t finished = done.fetch_add(1) + 1;
    if (options.progress) options.progress(finished, total());
    if (done_by_scenario[which].fetch_add(1) + 1 == options.seed_count && scenario_finished) {
      std::lock_guard lock(merge_mutex);
      scenario_finished(scenarios_done.fetch_add(1) + 1, scenarios.size());
    }
    return true;
  }

  void work() {
    for (;;) {
      // Stop is read before a seed is taken, and a seed taken always runs: the seeds done are
      // then the first ones, whatever the threads' timing.
      if (options.stop && options.stop->load()) return;
      std::uint64_t i = next.fetch_add(1);
      if (i >= total() || failed.load()) return;
      if (!run_one(i)) return;
    }
  }
};

/// Runs the pool on `options.jobs` threads until all ran or a stop was asked for; rethrows the
/// first error, naming its seed. Each scenario's outcomes are by seed, and hold the first seeds
/// taken (all of them without a stop).
std::vector<std::vector<std::optional<SeedOutcome>>> run_pool(SeedPool& pool) {
  unsigned jobs = std::max(1u, pool.options.jobs);
  for (SeedRuns& r : pool.runs) r.jobs = jobs;
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back([&pool] { pool.work(); });
  pool.work();
  for (auto& t : threads) t.join();
  if (pool.error) std::rethrow_exception(pool.error);
  const std::uint64_t taken = std::min(pool.total(), pool.next.load());
  for (std::size_t k = 0; k < pool.outcomes.size(); ++k) {
    const std::uint64_t first = k * pool.options.seed_count;
    pool.outcomes[k].resize(taken > first ? std::min(pool.options.seed_count, taken - first) : 0);
  }
  return std::move(pool.outcomes);
}

std::vector<SeedRuns> runs_of(SeedPool& pool) {
  std::vector<std::vector<std::optional<SeedOutcome>>> outcomes = run_pool(pool);
  for (std::size_t k = 0; k < outcomes.size(); ++k)
    for (std::optional<SeedOutcome>& outcome : outcomes[k]) pool.runs[k].outcomes.push_back(std::move(*outcome));
  return std::move(pool.runs);
}

/// Counts violations by check, and keeps the failing and mismatched seeds (overall and by
/// check), in seed order, over the first `n` seeds.
void tally(const Scenario& scenario, const SweepOptions& options, const std::vector<SeedOutcome>& outcomes,
           std::uint64_t n, SweepResult& sweep) {
  std::vector<std::string> names;
  std::vector<std::uint64_t> violations;
  std::vector<std::vector<std::uint64_t>> failing_by_check;
  for (std::uint64_t i = 0; i < n; ++i) {
    const SeedOutcome& o = outcomes[i];
    sweep.total_events += o.events;
    FailingSeed failing{options.first_seed + i, {}, replay_command(scenario.file, options.first_seed + i)};
    for (std::size_t c = 0; c < o.violated.size(); ++c) {
      if (c >= names.size()) {
        names.push_back(o.violated[c].first);
        violations.push_back(0);
        failing_by_check.emplace_back();
      }
      if (!o.violated[c].second) continue;
      ++violations[c];
      if (failing_by_check[c].size() < options.failing_seed_limit)
        failing_by_check[c].push_back(options.first_seed + i);
      failing.checks_violated.push_back(o.violated[c].first);
    }
    if (!failing.checks_violated.empty()) {
      ++sweep.runs_violated;
      if (sweep.failing_seeds.size() < options.failing_seed_limit) sweep.failing_seeds.push_back(std::move(failing));
    }
    if (!o.as_expected) {
      ++sweep.expectation_mismatches;
      if (sweep.mismatched_seeds.size() < options.failing_seed_limit)
        sweep.mismatched_seeds.push_back(options.first_seed + i);
    }
  }
  const auto& expected = scenario.expect.violated;
  for (std::size_t c = 0; c < names.size(); ++c) {
    bool expect_violated = std::find(expected.begin(), expected.end(), names[c]) != expected.end();
    sweep.checks.push_back(make_check_rate(names[c], violations[c], n, expect_violated));
    sweep.checks.back().failing_seeds = std::move(failing_by_check[c]);
  }
}

/// The one trace hash every seed gave, when there was more than one seed and they all agree:
/// then the runs are one run repeated, not samples.
std::optional<std::uint64_t> single_trace_hash(const std::vector<SeedOutcome>& outcomes, std::uint64_t n) {
  if (n < 2) return std::nullopt;
  for (std::uint64_t i = 1; i < n; ++i)
    if (outcomes[i].trace_hash != outcomes[0].trace_hash) return std::nullopt;
  return outcomes[0].trace_hash;
}

}  // namespace

SeedRuns run_seeds(const Scenario& scenario, const SweepOptions& options) {
  std::vector<const Scenario*> one{&scenario};
  return std::move(run_seeds_of(one, options, nullptr).front());
}

std::vector<SeedRuns> run_seeds_of(const std::vector<const Scenario*>& scenarios, const SweepOptions& options,
                                   std::function<void(std::size_t, std::size_t)> scenario_finished) {
  std::vector<SeedRuns> runs(scenarios.size());
  SeedPool pool(scenarios, options, runs);
  pool.scenario_finished = std::move(scenario_finished);
  return runs_of(pool);
}

SweepResult sweep_result_of(const Scenario& scenario, const SweepOptions& options, const SeedRuns& runs) {
  const std::uint64_t seeds_run = runs.outcomes.size();
  SweepResult sweep;
  sweep.scenario_file = scenario.file;
  sweep.scenario_name = scenario.name;
  sweep.model = scenario.model;
  sweep.duration = scenario.duration;
  sweep.options = runs.resolved_options;
  sweep.first_seed = options.first_seed;
  sweep.seed_count = seeds_run;
  sweep.seeds_requested = options.seed_count;
  sweep.partial = seeds_run < options.seed_count;
  sweep.failing_seed_limit = options.failing_seed_limit;
  tally(scenario, options, runs.outcomes, seeds_run, sweep);
  sweep.single_trace_hash = single_trace_hash(runs.outcomes, seeds_run);
  for (const auto& [name, histogram] : runs.merged.histograms()) {
    if (histogram.count() == 0) continue;
    LatencySummary s = summarize_latency(name, histogram);
    s.buckets.clear();
    sweep.latencies.push_back(std::move(s));
  }
  sweep.jobs = runs.jobs;
  return sweep;
}

SweepResult sweep_scenario(const Scenario& scenario, const SweepOptions& options) {
  auto started = std::chrono::steady_clock::now();  // allowed: reports how long the sweep took
  SweepResult sweep = sweep_result_of(scenario, options, run_seeds(scenario, options));
  sweep.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();  // allowed: timing only
  return sweep;
}

}  // namespace sim
