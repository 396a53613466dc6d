// Goal: the task scheduler's pieces do what reference section 2 says, on their own (the SQS-like
// queue has tests/test_scheduler_sqs.cpp): cron parsing and the two
// Kubernetes controllers' missed-tick rules; the sinks' verdicts; every checker on hand-made
// histories (each able to fail); option errors; one seed giving one trace; and the fixed move
// taking each due task once.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <set>

#include "models/scheduler/checks.hpp"
#include "models/scheduler/cron.hpp"
#include "models/scheduler/nodes.hpp"
#include "models/scheduler/zone.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/scheduler_support.hpp"

using namespace scheduler;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + Duration::seconds(s); }
const std::int64_t start_s = sim::default_wall_start.unix_ns() / 1'000'000'000;  // 2026-01-01T00:00:00Z

Observations history() {
  Observations o;
  o.worker_names = {"worker-1", "worker-2"};
  o.scheduler_names = {"sched-1", "sched-2"};
  o.run_end = at_s(1000);
  o.liveness_bound = Duration::seconds(60);
  return o;
}

AttemptRecord attempt(std::uint64_t id, const std::string& task, int worker, int receives, std::int64_t from,
                      std::int64_t to, const std::string& outcome) {
  AttemptRecord a;
  a.id = id;
  a.task = task;
  a.worker = worker;
  a.receives = receives;
  a.started = at_s(from);
  a.ended = at_s(to);
  a.outcome = outcome;
  return a;
}

Cron cron_of(const std::string& text) {
  std::string error;
  std::optional<Cron> cron = parse_cron(text, error);
  INFO(error);
  REQUIRE(cron);
  return *cron;
}

}  // namespace

