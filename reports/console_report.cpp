#include "reports/console_report.hpp"

#include <fmt/format.h>

#include "reports/curve_report.hpp"
#include "reports/format.hpp"
#include "reports/text_table.hpp"

namespace sim {

using report::aligned_table;
using report::TextRow;

namespace {

constexpr std::string_view indent = "  ";
constexpr std::string_view overall_window = "all";

// Marks a verdict against the scenario's expect: block.
std::string expectation_mark(const CheckOutcome& c) {
  if (!c.as_expected) return c.expected_violated ? "(expected to be violated)" : "(unexpected)";
  return c.expected_violated ? "(expected)" : "";
}

std::string checks_text(const RunResult& r) {
  if (r.checks.empty()) return "checks: none\n";
  std::vector<TextRow> rows;
  for (const CheckOutcome& c : r.checks) {
    rows.push_back({c.result.name, report::verdict_text(c.result), expectation_mark(c), c.result.summary});
  }
  std::string text = "checks\n" + aligned_table(rows, indent);
  if (r.expectations_met) return text + "expectations: met\n";
  text += "expectations: NOT met\n";
  for (const std::string& problem : r.expectation_problems) text += fmt::format("{}{}\n", indent, problem);
  return text;
}

// The overall window of each latency: per-fault windows belong to the reports.
std::string latencies_text(const std::vector<LatencySummary>& latencies, std::string_view title) {
  std::vector<TextRow> rows{{"name", "count", "p50", "p90", "p99", "p99.9", "max"}};
  for (const LatencySummary& l : latencies) {
    if (l.window != overall_window) continue;
    rows.push_back({l.name, fmt::format("{}", l.count), to_string(Duration::nanoseconds(l.p50_ns), 4),
                    to_string(Duration::nanoseconds(l.p90_ns), 4), to_string(Duration::nanoseconds(l.p99_ns), 4),
                    to_string(Duration::nanoseconds(l.p999_ns), 4), to_string(Duration::nanoseconds(l.max_ns), 4)});
  }
  if (rows.size() == 1) return "";
  return fmt::format("{}\n", title) + aligned_table(rows, indent, {1, 2, 3, 4, 5, 6});
}

std::string requirements_text(const std::vector<RequirementRow>& requirements) {
  if (requirements.empty()) return "";
  std::vector<TextRow> rows{{"metric", "required", "measured", "met"}};
  for (const RequirementRow& row : requirements) {
    rows.push_back({row.metric, report::required_text(row), report::measured_text(row), row.met ? "yes" : "NO"});
  }
  return "requirements\n" + aligned_table(rows, indent);
}

}  // namespace

std::string run_summary_text(const RunResult& r) {
  return checks_text(r) + latencies_text(r.latencies, "latency") + requirements_text(r.requirements);
}

namespace {

std::string sweep_header_text(const SweepResult& s) {
  std::string partial = s.partial
                            ? fmt::format("PARTIAL: interrupted after {} of {} seeds; what follows covers only those\n",
                                          s.seed_count, s.seeds_requested)
                            : "";
  std::string values =
      s.vary ? fmt::format(" at each of {} values of {}", s.values.size(), s.vary->param) : "";
  return partial + fmt::format("seeds {}{} ({} runs): {} with a violation\n",
                               report::seed_range_text(s.first_seed, s.seed_count), values, sweep_runs(s),
                               s.runs_violated);
}

std::string check_rates_text(const SweepResult& s) {
  if (s.checks.empty()) return "checks: none\n";
  std::vector<TextRow> rows;
  for (const CheckRate& c : s.checks) {
    std::string interval = s.single_trace_hash ? "one run repeated" : "95% CI " + report::interval_text(c.interval);
    rows.push_back({c.name, fmt::format("{}/{}", c.runs_violated, c.runs), percent_text(c.rate), interval,
                    c.expected_violated ? "(expected)" : ""});
  }
  return "checks (runs violated, rate, 95% interval)\n" + aligned_table(rows, indent, {1, 2});
}

std::string single_trace_text(const SweepResult& s) {
  if (!s.single_trace_hash) return "";
  return fmt::format("every seed gave one trace ({}): nothing in this scenario draws from the seed, so the {} runs are "
                     "one run repeated, not samples\n",
                     hash_text(*s.single_trace_hash), s.seed_count);
}

std::string failing_seeds_by_check_text(const std::vector<CheckRate>& checks) {
  std::vector<TextRow> rows;
  for (const CheckRate& c : checks)
    if (c.runs_violated > 0) rows.push_back({c.name, report::check_failing_seeds_text(c)});
  if (rows.empty()) return "";
  return "first failing seeds of each violated check\n" + aligned_table(rows, indent);
}

std::string mismatches_text(const SweepResult& s) {
  if (s.expectation_mismatches == 0) return "expectations: met in every run\n";
  std::string text = fmt::format("expectations: NOT met in {} runs", s.expectation_mismatches);
  std::string seeds;
  for (std::uint64_t seed : s.mismatched_seeds) seeds += (seeds.empty() ? "" : ", ") + fmt::format("{}", seed);
  return seeds.empty() ? text + "\n" : fmt::format("{} (seeds {})\n", text, seeds);
}

std::string failing_seeds_text(const SweepResult& s) {
  if (s.failing_seeds.empty()) return "";
  std::string text = s.failing_seeds.size() < s.runs_violated
                         ? fmt::format("failing seeds (lowest {} of {})\n", s.failing_seeds.size(), s.runs_violated)
                         : std::string("failing seeds\n");
  std::vector<TextRow> rows;
  for (const FailingSeed& f : s.failing_seeds) {
    std::string checks;
    for (const std::string& name : f.checks_violated) checks += (checks.empty() ? "" : ", ") + name;
    if (!f.value.empty()) checks += " at " + f.value;
    rows.push_back({f.reproduce, "# " + checks});
  }
  return text + aligned_table(rows, indent);
}

}  // namespace

std::string sweep_summary_text(const SweepResult& s) {
  return sweep_header_text(s) + single_trace_text(s) + check_rates_text(s) +
         (s.vary ? "" : failing_seeds_by_check_text(s.checks)) +
         mismatches_text(s) + failing_seeds_text(s) + curves_text(sweep_curves(s)) +
         latencies_text(s.latencies, "latency over every run") +
         fmt::format("events run: {}\n", s.total_events);
}

}  // namespace sim
