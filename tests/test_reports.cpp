// Goal: reports read a RunResult or SweepResult and write it the same way every time: canonical
// JSON in a fixed key order with no run-time facts unless asked, Markdown and terminal text a
// reader can act on (the replay command, the checks, the requirements), and honest intervals
// for violation rates.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/console_report.hpp"
#include "reports/format.hpp"
#include "reports/json_report.hpp"
#include "reports/markdown_report.hpp"
#include "sim/results/sweep_result.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

CheckOutcome check(std::string name, bool held, bool expected_violated, std::string summary) {
  CheckOutcome outcome;
  outcome.result.name = std::move(name);
  outcome.result.held = held;
  outcome.result.summary = std::move(summary);
  outcome.expected_violated = expected_violated;
  outcome.as_expected = held != expected_violated;
  return outcome;
}

LatencySummary latency(std::string window, std::uint64_t count, std::int64_t p50_ns, std::int64_t max_ns) {
  LatencySummary summary;
  summary.name = "acquire_latency";
  summary.window = std::move(window);
  summary.count = count;
  summary.min_ns = 1'000;
  summary.p50_ns = p50_ns;
  summary.p90_ns = p50_ns * 2;
  summary.p99_ns = p50_ns * 4;
  summary.p999_ns = p50_ns * 8;
  summary.max_ns = max_ns;
  summary.mean_ns = 1'234'567.8;
  return summary;
}

// A Redlock run in which a clock step lets two clients hold the lock at once.
RunResult redlock_run() {
  RunResult r;
  r.scenario_file = "scenarios/lock/redlock-clock-jump.yaml";
  r.scenario_name = "redlock-clock-jump";
  r.description = "One of five Redis nodes steps its wall clock 15 s forward.";
  r.model = "lock";
  r.seed = 7;
  r.duration = 60_s;
  r.options = {{"algorithm", "redlock"}, {"redis_nodes", "5"}, {"ttl", "10s"}};
  r.trace_hash = 0x00000000deadbeefULL;
  r.trace_records = 1'234;
  r.events_run = 5'678;
  r.simulated = 60_s;

  CheckOutcome exclusion = check("mutual_exclusion", false, true, "2 overlapping holders for 4.5s");
  exclusion.result.details = {{"overlaps", "2"}, {"longest overlap", "4.5s"}};
  exclusion.result.first = Violation{Instant::zero() + 11_s + 500_ms, {"client-1", "client-2"},
                                     "client-2 acquired the lock while client-1 held it"};
  r.checks = {exclusion, check("liveness", true, false, "every acquire finished")};
  r.any_violated = true;
  r.expectations_met = true;

  r.latencies = {latency("all", 1'200, 1'250'000, 48'000'000), latency("no_fault", 1'100, 1'200'000, 9'000'000)};
  r.counters = {{"acquires", 1'200}, {"releases", 1'198}};
  r.measures = {{"acquire_latency_p99", 0.1 + 0.2}, {"throughput", 20.0}};

  RequirementRow requirement;
  requirement.metric = "acquire_latency_p99";
  requirement.comparator = "<";
  requirement.threshold = "50ms";
  requirement.measured = 5'000'000.0;
  requirement.measured_text = "5ms";
  requirement.met = true;
  r.requirements = {requirement};

  r.faults = {
      AppliedFault{Instant::zero() + 1_s, "redis-3", "clock_step", "+15s", std::nullopt},
      AppliedFault{Instant::zero() + 20_s, "", "partition", "{redis-1} | {redis-2 redis-3}", Instant::zero() + 25_s}};
  r.tables = {Table{"Per node", {"node", "grants"}, {{"redis-1", "40"}, {"redis-3", "41"}}}};
  r.story = {"At 1s redis-3 stepped its wall clock 15s forward.",
             "At 11.5s client-2 won a majority while client-1 still held the lock."};
  r.wall_seconds = 0.123456789;
  return r;
}

