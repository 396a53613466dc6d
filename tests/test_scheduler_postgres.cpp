// Goal: the scheduler's PostgreSQL task store (delay_queue: postgres) does what its design says:
// the claim's SKIP LOCKED hands two workers two different rows and an expired lease back out; the
// seed's completion by id lands on a newer attempt's row while the fixed one's (id, attempt) does
// not; the fixed design's key on (schedule, nominal) refuses a second fire of a tick and the seed's
// keyless table takes it; whole runs keep those promises under many workers and a deposed leader;
// bad combinations are refused at their key; and one seed gives one trace and one report.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>

#include "models/scheduler/pg_store.hpp"
#include "reports/json_report.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/postgres_support.hpp"
#include "tests/scheduler_support.hpp"

using namespace scheduler;

namespace {

const postgres::Isolation rc = postgres::Isolation::read_committed;

/// Adds the design's other tables to `p` (made with its tasks table) and `tasks` pending rows
/// named task-1.. due at 1000 ms.
void fill(pgtest::Play& p, Design design, int tasks) {
  std::vector<PgTable> tables = pg_tables(design, 1);
  for (std::size_t i = 1; i < tables.size(); ++i) {
    p.db.create_table(tables[i].schema);
    if (!tables[i].rows.empty()) p.db.load(tables[i].schema.name, tables[i].rows);
  }
  for (int i = 1; i <= tasks; ++i) p.ok("setup", sql::insert_task(i, "task-" + std::to_string(i), 1000));
}

postgres::TableSchema tasks_table() { return pg_tables(Design::seed).at(0).schema; }

/// One worker's claim transaction at `now_ms`, committed: the row it took (its attempt after the
/// claim), or none.
std::optional<TaskRow> claim(pgtest::Play& p, const std::string& who, std::int64_t now_ms, std::int64_t lease_ms,
                             bool commit = true) {
  p.ok(who, postgres::Begin{rc});
  postgres::Result picked = p.ok(who, sql::claim_select(now_ms));
  if (picked.rows.empty()) {
    p.ok(who, postgres::Rollback{});
    return std::nullopt;
  }
  postgres::Result taken = p.ok(who, sql::claim_update(task_row(picked.rows[0]).id, now_ms + lease_ms));
  REQUIRE(taken.rows.size() == 1);
  if (commit) p.ok(who, postgres::Commit{});
  return task_row(taken.rows[0]);
}

sim::RunResult run_text(const std::string& text, std::uint64_t seed) {
  return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result;
}

using scheduler_support::check_of;
using scheduler_support::run_shipped;

/// A check's detail by its name; empty when it has none.
std::string detail(const sim::CheckResult& check, const std::string& key) {
  for (const auto& [name, value] : check.details)
    if (name == key) return value;
  return std::string();
}

}  // namespace

