// The result of one run of (scenario, seed): everything a report shows, and nothing else.
// Reports read only this (and SweepResult); they never reach into a World.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/histogram.hpp"
#include "sim/kernel/time.hpp"
#include "sim/results/check.hpp"
#include "sim/results/pictures.hpp"

namespace sim {

/// One check's verdict against what the scenario expected of it.
struct CheckOutcome {
  CheckResult result;
  bool expected_violated = false;  ///< named in expect.violated
  bool as_expected = true;         ///< violated iff expected to be
};

/// The outcome whose check broke first, by the rule of the verdicts' own earliest_violation.
inline const CheckOutcome* earliest_violation(const std::vector<CheckOutcome>& checks) {
  return earliest_violation(checks, [](const CheckOutcome& check) -> const CheckResult& { return check.result; });
}

/// Percentiles of one latency histogram, overall or within one fault window.
struct LatencySummary {
  std::string name;    ///< "generate_latency"
  std::string window;  ///< "all", "no_fault", "pause", "partition", …
  std::uint64_t count = 0;
  std::int64_t min_ns = 0, p50_ns = 0, p90_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  double mean_ns = 0.0;
  std::vector<HistogramBucket> buckets;  ///< for plots
};

/// A requirement of the problem statement against what the run measured.
struct RequirementRow {
  std::string metric;
  std::string comparator;
  std::string threshold;           ///< as written
  std::optional<double> measured;  ///< absent: the model does not measure it
  std::string measured_text;
  bool met = false;
};

/// A fault as applied, from the trace.
struct AppliedFault {
  Instant at;
  std::string node;  ///< "" when it concerns no single node (a partition, a heal)
  std::string kind;  ///< "pause", "clock_step", …
  std::string detail;
  std::optional<Instant> until;  ///< when a fault that lasts ended (FaultRecord::until)
};

struct RunResult {
  std::string scenario_file;
  std::string scenario_name;
  std::string description;
  std::string model;
  std::uint64_t seed = 0;
  Duration duration;
  /// The resolved options: the model's, then the network's and the faults', in order.
  std::vector<std::pair<std::string, std::string>> options;

  std::uint64_t trace_hash = 0;
  std::uint64_t trace_records = 0;
  std::uint64_t events_run = 0;
  Duration simulated;  ///< true time reached

  std::vector<CheckOutcome> checks;
  bool any_violated = false;
  bool expectations_met = true;
  std::vector<std::string> expectation_problems;  ///< "expected mutual_exclusion to be violated; it held"

  std::vector<LatencySummary> latencies;
  std::map<std::string, std::int64_t> counters;
  std::map<std::string, double> measures;
  std::vector<RequirementRow> requirements;
  std::vector<AppliedFault> faults;
  std::vector<Table> tables;
  /// The story of the first violation, in plain sentences; empty when every check held.
  std::vector<std::string> story;
  /// What report.html draws; gathered only when asked (RunOptions::pictures).
  std::optional<Pictures> pictures;

  /// Run-time facts, reported only when asked (they differ between runs of one seed).
  double wall_seconds = 0.0;
};

}  // namespace sim
