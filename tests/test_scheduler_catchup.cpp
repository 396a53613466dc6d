// Goal: the scheduler's Quartz and Temporal missed-schedule rules do what those systems document
// (models/scheduler/cron.hpp): Quartz's misfire threshold and its four CronTrigger instructions,
// Temporal's catch-up window and its overlap policies on a backlog; the checks judge each as
// declared; unknown policy names are bad input (one message, exit 2).
#include <catch2/catch.hpp>

#include <fstream>
#include <stdexcept>

#include "models/scheduler/checks.hpp"
#include "models/scheduler/cron.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/cli_support.hpp"
#include "tests/scheduler_support.hpp"

using namespace scheduler;
using sim::Duration;

namespace {

const std::int64_t start_s = sim::default_wall_start.unix_ns() / 1'000'000'000;  // 2026-01-01T00:00:00Z

Schedule every_minute() {
  std::string error;
  return Schedule{*parse_cron("* * * * *", error), Zone{}, DstPolicy::vixie};
}

std::int64_t minute(std::int64_t m) { return start_s + m * 60; }

// Ticks 1..n of the every-minute schedule.
std::vector<Tick> ticks(std::int64_t from, std::int64_t to) {
  std::vector<Tick> out;
  for (std::int64_t m = from; m <= to; ++m) out.push_back(Tick{minute(m), minute(m)});
  return out;
}

}  // namespace

TEST_CASE("scheduler quartz: a tick within the misfire threshold fires late, a later one misfires", "[scheduler]") {
  Schedule s = every_minute();
  Duration threshold = Duration::seconds(60);
  // Last fired at minute 0; found at 1:59 (59 s late): no misfire, it just fires.
  QuartzDecision late = decide_quartz(s, minute(0), minute(1) + 59, Misfire::do_nothing, threshold);
  CHECK_FALSE(late.misfired);
  REQUIRE(late.fire.size() == 1);
  CHECK(late.fire[0].due == minute(1));
  // Exactly the threshold late is not yet later than it.
  CHECK_FALSE(decide_quartz(s, minute(0), minute(2), Misfire::do_nothing, threshold).misfired);
  // Found at 2:01, minute 1's tick is 61 s late: a misfire.
  CHECK(decide_quartz(s, minute(0), minute(2) + 1, Misfire::do_nothing, threshold).misfired);
  // A larger threshold makes the same lateness an ordinary late fire of both ticks.
  QuartzDecision patient = decide_quartz(s, minute(0), minute(2) + 1, Misfire::do_nothing, Duration::seconds(120));
  CHECK_FALSE(patient.misfired);
  CHECK(patient.fire.size() == 2);
}

TEST_CASE("scheduler quartz: after a 10-minute outage each misfire instruction does what Quartz says", "[scheduler]") {
  Schedule s = every_minute();
  Duration threshold = Duration::seconds(60);
  std::int64_t last = minute(0), now = minute(10) + 5;  // ticks 1..10 missed
  QuartzDecision smart = decide_quartz(s, last, now, Misfire::smart_policy, threshold);
  QuartzDecision once = decide_quartz(s, last, now, Misfire::fire_once_now, threshold);
  CHECK(smart.misfired);
  REQUIRE(smart.fire.size() == 1);  // SMART_POLICY is FIRE_ONCE_NOW for a CronTrigger
  CHECK(smart.fire == once.fire);
  CHECK(once.fire[0].nominal == minute(10));  // the one fire stands for the most recent tick
  CHECK_FALSE(once.processed);
  QuartzDecision nothing = decide_quartz(s, last, now, Misfire::do_nothing, threshold);
  CHECK(nothing.fire.empty());
  REQUIRE(nothing.processed);
  CHECK(*nothing.processed == now);  // the next fire is the next tick after now
  QuartzDecision ignore = decide_quartz(s, last, now, Misfire::ignore_misfire_policy, threshold);
  CHECK(ignore.fire == ticks(1, 10));  // every missed tick, at once
}

TEST_CASE("scheduler temporal: the catch-up window drops older actions, the overlap policy picks the rest",
          "[scheduler]") {
  Schedule s = every_minute();
  Duration year = Duration::seconds(365LL * 24 * 3600);
  std::int64_t last = minute(0), now = minute(5) + 5;  // actions 1..5 missed
  auto step = [&](Overlap overlap, bool running, Duration window) {
    return temporal_step(s, last, now, {}, running, overlap, window);
  };
  TemporalStep skip = step(Overlap::skip, false, year);
  CHECK(skip.start == ticks(1, 1));  // the oldest starts, the others overlap it and are dropped
  CHECK(skip.overlap_skipped == 4);
  CHECK(skip.buffer.empty());
  TemporalStep one = step(Overlap::buffer_one, false, year);
  CHECK(one.start == ticks(1, 1));
  CHECK(one.buffer == ticks(2, 2));
  CHECK(one.overlap_skipped == 3);
  TemporalStep all = step(Overlap::buffer_all, false, year);
  CHECK(all.start == ticks(1, 1));
  CHECK(all.buffer == ticks(2, 5));
  CHECK(step(Overlap::allow, false, year).start == ticks(1, 5));  // allow_all: all at once
  TemporalStep terminate = step(Overlap::replace, false, year);
  CHECK(terminate.start == ticks(5, 5));  // each later start replaces one not yet started
  CHECK_FALSE(terminate.terminate);
  TemporalStep busy = step(Overlap::replace, true, year);
  CHECK(busy.terminate);
  CHECK(busy.start.empty());
  CHECK(step(Overlap::skip, true, year).start.empty());
  // A window of 150 s: actions 1..2 (305 s and 245 s old) are dropped, 3..5 go on.
  TemporalStep windowed = step(Overlap::buffer_all, false, Duration::seconds(150));
  CHECK(windowed.dropped_window == 2);
  CHECK(windowed.start == ticks(3, 3));
  CHECK(windowed.buffer == ticks(4, 5));
  // The store keeps the buffer as text, and gives it back whole.
  CHECK(ticks_from_text(ticks_text(all.buffer)) == all.buffer);
  CHECK(ticks_from_text("").empty());
}

