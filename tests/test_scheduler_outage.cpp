// Goal: the shipped outage scenarios for Quartz's and Temporal's missed-schedule rules show what
// their expect: blocks say, in the detail the checks report: do_nothing drops the day's only run,
// a catch-up window loses actions under buffer_all, ignore_misfire_policy piles runs up at once,
// buffer_all runs them in turn, skip drops all but the oldest; a deposed leader's fire under a
// stale token is refused where the seed's store write takes it twice; a leader's crash between its
// fire record and its push no longer loses the tick.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/run/run.hpp"
#include "tests/scheduler_support.hpp"

namespace {

using scheduler_support::check_of;
using scheduler_support::run_shipped;

std::string detail(const sim::CheckResult& check, const std::string& key) {
  for (const auto& [k, v] : check.details)
    if (k == key) return v;
  return "";
}

}  // namespace

TEST_CASE("scheduler fixed-quartz-do-nothing: do_nothing silently drops the day's only run", "[scheduler]") {
  sim::RunResult result = run_shipped("fixed-quartz-do-nothing");
  const sim::CheckResult& missed = check_of(result, "missed_fire");
  CHECK_FALSE(missed.held);
  CHECK(detail(missed, "missed") == "1");
  CHECK(detail(missed, "quartz misfires") == "1");
  REQUIRE(missed.first);
  CHECK_THAT(missed.first->what, Catch::Contains("tick 300s") && Catch::Contains("do_nothing"));
  CHECK_THAT(check_of(result, "fire_lateness").summary, Catch::Contains("no fires"));
}

TEST_CASE("scheduler fixed-temporal-catchup-window: actions older than the window are lost under buffer_all",
          "[scheduler]") {
  sim::RunResult result = run_shipped("fixed-temporal-catchup-window");
  const sim::CheckResult& missed = check_of(result, "missed_fire");
  CHECK_FALSE(missed.held);
  CHECK(detail(missed, "missed") == detail(missed, "past the catch-up window"));
  CHECK(std::stoi(detail(missed, "missed")) >= 4);
}

TEST_CASE("scheduler: after an outage ignore_misfire_policy piles runs up at once, buffer_all runs them in turn",
          "[scheduler]") {
  sim::RunResult ignore = run_shipped("fixed-quartz-ignore-misfires");
  CHECK(std::stoi(detail(check_of(ignore, "overlap"), "overlapping pairs")) >= 10);
  CHECK(check_of(ignore, "missed_fire").held);
  sim::RunResult buffered = run_shipped("fixed-temporal-buffer-all");
  CHECK(detail(check_of(buffered, "overlap"), "overlapping pairs") == "0");
  CHECK(check_of(buffered, "missed_fire").held);
  CHECK(detail(check_of(buffered, "missed_fire"), "skipped by policy") == "0");
  sim::RunResult skip = run_shipped("fixed-temporal-skip");
  CHECK(detail(check_of(skip, "missed_fire"), "skipped by the overlap policy") == "9");
}

TEST_CASE("scheduler fixed-leader-stale-token: the store refuses a deposed leader's fire for its token (without a "
          "token, for its key); the seed's store write takes it and the tick fires twice",
          "[scheduler]") {
  sim::Scenario scenario = scheduler_support::shipped("fixed-leader-stale-token");
  sim::RunOutput fixed = scheduler_support::traced(scenario);
  CHECK(fixed.result.expectations_met);
  CHECK(check_of(fixed.result, "duplicate_fire").held);
  std::vector<std::string> refusals;
  for (const sim::TraceRecord& r : fixed.trace)
    if (r.kind == "scheduler.fire_refused") refusals.push_back(fixed.node_names.at(r.node) + ": " + r.detail);
  REQUIRE(refusals.size() == 1);
  CHECK_THAT(refusals[0], Catch::StartsWith("sched-1: cron-1 tick") && Catch::Contains("fencing token"));
  // Without a token (client-go's lease) the fire record's key refuses the same fire instead.
  sim::Scenario untokened = scenario;
  untokened.params["election"] = "client_go";
  sim::RunOutput keyed = scheduler_support::traced(untokened);
  CHECK(check_of(keyed.result, "duplicate_fire").held);
  int already = 0;
  for (const sim::TraceRecord& r : keyed.trace)
    if (r.kind == "scheduler.fire_refused" && r.detail.find("already fired") != std::string::npos) ++already;
  CHECK(already == 1);
  // The same faults on the seed's design: no fire record, lastScheduleTime written without a token.
  scenario.params["design"] = "seed";
  scenario.params["missed_policy"] = "all";
  scenario.params.remove("misfire");
  sim::RunResult seed = sim::run_scenario(scenario, scenario.seed).result;
  CHECK_FALSE(check_of(seed, "duplicate_fire").held);
}

TEST_CASE("scheduler fixed-fire-crash: a leader crash between the fire record and the push delays the tick, and "
          "loses it no more",
          "[scheduler]") {
  sim::Scenario scenario = scheduler_support::shipped("fixed-fire-crash");
  sim::RunOutput run = scheduler_support::traced(scenario);
  CHECK(run.result.expectations_met);
  int handed = 0;
  for (const sim::TraceRecord& r : run.trace)
    if (r.kind == "scheduler.outbox") {
      ++handed;
      CHECK(run.node_names.at(r.node) == "sched-2");
      CHECK(r.time >= sim::Instant::zero() + sim::Duration::seconds(120));  // once the 60 s push lease ended
    }
  CHECK(handed == 1);
}