TEST_CASE("scheduler postgres: two open claims take two different rows, and a locked row is skipped, not waited for",
          "[scheduler]") {
  pgtest::Play p(tasks_table(), {});
  fill(p, Design::fixed, 2);
  std::optional<TaskRow> a = claim(p, "A", 2000, 30'000, false);  // A holds its row's lock, uncommitted
  std::optional<TaskRow> b = claim(p, "B", 2000, 30'000, false);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->name == "task-1");
  CHECK(b->name == "task-2");
  CHECK_FALSE(claim(p, "C", 2000, 30'000));  // both rows locked: nothing, at once
  // A's transaction aborts (its connection was lost): its row is pending again, attempt unchanged.
  p.db.disconnect(p.session("A"));
  std::optional<TaskRow> c = claim(p, "C", 2000, 30'000);
  REQUIRE(c);
  CHECK(c->name == "task-1");
  CHECK(c->attempt == 1);
}

TEST_CASE("scheduler postgres: a claimed row is claimable again only once its lease has expired", "[scheduler]") {
  pgtest::Play p(tasks_table(), {});
  fill(p, Design::seed, 1);
  CHECK_FALSE(claim(p, "A", 999, 300'000));  // not due yet
  std::optional<TaskRow> first = claim(p, "A", 1000, 300'000);
  REQUIRE(first);
  CHECK(first->attempt == 1);
  CHECK_FALSE(claim(p, "B", 300'999, 300'000));  // the lease runs to 301,000 ms
  std::optional<TaskRow> second = claim(p, "B", 301'000, 300'000);
  REQUIRE(second);
  CHECK(second->attempt == 2);
}

TEST_CASE("scheduler postgres: the seed's completion by id lands on a newer attempt's row, the fixed one's does not",
          "[scheduler]") {
  pgtest::Play p(tasks_table(), {});
  fill(p, Design::fixed, 1);
  REQUIRE(claim(p, "A", 1000, 30'000));
  REQUIRE(claim(p, "B", 31'000, 30'000));  // A's lease expired: B holds attempt 2
  // The fixed writes carry the attempt: A's (attempt 1) changes nothing, B's heartbeat does.
  CHECK(p.ok("A", sql::finish(1, 1, "done")).rows.empty());
  CHECK(p.ok("A", sql::extend(1, 1, 90'000)).rows.empty());
  CHECK(p.ok("B", sql::extend(1, 2, 90'000)).rows.size() == 1);
  // The seed's carries the id only: A's completion is accepted on the row attempt 2 holds.
  postgres::Result stale = p.ok("A", sql::finish(1, std::nullopt, "done"));
  REQUIRE(stale.rows.size() == 1);
  CHECK(task_row(stale.rows[0]).attempt == 2);
  CHECK(p.ok("B", sql::finish(1, 2, "done")).rows.empty());  // B finds its row completed under it
}

TEST_CASE("scheduler postgres: a second fire of a tick fails with 23505 under the fixed key, the seed's takes it",
          "[scheduler]") {
  for (Design design : {Design::fixed, Design::seed}) {
    pgtest::Play p(tasks_table(), {});
    fill(p, design, 0);
    p.ok("L2", postgres::Begin{rc});
    p.ok("L2", sql::insert_fire(0, 1767225660, "sched-2", 0));
    p.ok("L2", sql::insert_task(1, "cron-1@1767225660", 1767225660000));
    p.ok("L2", postgres::Commit{});
    p.ok("L1", postgres::Begin{rc});
    postgres::Statement again = sql::insert_fire(0, 1767225660, "sched-1", 0);
    if (design == Design::fixed) {
      postgres::Error e = p.fails("L1", again, "23505");
      CHECK(e.message == "duplicate key value violates unique constraint \"fires_pkey\"");
      CHECK(p.ok("L1", postgres::Commit{}).tag == "ROLLBACK");
      CHECK(p.db.committed_rows("tasks").size() == 1);
    } else {
      p.ok("L1", again);
      p.ok("L1", sql::insert_task(2, "cron-1@1767225660", 1767225660000));
      p.ok("L1", postgres::Commit{});
      CHECK(p.db.committed_rows("tasks").size() == 2);  // the tick will run twice
    }
  }
}

TEST_CASE("scheduler postgres: lastScheduleTime commits with the fire record or not at all, and the fixed write only "
          "moves it forward",
          "[scheduler]") {
  for (Design design : {Design::fixed, Design::seed}) {
    pgtest::Play p(tasks_table(), {});
    fill(p, design, 0);
    auto last = [&] { return schedule_status(p.ok("reader", sql::schedule_row(0, false)).rows.at(0)).first; };
    CHECK(last() == -1);  // never fired
    p.ok("L1", postgres::Begin{rc});
    p.ok("L1", sql::insert_fire(0, 1767225660, "sched-1", 0));
    p.ok("L1", sql::set_last(0, 1767225660, design == Design::fixed));
    CHECK(last() == -1);  // not before the fire commits
    p.ok("L1", postgres::Rollback{});
    CHECK(last() == -1);  // nor when it rolls back
    p.ok("L1", postgres::Begin{rc});
    p.ok("L1", sql::insert_fire(0, 1767225720, "sched-1", 0));
    p.ok("L1", sql::set_last(0, 1767225720, design == Design::fixed));
    p.ok("L1", postgres::Commit{});
    CHECK(last() == 1767225720);
    p.ok("L2", sql::set_last(0, 1767225660, design == Design::fixed));  // a late write of an older tick
    CHECK(last() == (design == Design::fixed ? 1767225720 : 1767225660));
  }
}

TEST_CASE("scheduler postgres: the leader needs no store node for lastScheduleTime: with it down all run, every tick "
          "fires once",
          "[scheduler]") {
  const std::string text =
      "name: t\nmodel: scheduler\nduration: 400s\n"
      "network:\n  latency: { dist: constant, value: 1ms }\n"
      "faults:\n  - at: 0s\n    crash: { node: store }\n"
      "params:\n  design: fixed\n  delay_queue: postgres\n  election: etcd\n  tasks: 0\n"
      "  cron: ['* * * * *', '*/2 * * * *']\n  liveness_bound: 30s\n";
  sim::RunResult result = run_text(text, 1);
  CHECK(check_of(result, "missed_fire").held);
  CHECK(check_of(result, "duplicate_fire").held);
  CHECK(result.measures.at("fires") == 6 + 3);  // the ticks due by 370 s, the liveness bound before the end
}

TEST_CASE("scheduler postgres: the fence refuses a fire under a token below the highest one seen", "[scheduler]") {
  pgtest::Play p(tasks_table(), {});
  fill(p, Design::fixed, 0);
  CHECK(p.ok("L2", sql::raise_fence(5)).rows.size() == 1);
  CHECK(p.ok("L1", sql::raise_fence(4)).rows.empty());
  CHECK(p.ok("L2", sql::raise_fence(5)).rows.size() == 1);
}

TEST_CASE("scheduler postgres: twelve workers on forty tasks due at once never run one task twice", "[scheduler]") {
  for (const char* design : {"seed", "fixed"}) {
    std::string text = std::string("name: t\nmodel: scheduler\nduration: 120s\n") +
                       "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
                       "params:\n  delay_queue: postgres\n  workers: 12\n  tasks: 40\n  poll: 100ms\n"
                       "  work: { dist: uniform, min: 1s, max: 3s }\n  design: " +
                       design + "\n";
    INFO(text);
    sim::RunResult result = run_text(text, 3);
    CHECK(check_of(result, "concurrent_execution").held);
    CHECK(check_of(result, "duplicate_side_effect").held);
    CHECK(check_of(result, "lost_task").held);
    CHECK(result.measures.at("attempts") == 40);  // one claim each, none lost and none doubled
    CHECK(result.measures.at("tasks_open_at_end") == 0);
  }
}

TEST_CASE("scheduler postgres: the deposed leader's fire runs the tick twice in the seed, once in the fixed design",
          "[scheduler]") {
  sim::RunResult seed = run_shipped("seed-postgres-leader-pause-tick");
  sim::RunResult fixed = run_shipped("fixed-postgres-leader-pause-tick");
  CHECK_FALSE(check_of(seed, "duplicate_fire").held);
  CHECK_FALSE(check_of(fixed, "two_leaders").held);                // both believed they led ...
  CHECK(check_of(fixed, "duplicate_fire").held);                   // ... and the key kept the tick to one fire
  CHECK(seed.measures.at("fires") == fixed.measures.at("fires"));  // the same fires were tried
}

TEST_CASE("scheduler postgres options refuse what makes no sense beside the tasks table, at the key", "[scheduler]") {
  const auto& fails_with = scheduler_support::refused;
  fails_with("  delay_queue: postgres\n  move: script\n", "applies only with delay_queue: redis");
  fails_with("  delay_queue: postgres\n  queue: { max_receive_count: 3 }\n", "the tasks table is the queue");
  fails_with("  max_attempts: 3\n", "applies only with delay_queue: postgres");
  fails_with("  delay_queue: postgres\n  max_attempts: 3\n", "the seed's worker has no dead-letter budget");
  fails_with("  delay_queue: postgres\n  design: fixed\n  max_attempts: -1\n", "max_attempts");
  fails_with("  postgres: { cores: 2 }\n", "applies only with delay_queue: postgres");
  fails_with("  delay_queue: postgres\n  postgres: { corez: 2 }\n", "corez");
}

TEST_CASE("a scheduler run on the postgres store: one seed gives one trace and one report, another seed another",
          "[scheduler]") {
  const std::string text =
      "name: t\nmodel: scheduler\nduration: 150s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "faults:\n  - at: 20s\n    pause: { node: worker-1, duration: 40s }\n"
      "params:\n  design: fixed\n  delay_queue: postgres\n  tasks: 5\n  spacing: 3s\n  cron: ['* * * * *']\n"
      "  work: { dist: uniform, min: 1s, max: 3s }\n  downstream: { fail_from: 10s, fail_until: 15s }\n";
  sim::RunResult a = run_text(text, 7);
  sim::RunResult b = run_text(text, 7);
  REQUIRE(a.trace_hash == b.trace_hash);
  REQUIRE(sim::run_report_json(a) == sim::run_report_json(b));
  REQUIRE(a.trace_hash != run_text(text, 8).trace_hash);
}

TEST_CASE("scheduler postgres: forbid starts no tick while a run is open, replace cancels the open run first",
          "[scheduler]") {
  using scheduler_support::check_of;
  sim::RunResult forbid = scheduler_support::run_shipped("fixed-postgres-overlap-forbid");
  CHECK(forbid.expectations_met);
  CHECK(detail(check_of(forbid, "overlap"), "overlapping pairs") == "0");
  CHECK(detail(check_of(forbid, "overlap"), "held back (forbid)") != "0");
  sim::RunResult replace = scheduler_support::run_shipped("fixed-postgres-overlap-replace");
  CHECK(replace.expectations_met);
  CHECK(detail(check_of(replace, "overlap"), "cancelled (replace)") != "0");
  CHECK(check_of(replace, "duplicate_side_effect").held);
  CHECK(check_of(replace, "lost_task").held);
}

TEST_CASE("scheduler postgres: a row past max_attempts goes dead where its last failure is recorded, and the checks "
          "judge it as a dead letter",
          "[scheduler]") {
  using scheduler_support::check_of;
  sim::RunResult result = run_shipped("fixed-postgres-dead-letter");
  CHECK(result.expectations_met);
  const sim::CheckResult& dlq = check_of(result, "dlq_correct");
  const sim::CheckResult& lost = check_of(result, "lost_task");
  CHECK(dlq.held);
  CHECK(check_of(result, "retry_budget").held);
  // Every lost task is a dead row: the outage parked them, none was dropped some other way.
  std::string dead = dlq.summary.substr(0, dlq.summary.find(' '));
  CHECK(std::stoi(dead) > 0);
  CHECK_THAT(lost.summary, Catch::StartsWith(dead + " lost of 20"));
  CHECK(std::stoi(dead) < 20);  // the later tasks outlived the outage
  // Without the budget every task runs once the downstream is back: none dead, none lost.
  std::string file = std::string(checkout::source_dir) + "/scenarios/scheduler/fixed-postgres-dead-letter.yaml";
  sim::Scenario unlimited = sim::load_scenario(file);
  unlimited.params.remove("max_attempts");
  sim::RunResult all = sim::run_scenario(unlimited, unlimited.seed).result;
  CHECK(check_of(all, "lost_task").held);
  CHECK_THAT(check_of(all, "dlq_correct").summary, Catch::StartsWith("0 tasks"));
}

TEST_CASE("scheduler postgres: a claim that finds the last attempt's lease expired buries the row instead",
          "[scheduler]") {
  using scheduler_support::check_of;
  // fixed-postgres-crash-before-ack with a budget of one attempt: worker-1 crashes after its effect,
  // and the claim that would have been attempt 2 sets the row dead.
  std::string file = std::string(checkout::source_dir) + "/scenarios/scheduler/fixed-postgres-crash-before-ack.yaml";
  sim::Scenario scenario = sim::load_scenario(file);
  scenario.params["max_attempts"] = 1;
  sim::RunResult result = sim::run_scenario(scenario, scenario.seed).result;
  CHECK(result.measures.at("attempts") == 1);
  CHECK(check_of(result, "retry_budget").held);
  CHECK(check_of(result, "dlq_correct").held);
  CHECK_THAT(check_of(result, "dlq_correct").summary, Catch::StartsWith("1 task "));
  CHECK(result.measures.at("tasks_open_at_end") == 0);
}

TEST_CASE("scheduler postgres: Temporal's buffer_one reads active runs from the tasks table, with the SQS-like twin's "
          "verdicts",
          "[scheduler]") {
  using scheduler_support::check_of;
  sim::RunResult table = run_shipped("fixed-postgres-temporal-buffer-one");
  sim::RunResult queue = run_shipped("fixed-temporal-buffer-one");
  CHECK(table.expectations_met);
  for (const char* key : {"skipped by the overlap policy", "past the catch-up window", "missed"})
    CHECK(detail(check_of(table, "missed_fire"), key) == detail(check_of(queue, "missed_fire"), key));
  CHECK(std::stoi(detail(check_of(table, "missed_fire"), "skipped by the overlap policy")) > 0);
  CHECK(detail(check_of(table, "overlap"), "overlapping pairs") == "0");
  CHECK(table.measures.at("fires") == queue.measures.at("fires"));
  // allow_all starts the whole backlog at once: runs overlap, none is dropped.
  std::string file =
      std::string(checkout::source_dir) + "/scenarios/scheduler/fixed-postgres-temporal-buffer-one.yaml";
  sim::Scenario scenario = sim::load_scenario(file);
  scenario.params["overlap"] = "allow_all";
  sim::RunResult all = sim::run_scenario(scenario, scenario.seed).result;
  CHECK(detail(check_of(all, "missed_fire"), "skipped by the overlap policy") == "0");
  CHECK(std::stoi(detail(check_of(all, "overlap"), "overlapping pairs")) > 0);
  CHECK(check_of(all, "missed_fire").held);
}

TEST_CASE("scheduler postgres: Temporal's cancel_other waits for the cancelled run to end, terminate_other does not",
          "[scheduler]") {
  using scheduler_support::check_of;
  sim::RunResult cancel = run_shipped("fixed-postgres-temporal-cancel-other");
  CHECK(cancel.expectations_met);
  CHECK(detail(check_of(cancel, "overlap"), "overlapping pairs") == "0");
  CHECK(detail(check_of(cancel, "overlap"), "cancelled (replace)") != "0");  // runs were cancelled ...
  CHECK(check_of(cancel, "duplicate_side_effect").held);                    // ... and landed no effect
  CHECK(check_of(cancel, "lost_task").held);
  std::string file =
      std::string(checkout::source_dir) + "/scenarios/scheduler/fixed-postgres-temporal-cancel-other.yaml";
  sim::Scenario scenario = sim::load_scenario(file);
  scenario.params["overlap"] = "terminate_other";
  sim::RunResult terminate = sim::run_scenario(scenario, scenario.seed).result;
  CHECK(std::stoi(detail(check_of(terminate, "overlap"), "overlapping pairs")) > 0);  // the new run starts at once
  CHECK(check_of(terminate, "overlap").held);  // as terminate_other allows: the ended run lands no effect
}
