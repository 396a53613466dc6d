#include "reports/markdown_report.hpp"

#include <fmt/format.h>

#include "reports/curve_report.hpp"
#include "reports/format.hpp"
#include "reports/text_table.hpp"
#include "sim/scenario/printable.hpp"

namespace sim {

using report::markdown_table;
using report::TextRow;

namespace {

std::string section(std::string_view title) { return fmt::format("\n## {}\n\n", title); }

std::string code_block(std::string_view text) { return fmt::format("```\n{}\n```\n", text); }

std::string options_section(const std::vector<std::pair<std::string, std::string>>& options) {
  std::string md = section("Options");
  if (options.empty()) return md + "No options.\n";
  std::vector<TextRow> rows;
  for (const auto& [name, value] : options) rows.push_back({name, value});
  return md + markdown_table({"option", "value"}, rows);
}

std::string latency_section(const std::vector<LatencySummary>& latencies, std::string_view title) {
  std::string md = section(title);
  if (latencies.empty()) return md + "No latencies recorded.\n";
  std::vector<TextRow> rows;
  for (const LatencySummary& l : latencies) {
    rows.push_back({l.name, l.window, fmt::format("{}", l.count), to_string(Duration::nanoseconds(l.p50_ns), 4),
                    to_string(Duration::nanoseconds(l.p99_ns), 4), to_string(Duration::nanoseconds(l.p999_ns), 4),
                    to_string(Duration::nanoseconds(l.max_ns), 4)});
  }
  return md + markdown_table({"name", "window", "count", "p50", "p99", "p99.9", "max"}, rows);
}

std::string run_verdict_text(const RunResult& r) {
  std::size_t violated = 0;
  for (const CheckOutcome& c : r.checks) violated += c.result.held ? 0 : 1;
  std::string checks = violated == 0 ? std::string("every check held")
                                     : fmt::format("{} of {} checks violated", violated, r.checks.size());
  return checks + (r.expectations_met ? ", as the scenario expects" : ", NOT as the scenario expects");
}

std::string run_header(const RunResult& r) {
  std::string md = fmt::format("# designsim run: {}\n\n", printable(r.scenario_name));
  std::string_view description = r.description;
  while (!description.empty() && (description.back() == '\n' || description.back() == ' '))
    description.remove_suffix(1);
  if (!description.empty()) md += fmt::format("{}\n\n", printable(description, true));
  md += fmt::format("- **Scenario:** `{}` (model `{}`)\n", printable(r.scenario_file), printable(r.model));
  md += fmt::format("- **Seed:** {}\n", r.seed);
  md += fmt::format("- **Trace hash:** `{}` ({} records, {} events, {} simulated)\n", hash_text(r.trace_hash),
                    r.trace_records, r.events_run, to_string(r.simulated));
  md += fmt::format("- **Duration:** {}\n", to_string(r.duration));
  md += fmt::format("- **Verdict:** {}\n", run_verdict_text(r));
  md += "\nReplay this run:\n\n" + code_block(replay_command(r.scenario_file, r.seed));
  return md;
}

std::string violation_line(const Violation& v) {
  std::string nodes;
  for (const std::string& node : v.nodes) nodes += (nodes.empty() ? "" : ", ") + node;
  if (nodes.empty()) return fmt::format("- first violated at {}: {}\n", to_string(v.at), v.what);
  return fmt::format("- first violated at {} on {}: {}\n", to_string(v.at), nodes, v.what);
}

std::string check_details(const CheckResult& check) {
  if (check.details.empty() && !check.first) return "";
  std::string md = fmt::format("\n### {}\n\n", check.name);
  if (check.first) md += violation_line(*check.first);
  for (const auto& [fact, value] : check.details) md += fmt::format("- {}: {}\n", fact, value);
  return md;
}

std::string checks_section(const RunResult& r) {
  std::string md = section("Checks");
  if (r.checks.empty()) return md + "No checks.\n";
  std::vector<TextRow> rows;
  for (const CheckOutcome& c : r.checks) {
    std::string expected = report::expected_text(c) + (c.as_expected ? "" : " (mismatch)");
    rows.push_back({c.result.name, report::verdict_text(c.result), expected, c.result.summary});
  }
  md += markdown_table({"check", "verdict", "expected", "how bad"}, rows);
  if (!r.expectation_problems.empty()) {
    md += "\nExpectations not met:\n\n";
    for (const std::string& problem : r.expectation_problems) md += "- " + problem + "\n";
  }
  for (const CheckOutcome& c : r.checks) md += check_details(c.result);
  return md;
}

std::string story_section(const std::vector<std::string>& story) {
  if (story.empty()) return "";
  std::string md = section("How the first violation happened");
  for (const std::string& line : story) md += "- " + line + "\n";
  return md;
}

std::string requirements_section(const std::vector<RequirementRow>& requirements) {
  std::string md = section("Requirements");
  if (requirements.empty()) return md + "No requirements stated.\n";
  std::vector<TextRow> rows;
  for (const RequirementRow& row : requirements) {
    rows.push_back({row.metric, report::required_text(row), report::measured_text(row), row.met ? "yes" : "no"});
  }
  return md + markdown_table({"metric", "required", "measured", "met"}, rows);
}

std::string faults_section(const std::vector<AppliedFault>& faults) {
  std::string md = section("Faults applied");
  if (faults.empty()) return md + "No faults applied.\n";
  std::vector<TextRow> rows;
  for (const AppliedFault& f : faults) {
    rows.push_back({to_string(f.at), f.node.empty() ? "-" : f.node, f.kind, f.detail});
  }
  return md + markdown_table({"time", "node", "fault", "detail"}, rows);
}

std::string model_tables(const std::vector<Table>& tables) {
  std::string md;
  for (const Table& table : tables) {
    md += section(table.title.empty() ? std::string_view("Table") : std::string_view(table.title));
    md += markdown_table(table.columns, table.rows);
  }
  return md;
}

}  // namespace

std::string run_report_markdown(const RunResult& r) {
  std::string md = run_header(r);
  md += options_section(r.options);
  md += checks_section(r);
  md += story_section(r.story);
  md += latency_section(r.latencies, "Latencies");
  md += requirements_section(r.requirements);
  md += faults_section(r.faults);
  md += model_tables(r.tables);
  return md;
}

namespace {

std::string sweep_header(const SweepResult& s) {
  std::string md = fmt::format("# designsim sweep: {}\n\n", printable(s.scenario_name));
  if (s.partial)
    md += fmt::format(
        "**Partial result:** the sweep was interrupted after {} of the {} seeds asked for; everything below "
        "covers only seeds {}.\n\n",
        s.seed_count, s.seeds_requested, report::seed_range_text(s.first_seed, s.seed_count));
  md += fmt::format("- **Scenario:** `{}` (model `{}`)\n", printable(s.scenario_file), printable(s.model));
  md += fmt::format("- **Seeds:** {} ({} runs)\n", report::seed_range_text(s.first_seed, s.seed_count), sweep_runs(s));
  if (s.vary) {
    std::string values;
    for (const VariedSweep& v : s.values) values += (values.empty() ? "`" : ", `") + printable(v.value) + "`";
    md += fmt::format("- **Varied:** `{}` over {}, every seed at each value\n", printable(s.vary->param), values);
  }
  md += fmt::format("- **Duration:** {}\n", to_string(s.duration));
  double runs = static_cast<double>(sweep_runs(s));
  double share = runs == 0 ? 0.0 : static_cast<double>(s.runs_violated) / runs;
  md += fmt::format("- **Runs with a violation:** {} ({})\n", s.runs_violated, percent_text(share));
  md += fmt::format("- **Runs not as expected:** {}\n", s.expectation_mismatches);
  md += fmt::format("- **Events run:** {}\n", s.total_events);
  return md;
}

std::string check_rates_section(const SweepResult& s) {
  std::string md = section("Checks");
  if (s.checks.empty()) return md + "No checks.\n";
  if (s.single_trace_hash)
    md += fmt::format("Every seed gave one trace (`{}`): nothing in this scenario draws from the seed, so the {} runs "
                      "are one run repeated, not samples, and no interval is given.\n\n",
                      hash_text(*s.single_trace_hash), s.seed_count);
  std::vector<TextRow> rows;
  for (const CheckRate& c : s.checks) {
    rows.push_back({c.name, fmt::format("{} of {}", c.runs_violated, c.runs), percent_text(c.rate),
                    s.single_trace_hash ? "one run repeated" : report::interval_text(c.interval),
                    c.expected_violated ? "violated" : "held"});
  }
  return md + markdown_table({"check", "violated runs", "rate", "95% interval", "expected"}, rows);
}

std::string failing_seeds_section(const SweepResult& s) {
  std::string md = section("Failing seeds");
  if (s.failing_seeds.empty()) return md + "No seed violated a check.\n";
  if (s.failing_seeds.size() < s.runs_violated) {
    md += fmt::format("The lowest {} of {} failing seeds.\n\n", s.failing_seeds.size(), s.runs_violated);
  }
  std::vector<TextRow> rows;
  for (const FailingSeed& f : s.failing_seeds) {
    std::string checks;
    for (const std::string& name : f.checks_violated) checks += (checks.empty() ? "" : ", ") + name;
    if (!f.value.empty()) checks += " at " + printable(f.value);
    rows.push_back({fmt::format("{}", f.seed), checks, fmt::format("`{}`", f.reproduce)});
  }
  return md + markdown_table({"seed", "checks violated", "reproduce"}, rows);
}

std::string failing_seeds_by_check_section(const std::vector<CheckRate>& checks) {
  std::vector<TextRow> rows;
  for (const CheckRate& c : checks)
    if (c.runs_violated > 0)
      rows.push_back({c.name, fmt::format("{}", c.runs_violated), report::check_failing_seeds_text(c)});
  if (rows.empty()) return "";
  return section("Failing seeds by check") + markdown_table({"check", "violated runs", "first failing seeds"}, rows);
}

std::string mismatches_section(const SweepResult& s) {
  if (s.expectation_mismatches == 0) return "";
  std::string md = section("Runs not as expected");
  md += fmt::format("{} runs differ from the scenario's `expect:` block", s.expectation_mismatches);
  if (s.mismatched_seeds.empty()) return md + ".\n";
  std::string seeds;
  for (std::uint64_t seed : s.mismatched_seeds) seeds += (seeds.empty() ? "" : ", ") + fmt::format("{}", seed);
  bool all_shown = s.mismatched_seeds.size() >= s.expectation_mismatches;
  return md + fmt::format("; {} seeds: {}.\n", all_shown ? "their" : "the lowest", seeds);
}

}  // namespace

std::string sweep_report_markdown(const SweepResult& s) {
  std::string md = sweep_header(s);
  md += options_section(s.options);
  md += check_rates_section(s);
  // A varied sweep's seeds mean little without their value: its failing seeds name theirs.
  if (!s.vary) md += failing_seeds_by_check_section(s.checks);
  md += failing_seeds_section(s);
  md += mismatches_section(s);
  if (s.vary) md += "\n" + curves_markdown(sweep_curves(s));
  md += latency_section(s.latencies, "Latencies over every run");
  return md;
}

}  // namespace sim
