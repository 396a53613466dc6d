// Goal: the shipped outage scenarios for Quartz's and Temporal's missed-schedule rules show what
// their expect: blocks say, in the detail the checks report: do_nothing drops the day's only run,
// a catch-up window loses actions under buffer_all, ignore_misfire_policy piles runs up at once,
// buffer_all runs them in turn, skip drops all but the oldest; a deposed leader's fire under a
// stale token is refused where the seed's store write takes it twice; a leader's crash between its
// fire record and its push no longer loses the tick; the seed's separate task table re-runs a
// COMPLETED task and loses retry_count increments where the fixed design's claim and fenced writes
// do not; Temporal's cancel_other on the SQS-like queue interrupts the running handler; a FIFO
// queue's quota throttles the seed's one-by-one sends and not the fixed leader's batches, an
// explicit deduplication id drops the seed's retry copy, and a DLQ redrive runs the dead letters.
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

TEST_CASE("scheduler task table: a crash between update_task(COMPLETED) and the ack re-runs the seed's task; the "
          "fixed claim finds the row COMPLETED and deletes the message unrun",
          "[scheduler]") {
  sim::RunResult seed = run_shipped("seed-table-crash-after-complete");
  CHECK(seed.expectations_met);
  CHECK(detail(check_of(seed, "duplicate_execution"), "run after COMPLETED") == "1");
  sim::RunOutput fixed = scheduler_support::traced(scheduler_support::shipped("fixed-table-crash-after-complete"));
  CHECK(fixed.result.expectations_met);
  CHECK(detail(check_of(fixed.result, "duplicate_execution"), "run after COMPLETED") == "0");
  int unrun = 0;
  for (const sim::TraceRecord& r : fixed.trace)
    if (r.kind == "worker.finished_task") {
      ++unrun;
      CHECK_THAT(fixed.node_names.at(r.node), Catch::StartsWith("worker-"));
      CHECK_THAT(r.detail, Catch::Contains("task-1 is COMPLETED"));
    }
  CHECK(unrun == 1);
}

TEST_CASE("scheduler task table: the seed's retry_count + 1 from its copy loses increments and its unjittered "
          "retries come due in waves; the fixed store-side increment loses none and spreads them",
          "[scheduler]") {
  sim::RunResult seed = run_shipped("seed-table-retry-storm");
  sim::RunResult fixed = run_shipped("fixed-table-retry-storm");
  CHECK(seed.expectations_met);
  CHECK(fixed.expectations_met);
  CHECK(std::stoi(detail(check_of(seed, "retry_budget"), "lost increments")) > 0);
  CHECK(detail(check_of(fixed, "retry_budget"), "lost increments") == "0");
  int seed_wave = std::stoi(detail(check_of(seed, "retry_budget"), "retry wave peak"));
  int fixed_wave = std::stoi(detail(check_of(fixed, "retry_budget"), "retry wave peak"));
  CHECK(seed_wave >= 40);  // 50 tasks failed together, all retried 60 s later
  CHECK(fixed_wave * 3 < seed_wave);
}

TEST_CASE("scheduler fixed-temporal-cancel-other: a heartbeat's cancellation cuts the running handler short and the "
          "newest start waits for it; no two runs overlap",
          "[scheduler]") {
  sim::RunOutput run = scheduler_support::traced(scheduler_support::shipped("fixed-temporal-cancel-other"));
  CHECK(run.result.expectations_met);
  CHECK(detail(check_of(run.result, "overlap"), "overlapping pairs") == "0");
  int interrupted = 0;
  for (const sim::TraceRecord& r : run.trace)
    if (r.kind == "worker.interrupted") ++interrupted;
  CHECK(interrupted > 0);
  // terminate_other on the same run starts the new run at once, beside the one it ended.
  sim::Scenario scenario = scheduler_support::shipped("fixed-temporal-cancel-other");
  scenario.params["overlap"] = "terminate_other";
  sim::RunResult terminate = sim::run_scenario(scenario, scenario.seed).result;
  CHECK(std::stoi(detail(check_of(terminate, "overlap"), "overlapping pairs")) > 0);
}

