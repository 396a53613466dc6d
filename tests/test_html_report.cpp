// Goal: report.html is drawn from report.json alone, the same page every time, self-contained
// (no script, nothing to fetch, text escaped), with one lane per node, an arrow per message and
// the story beside its moments; study.html has a heat-map cell per cell and check. The browser
// tests (test_html_pages.cpp) check that the pages render; these check what they hold.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "reports/html_report.hpp"
#include "reports/json_report.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Instant at_ms(std::int64_t ms) { return Instant::zero() + Duration::milliseconds(ms); }

// Two clients and a Redis, a pause of client-1 past its lock, and two holders at 1.2 s.
RunResult paused_lock_run() {
  RunResult r;
  r.scenario_file = "scenarios/lock/example.yaml";
  r.scenario_name = "pause <past> the TTL";
  r.model = "lock";
  r.seed = 3;
  r.duration = 2_s;
  r.simulated = 2_s;
  CheckOutcome broken;
  broken.result =
      CheckResult{"overlapping_holders", false, "2 holders", {}, Violation{at_ms(1'200), {"client-2"}, "x"}};
  r.checks = {broken};
  r.any_violated = true;
  r.faults = {AppliedFault{at_ms(1'000), "client-1", "pause", "stop-the-world pause for 500ms", at_ms(1'500)}};
  r.story = {"At 1s, the fault `pause` struck client-1.", "At 1.2s on client-2, `overlapping_holders` broke: x"};
  Pictures p;
  p.nodes = {{"client-1", {"client"}}, {"client-2", {"client"}}, {"redis-1", {"redis"}}};
  Timeline t{at_ms(900), at_ms(1'300), {}, 0, {}, 0};
  t.messages = {MessageArrow{1, "client-2", "redis-1", at_ms(1'100), at_ms(1'110), ""},
                MessageArrow{2, "redis-1", "client-2", at_ms(1'111), at_ms(1'120), ""},
                MessageArrow{3, "client-1", "redis-1", at_ms(950), std::nullopt, "partitioned in flight"}};
  t.events = {LaneEvent{at_ms(1'200), "client-2", "lock.granted", "epoch 2"}};
  p.timeline = t;
  p.story_moments = {{0, at_ms(1'000)}, {1, at_ms(1'200)}};
  p.intervals = {LaneInterval{"client-1", at_ms(200), at_ms(1'250), "believes it holds the lock"}};
  r.pictures = p;
  return r;
}

}  // namespace

TEST_CASE("report.html is drawn from report.json: a lane per node, an arrow per message, no script", "[reports]") {
  std::string json = run_report_json(paused_lock_run());
  std::string page = html_of_run_report(json);
  CHECK(page == html_of_run_report(json));  // one report, one page
  CHECK(page.find("data-lanes=\"3\"") != std::string::npos);
  CHECK(count_of(page, "<g class=\"lane\"") == 3);
  CHECK(count_of(page, "class=\"msg\"") == 2);       // the two delivered messages
  CHECK(count_of(page, "class=\"msg lost\"") == 1);  // and the lost one
  CHECK(count_of(page, "note story-note") >= 2);     // both sentences beside their moments
  CHECK(count_of(page, "class=\"belief\"") == 1);
  CHECK(count_of(page, "class=\"pause\"") == 2);  // on client-1's lane and in the run's strip
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("pause &lt;past&gt; the TTL") != std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("report.html of a run without pictures shows the verdicts and the story", "[reports]") {
  RunResult r = paused_lock_run();
  r.pictures.reset();
  std::string page = html_of_run_report(run_report_json(r));
  CHECK(page.find("VIOLATED: overlapping_holders") != std::string::npos);
  CHECK(page.find("space-time") == std::string::npos);
  CHECK(page.find("At 1s, the fault `pause` struck client-1.") != std::string::npos);
}

TEST_CASE("study.html has a heat-map cell per cell and check, linking to the row with its replay", "[reports]") {
  nlohmann::ordered_json study = {
      {"study", "s"}, {"file", "f.yaml"}, {"description", ""}, {"seeds_per_cell", 10},
      {"checks", {"a", "b"}}, {"latency", ""},
      {"cells",
       {{{"row", "redlock"}, {"column", "plain"}, {"faults", "pause"}, {"scenario", "cells/r--p--pause.yaml"},
         {"rates",
          {{"a", {{"runs_violated", 3}, {"runs", 10}, {"rate", 0.3}, {"interval_95", {0.1, 0.6}}}},
           {"b", nlohmann::ordered_json::object()}}},
         {"example_seed", 4}, {"reproduce", "designsim run cells/r--p--pause.yaml --seed 4"}, {"sentence", "s"}}}}};
  std::string page = study_report_html(study);
  CHECK(count_of(page, "class=\"heat-cell\"") == 1);  // b is not a check of this cell: drawn grey
  CHECK(count_of(page, "href=\"#cell-r--p--pause\"") == 1);
  CHECK(page.find("id=\"cell-r--p--pause\"") != std::string::npos);
  CHECK(page.find("designsim run cells/r--p--pause.yaml --seed 4") != std::string::npos);
  CHECK(page.find("30.0%") != std::string::npos);
  CHECK(page.find("Curves") == std::string::npos);
}

TEST_CASE("sweep.html shows each check's rate and draws the curves sweep.json has", "[reports]") {
  nlohmann::ordered_json point = {{"value", "1s"}, {"x", 1.0}, {"runs", 10}, {"runs_violated", 2}, {"rate", 0.2},
                                  {"interval_95", {{"low", 0.05}, {"high", 0.5}}}};
  nlohmann::ordered_json sweep = {
      {"scenario", {{"file", "scenarios/lock/x.yaml"}, {"name", "x"}, {"model", "lock"}}},
      {"seeds", {{"first", 1}, {"count", 10}, {"text", "1..10"}}},
      {"checks",
       {{{"name", "overlapping_holders"},
         {"runs_violated", 2},
         {"runs", 10},
         {"rate", 0.2},
         {"interval_95", {{"low", 0.05}, {"high", 0.5}}},
         {"expected_violated", true},
         {"failing_seeds", {3, 7}}}}},
      {"failing_seeds",
       {{{"seed", 3}, {"checks_violated", {"overlapping_holders"}}, {"reproduce", "designsim run x"}}}},
      {"curves",
       {{{"param", "pause.duration"},
         {"check", "overlapping_holders"},
         {"design", "redlock / plain"},
         {"points", {point, point}}}}}};
  sweep["curves"][0]["points"][1]["x"] = 2.0;
  std::string page = sweep_report_html(sweep);
  CHECK(page.find("20.00%") != std::string::npos);
  CHECK(page.find("designsim run x") != std::string::npos);
  CHECK(count_of(page, "class=\"ribbon s0\"") == 1);  // the curve's 95% band
  CHECK(count_of(page, "<polyline") == 1);
  sweep.erase("curves");
  CHECK(sweep_report_html(sweep).find("<polyline") == std::string::npos);
}