TEST_CASE("scheduler checks: do_nothing's dropped ticks are missed fires, fire_once_now's are skipped", "[scheduler]") {
  Observations o;
  o.scheduler_names = {"sched-1"};
  o.schedules = {"* * * * *"};
  o.run_end = sim::Instant::zero() + Duration::seconds(600);
  o.liveness_bound = Duration::seconds(30);
  o.missed_policy = MissedPolicy::quartz;
  auto fire = [](std::int64_t m) {
    return FireRecord{0, minute(m), sim::Instant::zero() + Duration::seconds(m * 60 + 1), 0, true, 0};
  };
  o.fires = {fire(1), fire(6), fire(7), fire(8), fire(9)};  // ticks 2..5 missed in an outage
  o.misfire = Misfire::do_nothing;
  o.most_recent_only = false;
  sim::CheckResult dropped = missed_fire(o);
  CHECK_FALSE(dropped.held);
  CHECK_THAT(dropped.summary, Catch::Contains("4 ticks missed"));
  REQUIRE(dropped.first);
  CHECK_THAT(dropped.first->what, Catch::Contains("do_nothing"));
  o.misfire = Misfire::fire_once_now;
  o.most_recent_only = true;  // as the model declares it for fire_once_now
  CHECK(missed_fire(o).held);
}

TEST_CASE("scheduler options: unknown policy names and misplaced policy keys are refused at their key", "[scheduler]") {
  auto fails_with = [](const std::string& params, const std::string& message) {
    std::string design = params.find("design:") == std::string::npos ? "  design: fixed\n" : "";
    scheduler_support::refused(design + params, message);
  };
  fails_with("  missed_policy: quartz\n  misfire: fire_now\n", "misfire");
  fails_with("  missed_policy: temporal\n  overlap: buffer_some\n", "overlap");
  fails_with("  missed_policy: sometimes\n", "missed_policy");
  fails_with("  missed_policy: v2\n  misfire: do_nothing\n", "applies only with missed_policy: quartz");
  fails_with("  missed_policy: quartz\n  catchup_window: 1h\n", "applies only with missed_policy: temporal");
  fails_with("  missed_policy: temporal\n  catchup_window: 5s\n", "catchup_window");
  fails_with("  overlap: buffer_all\n", "Temporal's: use missed_policy: temporal");
  fails_with("  missed_policy: temporal\n  overlap: forbid\n", "skip");
  fails_with("  delay_queue: postgres\n  overlap: cancel_other\n", "Temporal's: use missed_policy: temporal");
  fails_with("  missed_policy: quartz\n  starting_deadline: 200s\n", "misfire_threshold");
  fails_with("  design: seed\n  missed_policy: temporal\n", "use design: fixed");
}

TEST_CASE("scheduler: an unknown misfire instruction is bad input: one message, exit 2, no report", "[scheduler]") {
  namespace fs = std::filesystem;
  fs::path dir = test_support::scratch("scheduler", "misfire");
  fs::path file = dir / "bad.yaml";
  std::ofstream(file) << "name: bad\nmodel: scheduler\nduration: 60s\nparams:\n  design: fixed\n"
                         "  cron: ['* * * * *']\n  missed_policy: quartz\n  misfire: fire_now\n";
  test_support::Outcome o = test_support::designsim("run " + file.string() + " --out " + (dir / "out").string());
  INFO(o.out);
  CHECK(o.status == 2);
  CHECK(o.out.find(file.string() + ":8:") != std::string::npos);
  CHECK(o.out.find("fire_once_now") != std::string::npos);  // the message lists what is allowed
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("a scheduler run under quartz or temporal rules: one seed gives one trace, another seed another",
          "[scheduler]") {
  for (const char* policy :
       {"missed_policy: quartz\n  misfire: fire_once_now\n", "missed_policy: temporal\n  overlap: buffer_one\n"}) {
    const std::string text = std::string("name: t\nmodel: scheduler\nduration: 400s\n") +
                             "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
                             "faults:\n  - at: 30s\n    crash: { node: sched-1, restart_after: 150s }\n"
                             "params:\n  design: fixed\n  schedulers: 1\n  tasks: 0\n  delay_queue: sqs\n"
                             "  cron: ['* * * * *']\n  work: { dist: uniform, min: 20s, max: 70s }\n  " +
                             policy;
    INFO(text);
    auto hash_of = [&](std::uint64_t seed) {
      return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result.trace_hash;
    };
    REQUIRE(hash_of(7) == hash_of(7));
    REQUIRE(hash_of(7) != hash_of(8));
  }
}
