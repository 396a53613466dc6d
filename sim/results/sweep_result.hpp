// The result of one scenario run over many seeds: how often each check broke, how sure that
// rate is, and the seeds that broke it, each with the command that replays it.
// Reports read only this (and RunResult); they never reach into a run.
//
// Determinism: every field is a pure function of the per-seed RunResults, gathered in seed
// order; only `wall_seconds` and `jobs` depend on the machine, and reports leave them out
// unless asked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/results/run_result.hpp"

namespace sim {

/// A confidence interval for a proportion, both ends within [0, 1].
struct WilsonInterval {
  double low = 0.0;
  double high = 1.0;
};

/// The Wilson score interval for `successes` of `n` trials (successes <= n). The default `z`
/// gives 95%. It stays inside [0, 1] and is honest at 0 and n, where the normal approximation
/// collapses to a point. n = 0 gives [0, 1]: nothing is known.
WilsonInterval wilson_interval(std::uint64_t successes, std::uint64_t n, double z = 1.959963984540054);

/// How often one check was violated over the sweep.
struct CheckRate {
  std::string name;
  std::uint64_t runs_violated = 0;
  std::uint64_t runs = 0;         ///< runs that judged this check
  double rate = 0.0;              ///< runs_violated / runs; 0 when runs is 0
  WilsonInterval interval;        ///< 95% Wilson score interval of `rate`
  bool expected_violated = false;  ///< named in expect.violated
  /// The lowest seeds that violated this check, at most the sweep's failing_seed_limit: a check
  /// that breaks rarely is not hidden behind one that breaks in every run.
  std::vector<std::uint64_t> failing_seeds;
};

/// Fills rate and interval from the counts.
CheckRate make_check_rate(std::string name, std::uint64_t runs_violated, std::uint64_t runs,
                          bool expected_violated);

/// A seed on which at least one check was violated.
struct FailingSeed {
  std::uint64_t seed = 0;
  std::vector<std::string> checks_violated;  ///< in the model's check order
  std::string reproduce;                     ///< "designsim run scenarios/x.yaml --seed 17"
  std::string value{};  ///< in a varied sweep's combined list, the value it failed at; else ""
};

/// What a varied value is: its x on a curve is seconds for a duration, per second for a rate.
enum class VaryKind { duration, number, rate };

/// A study's or sweep's varied parameter: its name and each value with its x, in file order.
struct VaryOutline {
  std::string param;
  VaryKind kind = VaryKind::number;
  std::vector<std::string> values;  ///< as written
  std::vector<double> xs;           ///< each value in the parameter's unit
};

/// One point of a curve: a check's rate at one value of the varied parameter.
struct CurvePoint {
  std::string value;  ///< as written
  double x = 0.0;     ///< in the parameter's unit: seconds for a duration, per second for a rate
  std::uint64_t runs = 0;
  std::uint64_t runs_violated = 0;
  double rate = 0.0;
  WilsonInterval interval;
};

/// A check's violation rate against the varied parameter, for one design: a study's cells that
/// differ only in the value (the design is "row / column / fault class"), or a varied sweep's values
/// (the design is the scenario's name).
struct Curve {
  std::string param;
  std::string check;
  std::string design;
  std::vector<CurvePoint> points;  ///< in the order of the values
};

struct VariedSweep;

struct SweepResult {
  std::string scenario_file;
  std::string scenario_name;
  std::string model;
  Duration duration;
  /// The resolved options, as in RunResult.
  std::vector<std::pair<std::string, std::string>> options;

  /// Seeds first_seed, first_seed + 1, …, first_seed + seed_count - 1.
  std::uint64_t first_seed = 0;
  std::uint64_t seed_count = 0;
  /// Set when more than one seed ran and every one gave this trace hash: nothing in the
  /// scenario draws from the seed, so the runs are one run repeated, not independent samples.
  std::optional<std::uint64_t> single_trace_hash;
  /// A sweep stopped early covers only seed_count of the seeds_requested seeds.
  bool partial = false;
  std::uint64_t seeds_requested = 0;

  std::vector<CheckRate> checks;  ///< in the model's check order
  std::uint64_t runs_violated = 0;  ///< runs where any check was violated

  /// The lowest failing seeds, at most `failing_seed_limit` of them.
  std::vector<FailingSeed> failing_seeds;
  std::uint64_t failing_seed_limit = 20;

  /// Runs whose verdicts differ from the scenario's expect: block, and the lowest such seeds
  /// (at most `failing_seed_limit`).
  std::uint64_t expectation_mismatches = 0;
  std::vector<std::uint64_t> mismatched_seeds;

  /// Latency summaries of the histograms merged over every run, by name and window.
  std::vector<LatencySummary> latencies;
  std::uint64_t total_events = 0;

  /// Run-time facts, reported only when asked.
  double wall_seconds = 0.0;
  unsigned jobs = 0;

  /// With `sweep --vary`: the varied parameter, and the sweep at each of its values, in order.
  /// The fields above then count every run of every value (checks' failing_seeds stay empty:
  /// a seed means nothing without its value; each value's sweep has them), and failing_seeds
  /// name their value and replay the value's own scenario file.
  std::optional<VaryOutline> vary;
  std::vector<VariedSweep> values;
};

/// A varied sweep at one value of its parameter.
struct VariedSweep {
  std::string value;  ///< as written
  double x = 0.0;     ///< in the parameter's unit
  SweepResult sweep;  ///< its scenario_file is the value's own scenario, written beside the report
};

/// The runs a sweep's counts cover: its seeds, times its values when varied.
std::uint64_t sweep_runs(const SweepResult& sweep);

/// A varied sweep's curves, one per check (the design is the scenario's name); none without vary.
std::vector<Curve> sweep_curves(const SweepResult& sweep);

}  // namespace sim
