#include "reports/json_report.hpp"

#include <cmath>
#include <string_view>

#include "reports/format.hpp"
#include "reports/pictures_json.hpp"

namespace sim {

using nlohmann::ordered_json;

namespace {

constexpr std::string_view run_format = "designsim-run-report/1";
constexpr std::string_view sweep_format = "designsim-sweep-report/1";

// A double rounded to fixed precision, so the text does not carry noise digits; null when it is
// not a number, as JSON has no NaN.
ordered_json number_json(double value) {
  if (!std::isfinite(value)) return nullptr;
  return round_significant(value);
}

template <typename T, typename F>
ordered_json array_of(const std::vector<T>& items, F to_json) {
  ordered_json array = ordered_json::array();
  for (const T& item : items) array.push_back(to_json(item));
  return array;
}

ordered_json text_json(const std::string& text) { return text; }

// `key` as exact text and `key_ns` as integer nanoseconds.
void put_duration(ordered_json& object, const std::string& key, Duration d) {
  object[key] = to_string(d);
  object[key + "_ns"] = d.ns();
}

// Ordered (name, value) pairs as an object in the same order. Names are expected unique.
ordered_json pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  ordered_json object = ordered_json::object();
  for (const auto& [name, value] : pairs) object[name] = value;
  return object;
}

std::string output_text(const ordered_json& json) {
  return json.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

ordered_json scenario_json(const RunResult& r) {
  ordered_json scenario = ordered_json::object();
  scenario["file"] = r.scenario_file;
  scenario["name"] = r.scenario_name;
  scenario["description"] = r.description;
  scenario["model"] = r.model;
  return scenario;
}

ordered_json trace_json(const RunResult& r) {
  ordered_json trace = ordered_json::object();
  trace["hash"] = hash_text(r.trace_hash);
  trace["records"] = r.trace_records;
  trace["events_run"] = r.events_run;
  put_duration(trace, "simulated", r.simulated);
  return trace;
}

ordered_json verdict_json(const RunResult& r) {
  ordered_json verdict = ordered_json::object();
  verdict["any_violated"] = r.any_violated;
  verdict["expectations_met"] = r.expectations_met;
  verdict["problems"] = ordered_json::array();
  for (const std::string& problem : r.expectation_problems) verdict["problems"].push_back(problem);
  return verdict;
}

ordered_json violation_json(const std::optional<Violation>& first) {
  if (!first) return nullptr;
  ordered_json violation = ordered_json::object();
  put_duration(violation, "at", first->at.since_start());
  violation["nodes"] = ordered_json::array();
  for (const std::string& node : first->nodes) violation["nodes"].push_back(node);
  violation["what"] = first->what;
  return violation;
}

ordered_json check_json(const CheckOutcome& outcome) {
  const CheckResult& check = outcome.result;
  ordered_json json = ordered_json::object();
  json["name"] = check.name;
  json["held"] = check.held;
  json["expected_violated"] = outcome.expected_violated;
  json["as_expected"] = outcome.as_expected;
  json["summary"] = check.summary;
  json["details"] = pairs_json(check.details);
  json["first_violation"] = violation_json(check.first);
  return json;
}

ordered_json requirement_json(const RequirementRow& row) {
  ordered_json json = ordered_json::object();
  json["metric"] = row.metric;
  json["comparator"] = row.comparator;
  json["threshold"] = row.threshold;
  json["measured"] = row.measured ? number_json(*row.measured) : ordered_json(nullptr);
  json["measured_text"] = row.measured_text;
  json["met"] = row.met;
  return json;
}

ordered_json fault_json(const AppliedFault& fault) {
  ordered_json json = ordered_json::object();
  put_duration(json, "at", fault.at.since_start());
  json["node"] = fault.node;
  json["kind"] = fault.kind;
  json["detail"] = fault.detail;
  if (fault.until) {
    put_duration(json, "until", fault.until->since_start());
  } else {
    json["until"] = nullptr;
    json["until_ns"] = nullptr;
  }
  return json;
}

ordered_json table_json(const Table& table) {
  ordered_json json = ordered_json::object();
  json["title"] = table.title;
  json["columns"] = ordered_json::array();
  for (const std::string& column : table.columns) json["columns"].push_back(column);
  json["rows"] = ordered_json::array();
  for (const auto& row : table.rows) {
    ordered_json cells = ordered_json::array();
    for (const std::string& cell : row) cells.push_back(cell);
    json["rows"].push_back(std::move(cells));
  }
  return json;
}

ordered_json counters_json(const std::map<std::string, std::int64_t>& counters) {
  ordered_json object = ordered_json::object();
  for (const auto& [name, value] : counters) object[name] = value;
  return object;
}

ordered_json measures_json(const std::map<std::string, double>& measures) {
  ordered_json object = ordered_json::object();
  for (const auto& [name, value] : measures) object[name] = number_json(value);
  return object;
}

}  // namespace

ordered_json latency_to_json(const LatencySummary& latency) {
  ordered_json json = ordered_json::object();
  json["name"] = latency.name;
  json["window"] = latency.window;
  json["count"] = latency.count;
  auto mean_ns = static_cast<std::int64_t>(std::llround(latency.mean_ns));
  const std::pair<const char*, std::int64_t> values[] = {
      {"min", latency.min_ns}, {"p50", latency.p50_ns},   {"p90", latency.p90_ns}, {"p99", latency.p99_ns},
      {"p999", latency.p999_ns}, {"max", latency.max_ns}, {"mean", mean_ns}};
  for (const auto& [name, ns] : values) json[std::string(name) + "_ns"] = ns;
  ordered_json text = ordered_json::object();
  for (const auto& [name, ns] : values) text[name] = to_string(Duration::nanoseconds(ns));
  json["text"] = std::move(text);
  return json;
}

ordered_json run_to_json(const RunResult& r, bool include_runtime) {
  ordered_json json = ordered_json::object();
  json["format"] = run_format;
  json["scenario"] = scenario_json(r);
  json["seed"] = r.seed;
  json["replay"] = replay_command(r.scenario_file, r.seed);
  put_duration(json, "duration", r.duration);
  json["options"] = pairs_json(r.options);
  json["trace"] = trace_json(r);
  json["verdict"] = verdict_json(r);
  json["checks"] = array_of(r.checks, check_json);
  json["latencies"] = array_of(r.latencies, latency_to_json);
  json["counters"] = counters_json(r.counters);
  json["measures"] = measures_json(r.measures);
  json["requirements"] = array_of(r.requirements, requirement_json);
  json["faults"] = array_of(r.faults, fault_json);
  json["tables"] = array_of(r.tables, table_json);
  json["story"] = array_of(r.story, text_json);
  if (r.pictures) json["pictures"] = pictures_to_json(r);
  if (include_runtime) {
    ordered_json runtime = ordered_json::object();
    runtime["wall_seconds"] = number_json(r.wall_seconds);
    json["runtime"] = std::move(runtime);
  }
  return json;
}

std::string run_report_json(const RunResult& result, bool include_runtime) {
  return output_text(run_to_json(result, include_runtime));
}

namespace {

ordered_json sweep_scenario_json(const SweepResult& s) {
  ordered_json scenario = ordered_json::object();
  scenario["file"] = s.scenario_file;
  scenario["name"] = s.scenario_name;
  scenario["model"] = s.model;
  return scenario;
}

ordered_json seeds_json(const SweepResult& s) {
  ordered_json seeds = ordered_json::object();
  seeds["first"] = s.first_seed;
  seeds["count"] = s.seed_count;
  seeds["text"] = report::seed_range_text(s.first_seed, s.seed_count);
  return seeds;
}

ordered_json check_rate_json(const CheckRate& rate) {
  ordered_json json = ordered_json::object();
  json["name"] = rate.name;
  json["runs_violated"] = rate.runs_violated;
  json["runs"] = rate.runs;
  json["rate"] = number_json(rate.rate);
  ordered_json interval = ordered_json::object();
  interval["low"] = number_json(rate.interval.low);
  interval["high"] = number_json(rate.interval.high);
  json["interval_95"] = std::move(interval);
  json["expected_violated"] = rate.expected_violated;
  json["failing_seeds"] = ordered_json::array();
  for (std::uint64_t seed : rate.failing_seeds) json["failing_seeds"].push_back(seed);
  return json;
}

ordered_json failing_seed_json(const FailingSeed& failing) {
  ordered_json json = ordered_json::object();
  json["seed"] = failing.seed;
  json["checks_violated"] = array_of(failing.checks_violated, text_json);
  json["reproduce"] = failing.reproduce;
  return json;
}

ordered_json sweep_verdict_json(const SweepResult& s) {
  ordered_json verdict = ordered_json::object();
  verdict["runs_violated"] = s.runs_violated;
  verdict["expectation_mismatches"] = s.expectation_mismatches;
  verdict["mismatched_seeds"] = ordered_json::array();
  for (std::uint64_t seed : s.mismatched_seeds) verdict["mismatched_seeds"].push_back(seed);
  return verdict;
}

}  // namespace

ordered_json sweep_to_json(const SweepResult& s, bool include_runtime) {
  ordered_json json = ordered_json::object();
  json["format"] = sweep_format;
  json["scenario"] = sweep_scenario_json(s);
  json["seeds"] = seeds_json(s);
  if (s.partial) {
    ordered_json partial = ordered_json::object();
    partial["seeds_requested"] = s.seeds_requested;
    partial["why"] = "interrupted: the rates cover only the seeds done";
    json["partial"] = std::move(partial);
  }
  put_duration(json, "duration", s.duration);
  json["options"] = pairs_json(s.options);
  json["verdict"] = sweep_verdict_json(s);
  if (s.single_trace_hash) {
    // One run repeated: its rates are 0 or 1 exactly, and an interval would pretend otherwise.
    json["single_trace_hash"] = hash_text(*s.single_trace_hash);
    json["checks"] = array_of(s.checks, [](const CheckRate& rate) {
      ordered_json check = check_rate_json(rate);
      check.erase("interval_95");
      return check;
    });
  } else {
    json["checks"] = array_of(s.checks, check_rate_json);
  }
  json["failing_seed_limit"] = s.failing_seed_limit;
  json["failing_seeds"] = array_of(s.failing_seeds, failing_seed_json);
  json["latencies"] = array_of(s.latencies, latency_to_json);
  json["total_events"] = s.total_events;
  if (include_runtime) {
    ordered_json runtime = ordered_json::object();
    runtime["wall_seconds"] = number_json(s.wall_seconds);
    runtime["jobs"] = s.jobs;
    json["runtime"] = std::move(runtime);
  }
  return json;
}

std::string sweep_report_json(const SweepResult& sweep, bool include_runtime) {
  return output_text(sweep_to_json(sweep, include_runtime));
}

}  // namespace sim