TEST_CASE("scheduler FIFO quota: the seed's sends past 300 a second are refused and their tasks lost; the fixed "
          "leader's batches of ten stay under it",
          "[scheduler]") {
  auto throttled = [](const sim::RunOutput& run, const std::string& action) {
    int n = 0;
    for (const sim::TraceRecord& r : run.trace)
      if (r.kind == "queue.throttled" && r.detail.rfind(action + ":", 0) == 0) ++n;
    return n;
  };
  sim::RunOutput seed = scheduler_support::traced(scheduler_support::shipped("seed-fifo-throttled"));
  sim::RunOutput fixed = scheduler_support::traced(scheduler_support::shipped("fixed-fifo-throttled"));
  CHECK(seed.result.expectations_met);
  CHECK(fixed.result.expectations_met);
  int lost = std::stoi(detail(check_of(seed.result, "lost_task"), "lost"));
  CHECK(lost == throttled(seed, "send"));  // each refused send is a lost task
  CHECK(lost > 1000);
  CHECK(throttled(fixed, "send_batch") == 0);
  CHECK(throttled(fixed, "receive") > 0);  // the workers reach the quota too, and poll again
  // Without the quota the seed loses nothing.
  sim::Scenario unlimited = scheduler_support::shipped("seed-fifo-throttled");
  unlimited.params["queue"]["calls_per_second"] = 0;
  CHECK(detail(check_of(sim::run_scenario(unlimited, unlimited.seed).result, "lost_task"), "lost") == "0");
}

TEST_CASE("scheduler FIFO deduplication id: the task's id drops the seed's leftover retry copy that content-based "
          "deduplication delivers",
          "[scheduler]") {
  sim::RunResult content = run_shipped("seed-fifo-retry-copy");
  sim::RunResult by_task = run_shipped("seed-fifo-retry-copy-dedup-id");
  CHECK(content.expectations_met);
  CHECK(by_task.expectations_met);
  CHECK_FALSE(check_of(content, "duplicate_side_effect").held);
  CHECK(check_of(by_task, "duplicate_side_effect").held);
}

TEST_CASE("scheduler DLQ redrive: the dead letters move back after the outage and every task runs once",
          "[scheduler]") {
  sim::RunResult redriven = run_shipped("fixed-dlq-redrive");
  CHECK(redriven.expectations_met);
  CHECK(detail(check_of(redriven, "dlq_correct"), "redriven") == "20");
  sim::Scenario scenario = scheduler_support::shipped("fixed-dlq-redrive");
  scenario.params["queue"].remove("redrive_at");
  scenario.params["queue"].remove("redrive_rate");
  sim::RunResult kept = sim::run_scenario(scenario, scenario.seed).result;
  CHECK(std::stoi(detail(check_of(kept, "lost_task"), "lost")) > 0);
}

TEST_CASE("scheduler task table: the seed's COMPLETED write whose answer is lost takes `except Exception`: FAILED "
          "over COMPLETED, then the ack, so the row says FAILED for a task whose effect landed",
          "[scheduler]") {
  const std::string text = R"(name: t
model: scheduler
seed: 1
duration: 400s
params:
  design: seed
  task_table: true
  workers: 1
  tasks: 1
  work: 5s
network:
  latency: { dist: constant, value: 1ms }
faults:
  - after: { event: sink.applied, node: sink, occurrence: 1, delay: 0s }
    drop_response: { from: store, to: worker-1, duration: 500ms }
)";
  sim::Scenario scenario = sim::parse_scenario(text, "test.yaml");
  sim::RunOutput run = scheduler_support::traced(scenario);
  std::vector<std::string> writes;
  int receives = 0;
  for (const sim::TraceRecord& r : run.trace) {
    if (r.kind == "store.task_completed" || r.kind == "store.task_failed") writes.push_back(r.kind);
    if (r.kind == "worker.received") ++receives;
  }
  CHECK(writes == std::vector<std::string>{"store.task_completed", "store.task_failed"});
  CHECK(receives == 1);  // acked after the FAILED write: the task never runs again
  CHECK(detail(check_of(run.result, "duplicate_side_effect"), "tasks") == "0");
  CHECK(check_of(run.result, "lost_task").held);  // an attempt succeeded: no check judges the row's final status
}