SweepResult redlock_sweep() {
  SweepResult s;
  s.scenario_file = "scenarios/lock/redlock-clock-jump.yaml";
  s.scenario_name = "redlock-clock-jump";
  s.model = "lock";
  s.duration = 60_s;
  s.options = {{"algorithm", "redlock"}};
  s.first_seed = 1;
  s.seed_count = 1'000;
  s.checks = {make_check_rate("mutual_exclusion", 37, 1'000, true), make_check_rate("liveness", 0, 1'000, false)};
  s.runs_violated = 37;
  s.failing_seed_limit = 2;
  s.failing_seeds = {
      FailingSeed{17, {"mutual_exclusion"}, "designsim run scenarios/lock/redlock-clock-jump.yaml --seed 17"},
      FailingSeed{23, {"mutual_exclusion"}, "designsim run scenarios/lock/redlock-clock-jump.yaml --seed 23"}};
  s.expectation_mismatches = 963;
  s.mismatched_seeds = {1, 2};
  s.latencies = {latency("all", 1'200'000, 1'250'000, 48'000'000)};
  s.total_events = 5'678'000;
  s.wall_seconds = 12.5;
  s.jobs = 8;
  return s;
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("The JSON report of one result is byte-identical across calls and parses back", "[reports]") {
  RunResult run = redlock_run();
  std::string first = run_report_json(run);
  std::string second = run_report_json(redlock_run());
  REQUIRE(first == second);
  REQUIRE(first.back() == '\n');

  auto parsed = nlohmann::json::parse(first);
  CHECK(parsed["seed"] == 7);
  CHECK(parsed["scenario"]["model"] == "lock");
  CHECK(parsed["duration"] == "60s");
  CHECK(parsed["duration_ns"] == 60'000'000'000LL);
  CHECK(parsed["checks"][0]["first_violation"]["at"] == "11.5s");
  CHECK(parsed["checks"][0]["first_violation"]["nodes"][1] == "client-2");
  CHECK(parsed["checks"][1]["first_violation"].is_null());
  CHECK(parsed["replay"] == "designsim run scenarios/lock/redlock-clock-jump.yaml --seed 7");
  CHECK(parsed["faults"][1]["node"] == "");
  CHECK(parsed["faults"][0]["until"].is_null());  // a clock step lasts an instant
  CHECK(parsed["faults"][1]["until"] == "25s");
  CHECK(parsed["faults"][1]["until_ns"] == 25'000'000'000LL);
  CHECK(parsed["tables"][0]["rows"][1][1] == "41");

  run.seed = 8;
  CHECK(run_report_json(run) != first);
}

TEST_CASE("The JSON report writes its keys in a fixed order", "[reports]") {
  auto json = run_to_json(redlock_run());
  CHECK(keys_of(json) == std::vector<std::string>{"format", "scenario", "seed", "replay", "duration", "duration_ns",
                                                  "options", "trace", "verdict", "checks", "latencies", "counters",
                                                  "measures", "requirements", "faults", "tables", "story"});
  CHECK(keys_of(json["scenario"]) == std::vector<std::string>{"file", "name", "description", "model"});
  CHECK(keys_of(json["options"]) == std::vector<std::string>{"algorithm", "redis_nodes", "ttl"});
  CHECK(keys_of(json["trace"]) ==
        std::vector<std::string>{"hash", "records", "events_run", "simulated", "simulated_ns"});
  CHECK(keys_of(json["checks"][0]) == std::vector<std::string>{"name", "held", "expected_violated", "as_expected",
                                                               "summary", "details", "first_violation"});
  CHECK(keys_of(json["checks"][0]["details"]) == std::vector<std::string>{"overlaps", "longest overlap"});
  CHECK(keys_of(json["latencies"][0]) ==
        std::vector<std::string>{"name", "window", "count", "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
                                 "max_ns", "mean_ns", "text"});
  CHECK(keys_of(json["requirements"][0]) ==
        std::vector<std::string>{"metric", "comparator", "threshold", "measured", "measured_text", "met"});
}

TEST_CASE("The JSON report writes the trace hash as 16 hex digits", "[reports]") {
  auto json = run_to_json(redlock_run());
  std::string hash = json["trace"]["hash"];
  CHECK(hash == "00000000deadbeef");
  REQUIRE(hash.size() == 16);
  for (char c : hash) CHECK(std::string("0123456789abcdef").find(c) != std::string::npos);
}

TEST_CASE("The JSON report leaves out run-time facts unless asked", "[reports]") {
  RunResult run = redlock_run();
  std::string plain = run_report_json(run);
  CHECK_FALSE(contains(plain, "runtime"));
  CHECK_FALSE(contains(plain, "wall_seconds"));
  run.wall_seconds = 99.0;
  CHECK(run_report_json(run) == plain);

  auto with_runtime = run_to_json(run, true);
  REQUIRE(with_runtime.contains("runtime"));
  CHECK(with_runtime["runtime"]["wall_seconds"] == 99.0);
  CHECK(keys_of(with_runtime).back() == "runtime");
}

TEST_CASE("The JSON report rounds doubles and writes latencies as ns and text", "[reports]") {
  auto json = run_to_json(redlock_run());
  CHECK(json["measures"].dump() == R"({"acquire_latency_p99":0.3,"throughput":20.0})");
  CHECK(json["latencies"][0]["p50_ns"] == 1'250'000);
  CHECK(json["latencies"][0]["mean_ns"] == 1'234'568);
  CHECK(json["latencies"][0]["text"].dump() ==
        R"({"min":"1us","p50":"1.25ms","p90":"2.5ms","p99":"5ms","p999":"10ms","max":"48ms","mean":"1.234568ms"})");
}

TEST_CASE("The Markdown report shows the replay command, the checks and the requirements", "[reports]") {
  std::string md = run_report_markdown(redlock_run());
  CHECK(md == run_report_markdown(redlock_run()));
  CHECK(md.rfind("# designsim run: redlock-clock-jump\n", 0) == 0);
  CHECK(contains(md, "`00000000deadbeef`"));
  CHECK(contains(md, "```\ndesignsim run scenarios/lock/redlock-clock-jump.yaml --seed 7\n```"));
  CHECK(contains(md, "| option | value |\n| --- | --- |\n| algorithm | redlock |\n"));
  CHECK(contains(md, "| check | verdict | expected | how bad |\n| --- | --- | --- | --- |\n"
                     "| mutual_exclusion | VIOLATED | violated | 2 overlapping holders for 4.5s |\n"
                     "| liveness | held | held | every acquire finished |\n"));
  CHECK(contains(md, "- first violated at 11.5s on client-1, client-2: client-2 acquired the lock"));
  CHECK(contains(md, "- At 1s redis-3 stepped its wall clock 15s forward.\n"));
  CHECK(contains(md, "| acquire_latency | all | 1200 | 1.25ms | 5ms | 10ms | 48ms |\n"));
  CHECK(contains(md, "| metric | required | measured | met |\n| --- | --- | --- | --- |\n"
                     "| acquire_latency_p99 | < 50ms | 5ms | yes |\n"));
  CHECK(contains(md, "| 1s | redis-3 | clock_step | +15s |\n"));
  CHECK(contains(md, "| 20s | - | partition | {redis-1} \\| {redis-2 redis-3} |\n"));
  CHECK(contains(md, "## Per node\n\n| node | grants |\n"));
  CHECK_FALSE(contains(md, "0.123"));

  RunResult folded = redlock_run();
  folded.description += "\n";  // as a YAML folded block leaves it
  CHECK(run_report_markdown(folded) == md);
}

TEST_CASE("The Markdown report marks a check that did not do what the scenario expected", "[reports]") {
  RunResult run = redlock_run();
  run.checks[1] = check("liveness", false, false, "3 acquires never finished");
  run.expectations_met = false;
  run.expectation_problems = {"expected liveness to hold; it was violated"};
  std::string md = run_report_markdown(run);
  CHECK(contains(md, "| liveness | VIOLATED | held (mismatch) | 3 acquires never finished |"));
  CHECK(contains(md, "- expected liveness to hold; it was violated\n"));
  CHECK(contains(md, "2 of 2 checks violated, NOT as the scenario expects"));
}

TEST_CASE("The terminal summary lists verdicts, overall latencies and aligned requirements", "[reports]") {
  std::string text = run_summary_text(redlock_run());
  CHECK(contains(text, "checks\n"
                       "  mutual_exclusion  VIOLATED  (expected)  2 overlapping holders for 4.5s\n"
                       "  liveness          held                  every acquire finished\n"
                       "expectations: met\n"));
  CHECK(contains(text, "latency\n"
                       "  name             count     p50    p90  p99  p99.9   max\n"
                       "  acquire_latency   1200  1.25ms  2.5ms  5ms   10ms  48ms\n"));
  CHECK_FALSE(contains(text, "no_fault"));
  CHECK(contains(text, "requirements\n"
                       "  metric               required  measured  met\n"
                       "  acquire_latency_p99  < 50ms    5ms       yes\n"));
}

TEST_CASE("Wilson intervals match known values", "[reports]") {
  WilsonInterval none = wilson_interval(0, 100);
  CHECK(none.low == 0.0);
  CHECK(none.high == Approx(0.036993).margin(1e-6));

  WilsonInterval half = wilson_interval(50, 100);
  CHECK(half.low == Approx(0.403832).margin(1e-6));
  CHECK(half.high == Approx(0.596168).margin(1e-6));

  WilsonInterval all = wilson_interval(100, 100);
  CHECK(all.low == Approx(0.963007).margin(1e-6));
  CHECK(all.high == 1.0);

  WilsonInterval one_in_ten = wilson_interval(1, 10);
  CHECK(one_in_ten.low == Approx(0.017876).margin(1e-6));
  CHECK(one_in_ten.high == Approx(0.404150).margin(1e-6));

  WilsonInterval nothing = wilson_interval(0, 0);
  CHECK(nothing.low == 0.0);
  CHECK(nothing.high == 1.0);

  CheckRate rate = make_check_rate("mutual_exclusion", 37, 1'000, true);
  CHECK(rate.rate == Approx(0.037));
  CHECK(rate.interval.low == Approx(0.026961).margin(1e-6));
  CHECK(rate.interval.high == Approx(0.050582).margin(1e-6));
}

TEST_CASE("Sweep reports give rates, intervals and the commands that reproduce failing seeds", "[reports]") {
  SweepResult sweep = redlock_sweep();
  const std::string command = "designsim run scenarios/lock/redlock-clock-jump.yaml --seed 17";

  std::string json_text = sweep_report_json(sweep);
  CHECK(json_text == sweep_report_json(redlock_sweep()));
  CHECK_FALSE(contains(json_text, "wall_seconds"));
  auto json = nlohmann::json::parse(json_text);
  CHECK(json["failing_seeds"][0]["reproduce"] == command);
  CHECK(json["checks"][0]["rate"] == 0.037);
  CHECK(json["checks"][0]["interval_95"]["low"] == 0.0269612);
  CHECK(json["seeds"]["text"] == "1..1000");
  CHECK(sweep_to_json(sweep, true)["runtime"]["jobs"] == 8);

  std::string md = sweep_report_markdown(sweep);
  CHECK(contains(md, "| mutual_exclusion | 37 of 1000 | 3.70% | [2.70%, 5.06%] | violated |\n"));
  CHECK(contains(md, "| 17 | mutual_exclusion | `" + command + "` |\n"));
  CHECK(contains(md, "The lowest 2 of 37 failing seeds."));

  std::string text = sweep_summary_text(sweep);
  CHECK(contains(text, "seeds 1..1000 (1000 runs): 37 with a violation\n"));
  CHECK(contains(text, "  mutual_exclusion  37/1000  3.70%  95% CI [2.70%, 5.06%]  (expected)\n"));
  CHECK(contains(text, "  liveness           0/1000  0.00%  95% CI [0.00%, 0.38%]\n"));
  CHECK(contains(text, "  " + command + "  # mutual_exclusion\n"));
  CHECK(contains(text, "expectations: NOT met in 963 runs (seeds 1, 2)\n"));
}

TEST_CASE("Report text helpers quote, round and shorten deterministically", "[reports]") {
  CHECK(replay_command("scenarios/a b.yaml", 3) == "designsim run 'scenarios/a b.yaml' --seed 3");
  CHECK(replay_command("it's.yaml", 3) == "designsim run 'it'\\''s.yaml' --seed 3");
  CHECK(to_string(Duration::nanoseconds(1'234'567), 4) == "1.235ms");
  CHECK(to_string(Duration::nanoseconds(870), 4) == "870ns");
  CHECK(to_string(Duration::nanoseconds(15'000'000'000), 4) == "15s");
  CHECK(to_string(Duration::nanoseconds(-1'234'567), 4) == "-1.235ms");
  CHECK(to_string(Duration::nanoseconds(1'234'567), 2) == "1.2ms");
  CHECK(to_string(Duration::nanoseconds(999'950), 4) == "1ms");  // rounding carries into the next unit
  CHECK(group_digits(1'234'567) == "1,234,567");
  CHECK(group_digits(999) == "999");
  CHECK(count_of(1, "id", "ids") == "1 id");
  CHECK(count_of(4'600, "id", "ids") == "4,600 ids");
  CHECK(round_significant(1.0 / 3.0) == 0.333333);
  CHECK(percent_text(0.037) == "3.70%");
  CHECK(hash_text(0xffffffffffffffffULL) == "ffffffffffffffff");
}