TEST_CASE("cron expressions parse with Vixie cron's field syntax and refuse bad fields", "[scheduler]") {
  Cron every_quarter = cron_of("*/15 * * * *");
  CHECK(every_quarter.next_after(start_s) == start_s + 15 * 60);
  CHECK(every_quarter.next_after(start_s + 15 * 60) == start_s + 30 * 60);
  Cron monthly = cron_of("0 0 1 * *");
  CHECK(monthly.next_after(start_s) == start_s + 31 * 86'400);  // 2026-02-01
  // 2026-01-01 is a Thursday: "0 12 * * 1" is Monday 2026-01-05 at noon.
  CHECK(cron_of("0 12 * * 1").next_after(start_s) == start_s + 4 * 86'400 + 12 * 3600);
  // Both day fields restricted: either matches (the 3rd, a Saturday, comes before Monday the 5th).
  CHECK(cron_of("0 0 3 * 1").next_after(start_s) == start_s + 2 * 86'400);
  CHECK(cron_of("30 2 * * 7").next_after(start_s) == start_s + 3 * 86'400 + 2 * 3600 + 30 * 60);  // Sunday
  std::string error;
  CHECK_FALSE(parse_cron("* * * *", error));
  CHECK_THAT(error, Catch::Contains("expected five fields"));
  CHECK_FALSE(parse_cron("61 * * * *", error));
  CHECK_THAT(error, Catch::Contains("bad minute field '61'"));
  CHECK_FALSE(parse_cron("* * * 1-13 *", error));
  CHECK_THAT(error, Catch::Contains("month"));
}

TEST_CASE("the legacy controller starts nothing past 100 missed ticks, v2 starts the most recent", "[scheduler]") {
  // Kubernetes' documented case: every minute, the controller down from 08:29 to 10:21.
  Cron every_minute = cron_of("* * * * *");
  std::int64_t last = start_s + 8 * 3600 + 29 * 60;
  std::int64_t now = start_s + 10 * 3600 + 22 * 60;
  Schedule utc{every_minute, Zone{}, DstPolicy::vixie};
  CronDecision legacy = decide(utc, last, now, MissedPolicy::legacy, std::nullopt);
  CHECK(legacy.too_many);
  CHECK_FALSE(legacy.fire);
  CronDecision v2 = decide(utc, last, now, MissedPolicy::v2, std::nullopt);
  CHECK(v2.too_many);
  REQUIRE(v2.fire);
  CHECK(v2.fire->due == now);
  // startingDeadlineSeconds: 200 counts only the last 200 s: the legacy controller starts at 10:22.
  CronDecision deadline = decide(utc, last, now, MissedPolicy::legacy, Duration::seconds(200));
  CHECK_FALSE(deadline.too_many);
  REQUIRE(deadline.fire);
  CHECK(deadline.fire->due == now);
  // A tick older than the deadline is not started.
  CronDecision late = decide(Schedule{cron_of("0 * * * *"), Zone{}, DstPolicy::vixie}, last, now, MissedPolicy::v2,
                             Duration::seconds(200));
  CHECK_FALSE(late.fire);
}

// 2026-03-08 is the 67th day of 2026 and 2026-11-01 the 305th; both are Sundays.
const std::int64_t mar8_s = start_s + 66 * 86'400;
const std::int64_t nov1_s = start_s + 304 * 86'400;

TEST_CASE("the model's zones: the US and EU daylight-saving rules of 2026, gaps and repeated hours", "[scheduler]") {
  Zone ny = *find_zone("America/New_York");
  REQUIRE(ny.changes(2026));
  CHECK(ny.changes(2026)->first == mar8_s + 7 * 3600);   // 02:00 EST = 07:00 UTC
  CHECK(ny.changes(2026)->second == nov1_s + 6 * 3600);  // 02:00 EDT = 06:00 UTC
  CHECK(ny.offset_at(mar8_s + 7 * 3600 - 1) == -5 * 3600);
  CHECK(ny.offset_at(mar8_s + 7 * 3600) == -4 * 3600);
  // Local 02:30 on 03-08 never happens; the change is the first instant after it.
  CHECK(ny.instants_of(mar8_s + 2 * 3600 + 1800).empty());
  CHECK(ny.gap_end(mar8_s + 2 * 3600 + 1800) == mar8_s + 7 * 3600);
  CHECK(ny.instants_of(mar8_s + 3600 + 1800) == std::vector<std::int64_t>{mar8_s + 6 * 3600 + 1800});
  // Local 01:30 on 11-01 happens twice: 05:30 UTC (EDT) and 06:30 UTC (EST).
  CHECK(ny.instants_of(nov1_s + 3600 + 1800) ==
        std::vector<std::int64_t>{nov1_s + 5 * 3600 + 1800, nov1_s + 6 * 3600 + 1800});
  Zone london = *find_zone("Europe/London");
  // The last Sundays of March and October 2026 are the 29th and the 25th; both changes at 01:00 UTC.
  CHECK(london.changes(2026)->first == mar8_s + 21 * 86'400 + 3600);
  CHECK(london.changes(2026)->second == nov1_s - 7 * 86'400 + 3600);
  CHECK_FALSE(find_zone("Mars/Olympus_Mons"));
  // Helsinki changes with the EU at 01:00 UTC, 03:00 its local standard time; Toronto with the US.
  Zone helsinki = *find_zone("Europe/Helsinki");
  CHECK(helsinki.changes(2026) == london.changes(2026));
  CHECK(helsinki.offset_at(mar8_s + 21 * 86'400 + 3600) == 3 * 3600);
  CHECK(find_zone("America/Toronto")->changes(2026) == ny.changes(2026));
  // Half-hour offsets and zones without daylight time: no gap, no repeat, all year.
  Zone kolkata = *find_zone("Asia/Kolkata");
  CHECK_FALSE(kolkata.changes(2026));
  CHECK(kolkata.offset_at(mar8_s) == 5 * 3600 + 1800);
  CHECK(kolkata.offset_at(nov1_s + 120 * 86'400) == 5 * 3600 + 1800);
  CHECK(kolkata.instants_of(mar8_s + 2 * 3600 + 1800) == std::vector<std::int64_t>{mar8_s - 3 * 3600});
  CHECK(find_zone("America/Phoenix")->offset_at(mar8_s + 90 * 86'400) == -7 * 3600);
  CHECK_FALSE(find_zone("Europe/Moscow"));  // its rules changed in 2011 and 2014
  CHECK(parse_utc("2026-03-08T05:00:00Z") == mar8_s + 5 * 3600);
  CHECK_FALSE(parse_utc("2026-02-30T05:00:00Z"));
  CHECK_FALSE(parse_utc("2026-03-08 05:00:00"));
}

TEST_CASE("the southern zones: Sydney's and Auckland's daylight time across the new year, and their 2008 rules",
          "[scheduler]") {
  auto utc = [](const char* text) {
    std::optional<std::int64_t> s = parse_utc(text);
    REQUIRE(s);
    return *s;
  };
  Zone sydney = *find_zone("Australia/Sydney");
  REQUIRE(sydney.changes(2026));
  CHECK(sydney.changes(2026)->first == utc("2026-10-03T16:00:00Z"));   // 10-04 02:00 AEST, the first Sunday
  CHECK(sydney.changes(2026)->second == utc("2026-04-04T16:00:00Z"));  // 04-05 03:00 AEDT, the first Sunday
  CHECK(sydney.offset_at(utc("2026-04-04T15:59:59Z")) == 11 * 3600);
  CHECK(sydney.offset_at(utc("2026-04-04T16:00:00Z")) == 10 * 3600);
  CHECK(sydney.offset_at(utc("2026-10-03T15:59:59Z")) == 10 * 3600);
  CHECK(sydney.offset_at(utc("2026-10-03T16:00:00Z")) == 11 * 3600);
  CHECK(sydney.offset_at(utc("2026-12-31T14:00:00Z")) == 11 * 3600);  // New Year's Day, local: summer
  CHECK(sydney.offset_at(utc("2026-07-01T00:00:00Z")) == 10 * 3600);
  std::int64_t gap = utc("2026-10-04T02:30:00Z");  // local 02:30 on the spring change: skipped
  CHECK(sydney.instants_of(gap).empty());
  CHECK(sydney.gap_end(gap) == utc("2026-10-03T16:00:00Z"));
  CHECK(sydney.instants_of(utc("2026-04-05T02:30:00Z")) ==
        std::vector<std::int64_t>{utc("2026-04-04T15:30:00Z"), utc("2026-04-04T16:30:00Z")});  // twice
  // The rule of 2008: up to 2007 from the last Sunday in October to the last Sunday in March.
  CHECK(sydney.changes(2007)->second == utc("2007-03-24T16:00:00Z"));
  CHECK(sydney.changes(2007)->first == utc("2007-10-27T16:00:00Z"));
  CHECK(sydney.changes(2008)->second == utc("2008-04-05T16:00:00Z"));
  CHECK(sydney.offset_at(utc("2008-03-31T00:00:00Z")) == 11 * 3600);  // summer time a week longer than 2007's
  CHECK(sydney.offset_at(utc("2007-03-31T00:00:00Z")) == 10 * 3600);
  CHECK(sydney.changes(2008)->first == utc("2008-10-04T16:00:00Z"));
  Zone auckland = *find_zone("Pacific/Auckland");
  CHECK(auckland.changes(2026)->first == utc("2026-09-26T14:00:00Z"));   // 09-27 02:00 NZST, the last Sunday
  CHECK(auckland.changes(2026)->second == utc("2026-04-04T14:00:00Z"));  // 04-05 03:00 NZDT
  CHECK(auckland.offset_at(utc("2026-01-15T00:00:00Z")) == 13 * 3600);
  CHECK(auckland.offset_at(utc("2026-06-15T00:00:00Z")) == 12 * 3600);
  CHECK(auckland.changes(2007)->second == utc("2007-03-17T14:00:00Z"));  // 2007: the third Sunday in March
  CHECK(auckland.changes(2007)->first == utc("2007-09-29T14:00:00Z"));   // the first year of September
  CHECK(auckland.changes(2008)->second == utc("2008-04-05T14:00:00Z"));
  CHECK_FALSE(find_zone("Australia/Brisbane")->changes(2026));  // Queensland: no daylight time
  // Vixie cron's rules hold there too: the skipped 02:30 runs at the change, the repeated one once.
  Schedule vixie{cron_of("30 2 * * *"), sydney, DstPolicy::vixie};
  Schedule kube{cron_of("30 2 * * *"), sydney, DstPolicy::kubernetes};
  CHECK(vixie.next_after(utc("2026-10-03T12:00:00Z"))->due == utc("2026-10-03T16:00:00Z"));
  CHECK(kube.next_after(utc("2026-10-03T12:00:00Z"))->due == utc("2026-10-04T15:30:00Z"));  // 10-05 02:30 AEDT
  std::optional<Tick> autumn = vixie.next_after(utc("2026-04-04T12:00:00Z"));
  REQUIRE(autumn);
  CHECK(autumn->due == utc("2026-04-04T15:30:00Z"));
  CHECK(vixie.next_after(autumn->due)->due == utc("2026-04-05T16:30:00Z"));  // the next day, not 16:30 again
  CHECK(kube.next_after(kube.next_after(utc("2026-04-04T12:00:00Z"))->due)->due == utc("2026-04-04T16:30:00Z"));
}

TEST_CASE("cron across daylight-saving changes: Vixie cron's rules against robfig/cron's", "[scheduler]") {
  Zone ny = *find_zone("America/New_York");
  Schedule vixie{cron_of("30 2 * * *"), ny, DstPolicy::vixie};
  Schedule kube{cron_of("30 2 * * *"), ny, DstPolicy::kubernetes};
  // Spring: the skipped 02:30 runs at the change under Vixie's rules, and never under robfig's.
  std::optional<Tick> v = vixie.next_after(mar8_s);
  REQUIRE(v);
  CHECK(v->nominal == mar8_s + 2 * 3600 + 1800);
  CHECK(v->due == mar8_s + 7 * 3600);
  std::optional<Tick> k = kube.next_after(mar8_s);
  REQUIRE(k);
  CHECK(k->due == mar8_s + 86'400 + 6 * 3600 + 1800);  // 03-09 02:30 EDT
  // Autumn: 01:30 runs once under Vixie's rules, twice (same nominal time) under robfig's.
  Schedule vixie_fall{cron_of("30 1 * * *"), ny, DstPolicy::vixie};
  Schedule kube_fall{cron_of("30 1 * * *"), ny, DstPolicy::kubernetes};
  std::optional<Tick> first = vixie_fall.next_after(nov1_s);
  REQUIRE(first);
  CHECK(first->due == nov1_s + 5 * 3600 + 1800);
  CHECK(vixie_fall.next_after(first->due)->due == nov1_s + 86'400 + 6 * 3600 + 1800);
  std::optional<Tick> again = kube_fall.next_after(kube_fall.next_after(nov1_s)->due);
  REQUIRE(again);
  CHECK(again->due == nov1_s + 6 * 3600 + 1800);
  CHECK(again->nominal == nov1_s + 3600 + 1800);
  // A job with `*` in its hour field follows real hours under both: 01:00 EDT, then 01:00 EST.
  Schedule hourly{cron_of("0 * * * *"), ny, DstPolicy::vixie};
  std::optional<Tick> one = hourly.next_after(nov1_s + 5 * 3600 - 1);
  REQUIRE(one);
  CHECK(one->due == nov1_s + 5 * 3600);
  CHECK(hourly.next_after(one->due)->due == nov1_s + 6 * 3600);
  CHECK(hourly.next_after(mar8_s + 6 * 3600)->due == mar8_s + 7 * 3600);  // 01:00 EST, then 03:00 EDT
}

TEST_CASE("two fixed times in one skipped hour both run at the change under Vixie cron's rules", "[scheduler]") {
  // cron walks the skipped minutes one by one and runs each one's fixed-time jobs at once, so
  // `0,30 2` runs twice at 03:00 EDT: two ticks due together, named 02:00 and 02:30.
  Zone ny = *find_zone("America/New_York");
  Schedule twice{cron_of("0,30 2 * * *"), ny, DstPolicy::vixie};
  std::optional<Tick> first = twice.next_after(mar8_s);
  REQUIRE(first);
  CHECK(first->nominal == mar8_s + 2 * 3600);
  CHECK(first->due == mar8_s + 7 * 3600);
  std::optional<Tick> second = twice.next_after(*first);
  REQUIRE(second);
  CHECK(second->nominal == mar8_s + 2 * 3600 + 1800);
  CHECK(second->due == first->due);
  std::optional<Tick> next_day = twice.next_after(*second);
  REQUIRE(next_day);
  CHECK(next_day->nominal == mar8_s + 86'400 + 2 * 3600);
  CHECK(twice.next_after(first->due) == next_day);  // strictly after a due time: past both
  // Kubernetes' controller counts both as due (and starts the most recent, as ever); Quartz,
  // ignoring misfires, fires both.
  CronDecision both = decide(twice, mar8_s, mar8_s + 7 * 3600 + 5, MissedPolicy::v2, std::nullopt);
  CHECK(both.unmet == 2);
  REQUIRE(both.fire);
  CHECK(both.fire->nominal == second->nominal);
  QuartzDecision quartz = decide_quartz(twice, mar8_s, mar8_s + 7 * 3600 + 5, Misfire::ignore_misfire_policy,
                                        sim::Duration::seconds(60));
  CHECK(quartz.fire == std::vector<Tick>{*first, *second});
}

TEST_CASE("scheduler checks judge zoned ticks by their local names: a skipped 02:30, a doubled 01:30", "[scheduler]") {
  Observations o = history();
  o.zone = *find_zone("America/New_York");
  o.schedules = {"30 2 * * *"};
  o.wall_start_s = mar8_s + 5 * 3600;
  o.run_end = at_s(3 * 3600);
  o.liveness_bound = Duration::seconds(30);
  std::int64_t two_thirty = mar8_s + 2 * 3600 + 1800;
  CHECK_FALSE(missed_fire(o).held);
  CHECK_THAT(missed_fire(o).first->what, Catch::Contains("2026-03-08 02:30 America/New_York"));
  o.fires = {FireRecord{0, two_thirty, at_s(2 * 3600 + 10), 0, true, 0}};  // 10 s after the change
  CHECK(missed_fire(o).held);
  CHECK(early_fire(o).held);
  CHECK_THAT(fire_lateness(o).summary, Catch::Contains("max 10s"));
  o.fires[0].at = at_s(2 * 3600 - 10);
  CHECK_FALSE(early_fire(o).held);
  o.schedules = {"30 1 * * *"};
  o.wall_start_s = nov1_s + 4 * 3600;
  o.run_end = at_s(4 * 3600);
  std::int64_t one_thirty = nov1_s + 3600 + 1800;
  o.fires = {FireRecord{0, one_thirty, at_s(5400), 0, true, 0}};
  CHECK(duplicate_fire(o).held);
  CHECK(missed_fire(o).held);
  o.fires.push_back(FireRecord{0, one_thirty, at_s(9000), 0, true, 0});  // 01:30 EST
  CHECK_FALSE(duplicate_fire(o).held);
}

TEST_CASE("the overlap check holds each declared policy to its promise", "[scheduler]") {
  Observations o = history();
  // Two runs of schedule 1 (ticks at 60 s and 120 s) overlap from 121 s to 150 s.
  o.attempts = {attempt(1, "cron-1@1767225660", 0, 1, 61, 150, "succeeded"),
                attempt(2, "cron-1@1767225720", 1, 1, 121, 211, "succeeded"),
                attempt(3, "cron-2@1767225720", 0, 1, 151, 160, "succeeded")};
  o.overlap = Overlap::allow;
  CHECK(overlap(o).held);
  CHECK_THAT(overlap(o).summary, Catch::Contains("1 pair of runs of one schedule overlapped, 29s in all"));
  o.overlap = Overlap::forbid;
  CHECK_FALSE(overlap(o).held);
  o.overlap = Overlap::replace;
  CHECK_FALSE(overlap(o).held);  // the replaced run landed its effect at 150 s, after 121 s
  o.attempts[0].outcome = "cancelled";
  CHECK(overlap(o).held);
  o.overlap = Overlap::forbid;
  o.attempts[1].started = at_s(150);
  CHECK(overlap(o).held);  // back to back is no overlap
}

TEST_CASE("retry_budget: attempts past the budget, retries before the declared backoff", "[scheduler]") {
  Observations o = history();
  o.max_attempts = 2;
  o.backoff_base = Duration::seconds(60);
  o.attempts = {attempt(1, "task-1", 0, 1, 10, 11, "transient"), attempt(2, "task-1", 1, 2, 71, 72, "succeeded")};
  CHECK(retry_budget(o).held);  // 60 s after the first failure
  o.attempts[1].started = at_s(40);
  CHECK_FALSE(retry_budget(o).held);
  CHECK_THAT(retry_budget(o).summary, Catch::Contains("1 retry sooner"));
  o.attempts[1].started = at_s(71);
  o.attempts.push_back(attempt(3, "task-1", 0, 3, 300, 301, "succeeded"));
  CHECK_FALSE(retry_budget(o).held);  // a third attempt of a budget of two
  o.max_attempts = 0;
  CHECK(retry_budget(o).held);
}

TEST_CASE("the task table's checks: a COMPLETED task run again, a lost retry_count increment, the retry wave",
          "[scheduler]") {
  Observations o = history();
  o.task_table = true;
  o.attempts = {attempt(1, "task-1", 0, 1, 10, 11, "succeeded")};
  o.task_writes = {TaskWrite{"task-1", at_s(11), "COMPLETED", 0, 0, true, at_s(11)}};
  CHECK_THAT(duplicate_execution(o).summary, Catch::Contains("0 tasks run again after the task table said COMPLETED"));
  o.attempts.push_back(attempt(2, "task-1", 1, 2, 311, 312, "succeeded"));
  CHECK_THAT(duplicate_execution(o).summary, Catch::Contains("1 task run again after the task table said COMPLETED"));
  CHECK(duplicate_execution(o).held);  // reported, never failed
  // Two failures of one copy (retry_count 0) each write 1: the second write's increment is lost.
  o.attempts.clear();
  o.task_writes = {TaskWrite{"task-2", at_s(20), "PENDING", 0, 1, true, at_s(80)},
                   TaskWrite{"task-3", at_s(20), "PENDING", 0, 1, true, at_s(80)}};
  CHECK(retry_budget(o).held);
  CHECK_THAT(retry_budget(o).summary, Catch::Contains("largest retry wave 2 due within 100ms"));
  o.task_writes.push_back(TaskWrite{"task-2", at_s(25), "PENDING", 1, 1, true, at_s(85)});
  CHECK_FALSE(retry_budget(o).held);
  CHECK_THAT(retry_budget(o).summary, Catch::Contains("1 retry_count increment lost"));
  o.task_writes.back().accepted = false;  // a fenced write the store refused changes nothing
  CHECK(retry_budget(o).held);
}

TEST_CASE("fire_lateness breaks only past a declared starting deadline", "[scheduler]") {
  Observations o = history();
  o.schedules = {"* * * * *"};
  o.fires = {FireRecord{0, start_s + 60, at_s(400), 0, true, 0}};  // 340 s late
  CHECK(fire_lateness(o).held);
  o.starting_deadline = Duration::seconds(200);
  CHECK_FALSE(fire_lateness(o).held);
  o.fires[0].at = at_s(261);  // 201 s: within the 2 s allowance
  CHECK(fire_lateness(o).held);
}

TEST_CASE("sinks: plain applies every write, idempotent the first, fenced a newer token over an older", "[scheduler]") {
  SinkState plain, idempotent, fenced;
  CHECK(sink_verdict(Sink::plain, plain, "t", 1) == "applied");
  CHECK(sink_verdict(Sink::plain, plain, "t", 1) == "applied");
  CHECK(sink_verdict(Sink::idempotent, idempotent, "t", 1) == "applied");
  CHECK(sink_verdict(Sink::idempotent, idempotent, "t", 2) == "deduplicated");
  CHECK(sink_verdict(Sink::fenced, fenced, "t", 2) == "applied");
  CHECK(sink_verdict(Sink::fenced, fenced, "t", 1) == "refused");
  CHECK(sink_verdict(Sink::fenced, fenced, "t", 3) == "replaced");
}

TEST_CASE("scheduler checks: overlap, duplicate effects and stale acks on a hand-made history", "[scheduler]") {
  Observations o = history();
  o.attempts = {attempt(1, "task-1", 0, 1, 0, 400, "succeeded"), attempt(2, "task-1", 1, 2, 300, 500, "succeeded")};
  CHECK_FALSE(concurrent_execution(o).held);
  CHECK_THAT(concurrent_execution(o).summary, Catch::Contains("100s in all"));
  o.attempts[1].started = at_s(400);
  CHECK(concurrent_execution(o).held);
  o.effects = {EffectRecord{"task-1", 1, at_s(400), "applied"}, EffectRecord{"task-1", 2, at_s(500), "deduplicated"}};
  CHECK(duplicate_side_effect(o).held);
  o.effects[1].verdict = "applied";
  CHECK_FALSE(duplicate_side_effect(o).held);
  o.acks = {AckRecord{"task-1", 1, at_s(401), true, false}};
  CHECK(stale_ack(o).held);
  o.acks[0].stale = true;
  CHECK_FALSE(stale_ack(o).held);
  CHECK(duplicate_execution(o).held);  // reported only
  CHECK_THAT(duplicate_execution(o).summary, Catch::Contains("1 task"));
}

TEST_CASE("scheduler checks: lost tasks, dead letters and liveness", "[scheduler]") {
  Observations o = history();
  o.submissions = {Submission{"task-1", at_s(1), at_s(10)}};
  o.finals = {FinalRecord{"task-1", at_s(20), false, false}};
  CHECK_FALSE(lost_task(o).held);  // FAILED after transient errors only
  o.finals[0].permanent = true;
  CHECK(lost_task(o).held);
  o.finals.clear();
  o.attempts = {attempt(1, "task-1", 0, 1, 10, 11, "succeeded")};
  CHECK(lost_task(o).held);
  o.dead_letters = {{"task-1", 3}};
  CHECK_FALSE(dlq_correct(o, 3).held);  // it had succeeded
  o.attempts[0].outcome = "transient";
  CHECK(dlq_correct(o, 3).held);
  CHECK_FALSE(dlq_correct(o, 4).held);  // too few receives
  sim::FaultActivity faults{at_s(100), false};
  o.attempts = {attempt(1, "task-1", 0, 1, 150, 151, "succeeded")};
  CHECK(liveness(o, faults).held);  // due since 100 s, started at 150 s: within 60 s
  o.attempts[0].started = at_s(170);
  CHECK_FALSE(liveness(o, faults).held);
}

TEST_CASE("scheduler checks: duplicate, missed and early fires, and the deposed leader's actions", "[scheduler]") {
  Observations o = history();
  o.schedules = {"* * * * *"};
  o.run_end = at_s(240);
  o.liveness_bound = Duration::seconds(30);
  auto fire = [](std::int64_t minute, std::int64_t at, int node) {
    return FireRecord{0, start_s + minute * 60, at_s(at), node, true, 0};
  };
  o.fires = {fire(1, 61, 0), fire(2, 121, 0), fire(3, 181, 0)};
  CHECK(duplicate_fire(o).held);
  CHECK(missed_fire(o).held);
  CHECK(early_fire(o).held);
  CHECK_THAT(fire_lateness(o).summary, Catch::Contains("max 1s"));
  o.fires.push_back(fire(2, 130, 1));
  CHECK_FALSE(duplicate_fire(o).held);
  o.fires = {fire(1, 61, 0), fire(3, 181, 0)};
  CHECK_FALSE(missed_fire(o).held);  // every tick must fire under the seed's loop
  o.most_recent_only = true;
  CHECK(missed_fire(o).held);  // a catch-up fire of 3 skipped 2 by policy
  o.fires = {fire(1, 61, 0), fire(3, 170, 0)};
  CHECK_FALSE(early_fire(o).held);
  o.beliefs = {BeliefRecord{0, at_s(0), at_s(200)}, BeliefRecord{1, at_s(150), std::nullopt}};
  CHECK_FALSE(two_leaders(o).held);
  CHECK_THAT(two_leaders(o).summary, Catch::Contains("50s; the deposed one's 1 action"));  // sched-1's fire at 170 s
  o.fires[1].at = at_s(140);
  CHECK_THAT(two_leaders(o).summary, Catch::Contains("0 actions"));
  o.beliefs[0].to = at_s(150);
  CHECK(two_leaders(o).held);
}

namespace {

// Twenty clean ticks (two every-minute schedules for ten minutes: fired, run once, acked), and
// schedule 2's tick at 4 minutes run twice.
Observations clean_ticks() {
  Observations o = history();
  o.schedules = {"* * * * *", "* * * * *"};
  o.run_end = at_s(900);
  o.retention = Duration::seconds(60);
  o.beliefs = {BeliefRecord{0, at_s(0), std::nullopt}};
  std::uint64_t id = 0;
  for (int minute = 1; minute <= 10; ++minute)
    for (int s = 0; s < 2; ++s) {
      std::int64_t t = minute * 60 + s;
      std::string task = fmt::format("cron-{}@{}", s + 1, start_s + minute * 60);
      o.fires.push_back(FireRecord{s, start_s + minute * 60, at_s(t + 1), 0, true, 1});
      o.submissions.push_back(Submission{task, at_s(t + 1), at_s(t + 1)});
      o.attempts.push_back(attempt(++id, task, s, 1, t + 2, t + 3, "succeeded"));
      o.effects.push_back(EffectRecord{task, id, at_s(t + 3), "applied"});
      o.acks.push_back(AckRecord{task, id, at_s(t + 3), true, false});
      o.finals.push_back(FinalRecord{task, at_s(t + 3), true, false});
    }
  std::string twice = fmt::format("cron-2@{}", start_s + 240);
  o.attempts.push_back(attempt(++id, twice, 0, 2, 250, 251, "succeeded"));
  o.effects.push_back(EffectRecord{twice, id, at_s(251), "applied"});
  o.attempts_recorded = id;
  return o;
}

void same_verdicts(const Observations& whole, const Observations& judged, const sim::FaultActivity& faults) {
  std::vector<sim::CheckResult> expected = run_checks(whole, 5, faults);
  std::vector<sim::CheckResult> got = run_checks(judged, 5, faults);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO(expected[i].name);
    CHECK(got[i].held == expected[i].held);
    CHECK(got[i].summary == expected[i].summary);
    CHECK(got[i].details == expected[i].details);
    CHECK(got[i].first.has_value() == expected[i].first.has_value());
    if (got[i].first && expected[i].first) CHECK(got[i].first->what == expected[i].first->what);
  }
}

}  // namespace

TEST_CASE("scheduler checks judge clean cron ticks as the run goes, with the verdicts of one pass at the end",
          "[scheduler]") {
  const Observations whole = clean_ticks();
  Observations o = whole;
  std::set<std::string> submitted;
  judge_closed(o, at_s(500), at_s(200), submitted);  // a fault changed at 200 s
  // Ticks whose records ended by 440 s (minutes 1 to 7 of both) but the one run twice.
  CHECK(o.retired.ticks == 13);
  CHECK(o.fires.size() == 7);
  CHECK(o.attempts.size() == 8);
  CHECK_FALSE(duplicate_side_effect(o).held);  // the twice-run tick kept its records
  same_verdicts(whole, o, sim::FaultActivity{at_s(200), false});
  same_verdicts(whole, o, sim::FaultActivity{at_s(700), false});  // a later change: the judged ones were done
  Observations calm = whole;  // no fault at all
  judge_closed(calm, at_s(500), std::nullopt, submitted);
  CHECK(calm.retired.ticks == 13);
  same_verdicts(whole, calm, sim::FaultActivity{});
  // A deposed leader fires a judged tick again; its run lands a second effect.
  Observations late = o, late_whole = whole;
  for (Observations* x : {&late, &late_whole}) {
    std::string task = fmt::format("cron-1@{}", start_s + 60);
    x->fires.push_back(FireRecord{0, start_s + 60, at_s(600), 1, true, 1});
    x->submissions.push_back(Submission{task, at_s(600), at_s(600)});
    x->attempts.push_back(attempt(++x->attempts_recorded, task, 1, 1, 601, 602, "succeeded"));
    x->effects.push_back(EffectRecord{task, x->attempts_recorded, at_s(602), "applied"});
  }
  CHECK_FALSE(duplicate_fire(late).held);
  CHECK(duplicate_fire(late).summary == duplicate_fire(late_whole).summary);
  CHECK(duplicate_side_effect(late).summary == duplicate_side_effect(late_whole).summary);
  CHECK(duplicate_execution(late).summary == duplicate_execution(late_whole).summary);
  CHECK(lost_task(late).summary == lost_task(late_whole).summary);
  CHECK(missed_fire(late).summary == missed_fire(late_whole).summary);
  CHECK(fire_lateness(late).summary == fire_lateness(late_whole).summary);
}

TEST_CASE("the leader's status cache keeps the fixed design's verdicts under a leader pause and a clock step",
          "[scheduler]") {
  for (const char* name : {"fixed-leader-pause-tick", "fixed-leader-clock-step"}) {
    INFO(name);
    sim::Scenario scenario =
        sim::load_scenario(std::string(checkout::source_dir) + "/scenarios/scheduler/" + name + ".yaml");
    sim::RunResult read = sim::run_scenario(scenario, scenario.seed).result;
    scenario.params["status_cache"] = true;
    sim::RunResult cached = sim::run_scenario(scenario, scenario.seed).result;
    CHECK(cached.expectations_met);
    CHECK(cached.measures.at("fires") <= read.measures.at("fires"));  // no fire the store refused more
    REQUIRE(cached.checks.size() == read.checks.size());
    for (std::size_t i = 0; i < read.checks.size(); ++i) {
      INFO(read.checks[i].result.name);
      CHECK(cached.checks[i].result.held == read.checks[i].result.held);
    }
  }
}

TEST_CASE("the store's fire records refuse a tick once, whatever order the ticks come in", "[scheduler]") {
  FiredTicks fired;
  for (std::int64_t minute : {3, 1, 2, 5, 4, 9})
    CHECK(fired.insert(0, minute * 60));  // 1 to 5 become one run, 9 its own
  for (std::int64_t minute : {1, 2, 3, 4, 5, 9}) CHECK_FALSE(fired.insert(0, minute * 60));
  CHECK(fired.insert(1, 60));      // another schedule
  CHECK(fired.insert(0, 90));      // inside the run's span, off its minutes
  CHECK_FALSE(fired.insert(0, 90));
  CHECK(fired.insert(0, 8 * 60));  // joins 9 from below
  CHECK_FALSE(fired.insert(0, 8 * 60));
  CHECK(fired.insert(0, 6 * 60));
  CHECK(fired.insert(0, 7 * 60));  // joins both sides: one run from 1 to 9
  for (std::int64_t minute = 1; minute <= 9; ++minute) CHECK_FALSE(fired.insert(0, minute * 60));
  CHECK(fired.insert(0, 10 * 60));
}

TEST_CASE("scheduler options refuse what cannot work, at the offending key", "[scheduler]") {
  const auto& fails_with = scheduler_support::refused;
  fails_with("  election: etcdd\n", "etcd");
  fails_with("  renew_deadline: 20s\n", "lease_duration > renew_deadline");
  fails_with("  cron: ['61 * * * *']\n", "bad minute field");
  fails_with("  design: fixed\n  missed_policy: quartz\n  status_cache: true\n", "Kubernetes' policies");
  fails_with("  delay_queue: sqs\n  delay: 16m\n", "at most 15 minutes");
  fails_with("  heartbeat_interval: 40s\n", "shorter than heartbeat_timeout");
  fails_with("  delay_queue: sqs\n  move: script\n", "applies only with delay_queue: redis");
  fails_with("  time_zone: America/Boston\n", "the model carries UTC, America/New_York");
  fails_with("  cron: ['CRON_TZ=America/New_York 30 2 * * *']\n", "rejects TZ= and CRON_TZ=");
  fails_with("  start: 2026-03-08\n", "2026-03-08T05:00:00Z");
  fails_with("  start: 2006-03-08T05:00:00Z\n", "from 2007 to 2099");
  fails_with("  queue: { retention: 30s }\n", "60s");
  fails_with("  queue: { retention: 15d }\n", "1209600s");
  fails_with("  queue: { dlq_retention: 1h }\n", "applies only with max_receive_count");
  fails_with("  delay_queue: sqs\n  queue: { fifo: true }\n", "no per-message delay");
  fails_with("  queue: { message_group: schedule }\n", "applies only with fifo: true");
  fails_with("  delay_queue: postgres\n  task_table: true\n", "the tasks table is the queue");
}

TEST_CASE("a scheduler run: one seed gives one trace, another seed another", "[scheduler]") {
  const std::string text =
      "name: t\nmodel: scheduler\nduration: 90s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "faults:\n  - at: 20s\n    pause: { node: worker-1, duration: 5s }\n"
      "params:\n  tasks: 5\n  spacing: 3s\n  cron: ['* * * * *']\n  work: { dist: uniform, min: 1s, max: 3s }\n";
  auto hash_of = [&](std::uint64_t seed) {
    return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result.trace_hash;
  };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
}

TEST_CASE("a scheduler run draws the ready queue's depth in at most 200 slices", "[scheduler]") {
  const std::string text =
      "name: t\nmodel: scheduler\nduration: 1000s\n"
      "params:\n  tasks: 20\n  spacing: 10s\n  delay_queue: sqs\n  work: 15s\n  workers: 1\n";
  sim::RunOptions options;
  options.pictures = true;
  sim::RunResult result = sim::run_scenario(sim::parse_scenario(text, "test.yaml"), 1, options).result;
  REQUIRE(result.pictures);
  REQUIRE(result.pictures->plots.size() == 1);
  const sim::Plot& plot = result.pictures->plots[0];
  REQUIRE(plot.lines.size() == 4);
  CHECK(plot.lines[0].name == "ready");
  CHECK(plot.lines[0].points.size() <= 200);
  double most_ready = 0, most_delayed = 0;
  for (auto [x, y] : plot.lines[0].points) most_ready = std::max(most_ready, y);
  for (auto [x, y] : plot.lines[2].points) most_delayed = std::max(most_delayed, y);
  CHECK(most_ready >= 1);     // one worker at 15 s a task falls behind tasks due every 10 s
  CHECK(most_delayed >= 10);  // all 20 were sent at 1 s with their delays
}

TEST_CASE("the one-script move takes a check's due tasks once, in batches, and closes the seed's race", "[scheduler]") {
  using scheduler_support::check_of;
  // 250 tasks due at once: checks of at most 100 due members, sent to the queue ten to a request.
  const std::string many =
      "name: t\nmodel: scheduler\nduration: 120s\n"
      "params:\n  design: fixed\n  tasks: 250\n  work: 100ms\n  workers: 20\n";
  sim::RunResult all = sim::run_scenario(sim::parse_scenario(many, "test.yaml"), 1).result;
  CHECK(check_of(all, "lost_task").held);
  CHECK_THAT(check_of(all, "lost_task").summary, Catch::Contains("0 lost of 250 tasks"));
  CHECK(check_of(all, "duplicate_side_effect").held);
  CHECK(check_of(all, "liveness").held);
  // The seed's double move (a pause right after the mover's "scheduler.move"): with the seed's
  // range-then-remove both leaders push the tasks; with the script the second finds none.
  std::string file = std::string(checkout::source_dir) + "/scenarios/scheduler/seed-double-move.yaml";
  auto run_with = [&](const char* move) {
    sim::Scenario scenario = sim::load_scenario(file);
    scenario.params["move"] = move;
    return sim::run_scenario(scenario, scenario.seed).result;
  };
  CHECK_FALSE(check_of(run_with("range_then_remove"), "duplicate_side_effect").held);
  CHECK(check_of(run_with("script"), "duplicate_side_effect").held);
}
