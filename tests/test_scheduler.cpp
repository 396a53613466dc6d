// Goal: the task scheduler's pieces do what reference section 2 says, on their own: the SQS-like
// queue's visibility, receipt handles, stale deletes and dead letters; cron parsing and the two
// Kubernetes controllers' missed-tick rules; the sinks' verdicts; every checker on hand-made
// histories (each able to fail); option errors; and one seed giving one trace.
#include <catch2/catch.hpp>

#include "models/scheduler/checks.hpp"
#include "models/scheduler/cron.hpp"
#include "models/scheduler/nodes.hpp"
#include "models/scheduler/sqs.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

using namespace scheduler;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + Duration::seconds(s); }
sim::MonoTime mono_s(std::int64_t s) { return sim::MonoTime::boot() + Duration::seconds(s); }
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

TEST_CASE("the SQS-like queue hides a message at receive and hands a new receipt handle each time", "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("task-1", mono_s(0), Duration::zero());
  std::optional<Received> first = q.receive(mono_s(1), Duration::seconds(30));
  REQUIRE(first);
  CHECK(first->receives == 1);
  CHECK_FALSE(q.receive(mono_s(30), std::nullopt));  // hidden until 31 s
  std::optional<Received> second = q.receive(mono_s(31), std::nullopt);
  REQUIRE(second);
  CHECK(second->handle != first->handle);
  CHECK(second->receives == 2);
  // The old handle cannot extend the visibility: the message is no longer in flight for it.
  CHECK_FALSE(q.change_visibility(first->handle, mono_s(32), Duration::seconds(60)).ok);
  CHECK(q.change_visibility(second->handle, mono_s(32), Duration::seconds(60)).ok);
  CHECK_FALSE(q.receive(mono_s(91), std::nullopt));
  CHECK(q.receive(mono_s(92), std::nullopt));
}

TEST_CASE("deleting with an old receipt handle succeeds and deletes under SQS, and is refused when fenced",
          "[scheduler]") {
  for (StaleHandles rule : {StaleHandles::sqs, StaleHandles::refused}) {
    QueueOptions options;
    options.stale_handles = rule;
    SqsQueue q(options);
    q.send("task-1", mono_s(0), Duration::zero());
    std::optional<Received> a = q.receive(mono_s(0), Duration::seconds(10));
    std::optional<Received> b = q.receive(mono_s(10), Duration::seconds(10));
    REQUIRE((a && b));
    QueueAnswer stale = q.delete_message(a->handle);
    if (rule == StaleHandles::sqs) {
      CHECK(stale.ok);
      CHECK(stale.held_by_newer);
      CHECK(q.depth() == 0);  // "even if the message is locked by another reader"
    } else {
      CHECK_FALSE(stale.ok);
      CHECK(q.depth() == 1);
      CHECK(q.delete_message(b->handle).ok);
      CHECK(q.depth() == 0);
    }
  }
}

TEST_CASE("a message received max_receive_count times goes to the dead-letter queue on the next receive",
          "[scheduler]") {
  QueueOptions options;
  options.max_receive_count = 2;
  SqsQueue q(options);
  q.send("task-1", mono_s(0), Duration::zero());
  CHECK(q.receive(mono_s(0), Duration::seconds(1)));
  CHECK(q.receive(mono_s(1), Duration::seconds(1)));
  CHECK_FALSE(q.receive(mono_s(2), Duration::seconds(1)));
  REQUIRE(q.dead_letters().size() == 1);
  CHECK(q.dead_letters()[0] == std::pair<std::string, int>{"task-1", 2});
}

TEST_CASE("the seed's ack by task id deletes the message a newer receive holds", "[scheduler]") {
  SqsQueue q(QueueOptions{});
  q.send("task-1", mono_s(0), Duration::zero());
  std::optional<Received> first = q.receive(mono_s(0), Duration::seconds(5));
  REQUIRE(first);
  REQUIRE(q.receive(mono_s(5), Duration::seconds(5)));
  QueueAnswer ack = q.delete_by_task("task-1", first->handle, mono_s(6));
  CHECK(ack.held_by_newer);
  CHECK(q.depth() == 0);
  // Its own receive, or one no longer in flight, is no stale ack; a retry's body is the same task.
  q.send("task-2|1", mono_s(10), Duration::zero());
  std::optional<Received> own = q.receive(mono_s(10), Duration::seconds(5));
  REQUIRE(own);
  CHECK_FALSE(q.delete_by_task("task-2", own->handle, mono_s(11)).held_by_newer);
  CHECK(q.depth() == 0);
}

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
  CronDecision legacy = decide(every_minute, last, now, MissedPolicy::legacy, std::nullopt);
  CHECK(legacy.too_many);
  CHECK_FALSE(legacy.fire);
  CronDecision v2 = decide(every_minute, last, now, MissedPolicy::v2, std::nullopt);
  CHECK(v2.too_many);
  CHECK(v2.fire == now);
  // startingDeadlineSeconds: 200 counts only the last 200 s: the legacy controller starts at 10:22.
  CronDecision deadline = decide(every_minute, last, now, MissedPolicy::legacy, Duration::seconds(200));
  CHECK_FALSE(deadline.too_many);
  CHECK(deadline.fire == now);
  // A tick older than the deadline is not started.
  CronDecision late = decide(cron_of("0 * * * *"), last, now, MissedPolicy::v2, Duration::seconds(200));
  CHECK_FALSE(late.fire);
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

TEST_CASE("scheduler options refuse what cannot work, at the offending key", "[scheduler]") {
  auto fails_with = [](const std::string& params, const std::string& message) {
    std::string text = "name: t\nmodel: scheduler\nduration: 1s\nparams:\n" + params;
    INFO(text);
    try {
      sim::check_scenario(sim::parse_scenario(text, "test.yaml"));
      FAIL("accepted");
    } catch (const sim::ScenarioError& e) {
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  };
  fails_with("  election: etcdd\n", "etcd");
  fails_with("  renew_deadline: 20s\n", "lease_duration > renew_deadline");
  fails_with("  cron: ['61 * * * *']\n", "bad minute field");
  fails_with("  delay_queue: sqs\n  delay: 16m\n", "at most 15 minutes");
  fails_with("  heartbeat_interval: 40s\n", "shorter than heartbeat_timeout");
  fails_with("  delay_queue: sqs\n  move: script\n", "applies only with delay_queue: redis");
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
