// designsim conform --postgres: generated schedules and Hermitage's cases against a PostgreSQL 15
// the test starts itself, and the SQL the typed statements are rendered to.
#include <catch2/catch.hpp>

#include <string>

#include "conform/pg_hermitage.hpp"
#include "conform/pg_schedules.hpp"
#include "tests/postgres_server_process.hpp"

namespace {

/// Plays the schedules on the server and the model; every one must agree (under some resume
/// order). Each disagreement is a failure of its own, with the schedule and both sides' outcomes.
void require_agreement(const std::vector<postgres::Schedule>& schedules, const std::vector<std::string>& names) {
  test_support::PostgresServerProcess server;
  conform::PgRunOptions options;
  options.endpoint = server.endpoint();
  options.deadlock_timeout_ms = 10;
  options.lanes = 8;
  // The server's own order of wake-ups can differ between two plays of one schedule; a
  // disagreement must stand in three plays, as `designsim conform --attempts 3` counts it.
  options.attempts = 3;
  std::vector<conform::PgVerdict> verdicts = conform::conform_schedules(options, schedules);
  REQUIRE(verdicts.size() == schedules.size());
  std::size_t reordered = 0, replayed = 0;
  for (std::size_t k = 0; k < verdicts.size(); ++k) {
    INFO(names[k] << " disagreed:\n" << verdicts[k].report);
    CHECK(verdicts[k].agreed);
    reordered += verdicts[k].resume_order.empty() ? 0 : 1;
    replayed += verdicts[k].agreed && verdicts[k].attempts > 1 ? 1 : 0;
  }
  WARN(schedules.size() << " schedules: " << reordered << " agreed under another resume order, " << replayed
                        << " agreed only when played again");
}

void require_level_agrees(postgres::Isolation level, std::uint64_t count) {
  std::vector<postgres::Schedule> schedules;
  std::vector<std::string> names;
  for (std::uint64_t seed = 1; seed <= count; ++seed) {
    schedules.push_back(conform::conform_schedule(seed, level));
    names.push_back("seed " + std::to_string(seed) + " at " + postgres::to_string(level));
  }
  require_agreement(schedules, names);
}

}  // namespace

TEST_CASE("ON CONFLICT DO UPDATE names the existing row's columns by the table as PostgreSQL needs", "[postgres]") {
  postgres::Insert insert{"kv", {postgres::Row{4, 3, 39}}, std::nullopt, true};
  insert.on_conflict = postgres::OnConflict{
      {"id"}, true, {postgres::set_add("value", 1), postgres::set_excluded("k")}, postgres::where::lt("value", 30)};
  CHECK(postgres::to_sql(insert) ==
        "INSERT INTO kv VALUES (4, 3, 39) ON CONFLICT (id) DO UPDATE SET value = kv.value "
        "+ 1, k = EXCLUDED.k WHERE kv.value < 30 RETURNING *");
  postgres::Update update{"kv", {postgres::set_add("value", 1)}, postgres::where::lt("value", 30), false};
  CHECK(postgres::to_sql(update) == "UPDATE kv SET value = value + 1 WHERE value < 30");
}

// Seeds 1 to 2,000 of each isolation level agree: a step ends when the server has reported each
// wait's deadlock check, and the model offers every order in which statements woken together
// can go (the README's PostgreSQL section); sweeps with one play each have found no
// disagreement since. Each takes 30 s to 1 minute here.
TEST_CASE("conform --postgres: a closed port is a PgConnectError and not a hang", "[conform]") {
  std::uint16_t port = 0;
  {
    test_support::PostgresServerProcess server;
    port = server.endpoint().port;
  }
  CHECK_THROWS_AS(conform::PgConnection(conform::Endpoint{"127.0.0.1", port}, conform::PgLogin{}),
                  conform::PgConnectError);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at read committed agree with PostgreSQL 15",
          "[conform][conform-levels]") {
  require_level_agrees(postgres::Isolation::read_committed, 2000);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at repeatable read agree with PostgreSQL 15",
          "[conform][conform-levels]") {
  require_level_agrees(postgres::Isolation::repeatable_read, 2000);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at serializable agree with PostgreSQL 15",
          "[conform][conform-levels]") {
  require_level_agrees(postgres::Isolation::serializable, 2000);
}

TEST_CASE("conform --postgres: every Hermitage case plays on PostgreSQL 15 as on the model", "[conform]") {
  std::vector<postgres::Schedule> schedules;
  std::vector<std::string> names;
  for (conform::NamedSchedule& named : conform::hermitage_schedules()) {
    schedules.push_back(named.schedule);
    names.push_back("Hermitage " + named.name);
  }
  REQUIRE(schedules.size() == 20);
  require_agreement(schedules, names);
}

// Found by conform --postgres (seed 36 at serializable): T2 read row 1, T3 updated it and
// committed, and T2's insert of a duplicate key k = 1, waiting for T3, then fails. PostgreSQL 15
// checks the index page for an SSI conflict before it reports the unique violation
// (_bt_check_unique) and fails with 40001; the model said 23505.
TEST_CASE("serializable: a unique violation that hides an SSI conflict fails with 40001", "[postgres]") {
  postgres::Schedule schedule = conform::conform_schedule(36, postgres::Isolation::serializable);
  conform::PgPlay play = conform::play_on_model(schedule);
  std::size_t serialization_failures = 0;
  for (const conform::PgStepOutcome& step : play.steps) {
    auto t2 = step.resumed.find(1);
    if (t2 == step.resumed.end()) continue;
    CHECK(t2->second.result.sqlstate != "23505");
    if (t2->second.result.sqlstate == "40001") ++serialization_failures;
  }
  CHECK(serialization_failures == 1);
}

