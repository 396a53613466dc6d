// designsim conform --postgres: generated schedules against a PostgreSQL 15 the test starts
// itself, and the SQL the typed statements are rendered to.
#include <catch2/catch.hpp>

#include <string>

#include "conform/pg_schedules.hpp"
#include "tests/postgres_server_process.hpp"

// Not in the suite yet: the per-level comparison over generated schedules (designsim conform
// --postgres --count 2000), which issue 14 asks to agree in every schedule. Its first runs still
// disagree in 5 to 8 of 300 schedules (the model raises SSI's 40001 a statement early; one release
// that wakes two sessions at once lets the server run them in either order) and take 0.5 s a
// schedule at deadlock_timeout 200 ms; the README's PostgreSQL section says what is open.

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
