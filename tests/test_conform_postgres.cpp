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
  std::vector<conform::PgVerdict> verdicts = conform::conform_schedules(options, schedules);
  REQUIRE(verdicts.size() == schedules.size());
  std::size_t reordered = 0, replayed = 0;
  for (std::size_t k = 0; k < verdicts.size(); ++k) {
    INFO(names[k] << " disagreed:\n" << verdicts[k].report);
    CHECK(verdicts[k].agreed);
    reordered += verdicts[k].resume_order.empty() ? 0 : 1;
    replayed += verdicts[k].attempts > 1 ? 1 : 0;
  }
  WARN(schedules.size() << " schedules: " << reordered << " agreed under another resume order, " << replayed
                        << " played again because a step was slower than deadlock_timeout allows");
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
  CHECK(postgres::to_sql(insert) == "INSERT INTO kv VALUES (4, 3, 39) ON CONFLICT (id) DO UPDATE SET value = kv.value "
                                    "+ 1, k = EXCLUDED.k WHERE kv.value < 30 RETURNING *");
  postgres::Update update{"kv", {postgres::set_add("value", 1)}, postgres::where::lt("value", 30), false};
  CHECK(postgres::to_sql(update) == "UPDATE kv SET value = value + 1 WHERE value < 30");
}

TEST_CASE("conform --postgres: a closed port is a PgConnectError and not a hang", "[conform]") {
  std::uint16_t port = 0;
  {
    test_support::PostgresServerProcess server;
    port = server.endpoint().port;
  }
  CHECK_THROWS_AS(conform::PgConnection(conform::Endpoint{"127.0.0.1", port}, conform::PgLogin{}),
                  conform::PgConnectError);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at read committed agree with PostgreSQL 15", "[conform]") {
  require_level_agrees(postgres::Isolation::read_committed, 2000);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at repeatable read agree with PostgreSQL 15", "[conform]") {
  require_level_agrees(postgres::Isolation::repeatable_read, 2000);
}

TEST_CASE("conform --postgres: 2,000 generated schedules at serializable agree with PostgreSQL 15", "[conform]") {
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