namespace {

/// The model's outcome of the step of session `t` (1-based) whose SQL starts with `sql`.
const conform::PgStepOutcome& step_of(const postgres::Schedule& schedule, const conform::PgPlay& play, std::size_t t,
                                      const std::string& sql) {
  for (std::size_t i = 0; i < schedule.steps.size(); ++i)
    if (schedule.steps[i].session + 1 == t && postgres::to_sql(schedule.steps[i].statement).rfind(sql, 0) == 0)
      return play.steps.at(i);
  FAIL("no step T" << t << ": " << sql);
  return play.steps.front();
}

std::string sqlstate(const conform::PgOutcome& outcome) {
  return outcome.kind == conform::PgOutcome::Kind::done ? outcome.result.sqlstate : "not done";
}

}  // namespace

// Found by conform --postgres (seeds 82 and 21 at serializable): a transaction marked doomed (the
// pivot of a dangerous structure) failed in the model at the start of its next statement; on
// PostgreSQL it fails when it first reaches a heap tuple (CheckForSerializableConflictOutNeeded),
// and a lookup of a key the index never held reaches none. Seed 82: T4's SELECT of id 5 returns
// nothing and T4 fails at COMMIT; seed 21: T1's DELETE of id 4 deletes nothing, its next UPDATE fails.
TEST_CASE("serializable: a doomed transaction fails at the first heap tuple it reaches, not before", "[postgres]") {
  postgres::Schedule s82 = conform::conform_schedule(82, postgres::Isolation::serializable);
  conform::PgPlay p82 = conform::play_on_model(s82);
  CHECK(sqlstate(step_of(s82, p82, 4, "SELECT * FROM kv WHERE id = 5").own) == "00000");
  CHECK(sqlstate(step_of(s82, p82, 4, "COMMIT").own) == "40001");
  postgres::Schedule s21 = conform::conform_schedule(21, postgres::Isolation::serializable);
  conform::PgPlay p21 = conform::play_on_model(s21);
  CHECK(sqlstate(step_of(s21, p21, 1, "DELETE FROM kv WHERE id = 4").own) == "00000");
  CHECK(sqlstate(step_of(s21, p21, 1, "UPDATE kv SET value = value + 6 WHERE id = 1").own) == "40001");
}

// Found by conform --postgres (seed 216): T1 locks row 1 FOR KEY SHARE in the version its snapshot
// sees, which T2's update (in progress, compatible) replaced; PostgreSQL locks the new version too
// (heap_lock_tuple follows updates in progress), so T2's own SELECT ... FOR UPDATE of the row then
// waits for T1. The model let it through.
TEST_CASE("a row lock on a version being updated also locks the versions the update made", "[postgres]") {
  postgres::Schedule schedule = conform::conform_schedule(216, postgres::Isolation::repeatable_read);
  conform::PgPlay play = conform::play_on_model(schedule);
  CHECK(step_of(schedule, play, 2, "SELECT * FROM kv WHERE id = 1 LIMIT 1 FOR UPDATE").own.kind ==
        conform::PgOutcome::Kind::blocked);
}

// Found by conform --postgres (seed 119 at serializable): T1's insert waits for T2, the deleter of
// its key; T2's COMMIT dooms T1, and T1's insert, resuming, fails with 40001 when it enters the
// primary key's index page (_bt_doinsert checks the page after the unique check). The model
// checked every index page before the insert waited, and let it finish.
TEST_CASE("serializable: an insert checks each index page for SSI conflicts after that index's unique check",
          "[postgres]") {
  postgres::Schedule schedule = conform::conform_schedule(119, postgres::Isolation::serializable);
  conform::PgPlay play = conform::play_on_model(schedule);
  const conform::PgStepOutcome& commit = step_of(schedule, play, 2, "COMMIT");
  REQUIRE(commit.resumed.count(0) == 1);
  CHECK(sqlstate(commit.resumed.at(0)) == "40001");
}

// Seed 40 at serializable: T2 waits for T1, then T1's SELECT ... FOR SHARE waits for T2 and
// closes the cycle. With deadlock_timeout running out after each step, T2's check ran before the
// cycle closed and found nothing; T1's, the first to run out after, finds it: T1 is the victim, as
// on the server.
TEST_CASE("of a cycle of waits the wait that closed it finds it when each step outlasts deadlock_timeout",
          "[postgres]") {
  postgres::Schedule schedule = conform::conform_schedule(40, postgres::Isolation::serializable);
  conform::PgPlay play = conform::play_on_model(schedule);
  CHECK(sqlstate(step_of(schedule, play, 1, "SELECT * FROM kv WHERE value % 2 = 0 ORDER BY id FOR SHARE").own) ==
        "40P01");
}

// Seed 46 at serializable: one commit ends the waits of T1 and T2; which resumes first is the
// operating system's choice on a real server, so the model plays both orders, and they differ.
TEST_CASE("statements woken together resume in every order the chooser gives", "[postgres]") {
  postgres::Schedule schedule = conform::conform_schedule(46, postgres::Isolation::serializable);
  std::vector<conform::PgPlay> plays = conform::plays_on_model(schedule);
  REQUIRE(plays.size() >= 2);
  CHECK(plays[0].resume_order.empty());
  CHECK(plays[1].resume_order == "T1 before T2");
  CHECK(conform::compare_plays(schedule, plays[0], plays[1]) != "");
}
