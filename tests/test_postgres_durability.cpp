// Goal: the simulated PostgreSQL keeps what synchronous_commit promises and no more: with on, a
// COMMIT answers once its WAL is flushed and survives any crash; with off, it answers at once
// and a machine crash loses what the WAL writer had not flushed; a crash loses every
// transaction in progress; a restart replays the WAL the disk kept. Options are read with errors
// at the key, and one seed gives one trace.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "models/postgres/server/options.hpp"
#include "models/postgres/wal_record.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"
#include "tests/postgres_server_bench.hpp"

using namespace pgserver;

TEST_CASE("with synchronous_commit on, an acknowledged commit survives a machine crash", "[postgres]") {
  ServerOptions options = quiet_options();
  options.fsync_time = sim::DurationDist::constant(5_ms);
  Bench bench(options);
  auto& log = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 30)), send(insert_account(3, 7)),
                                send(commit())});
  bench.run_for(1_s);
  REQUIRE(log.size() == 5);
  CHECK(log[4].reply.result.tag == "COMMIT");
  CHECK(log[4].latency() == 2_ms + 100_us + 5_ms);  // the answer waited for the flush
  bench.world.crash(bench.pg.primary(), true);
  bench.world.restart(bench.pg.primary());
  bench.run_for(10_ms);
  CHECK(bench.balance(1) == 130);
  CHECK(bench.balance(3) == 7);
  CHECK(bench.stats().replayed == 1);
}

TEST_CASE("commits arriving during a flush share the next one (group commit)", "[postgres]") {
  ServerOptions options = quiet_options();
  options.fsync_time = sim::DurationDist::constant(10_ms);
  Bench bench(options, 1, 3);
  for (std::size_t i = 0; i < 3; ++i)
    bench.session(i, {connect_after(), send(add_to(1, 1), 1_ms * static_cast<std::int64_t>(i))});
  bench.run_for(1_s);
  // The first commit starts a flush at once; the two that come during it share the next.
  CHECK(bench.stats().commits_logged == 3);
  CHECK(bench.stats().flushes == 2);
  CHECK(bench.balance(1) == 103);
}

TEST_CASE("with synchronous_commit off, a machine crash loses what the WAL writer had not flushed", "[postgres]") {
  ServerOptions options = quiet_options();
  options.synchronous_commit = SynchronousCommit::off;
  options.wal_writer_delay = 200_ms;
  Bench bench(options);
  // Acknowledged at once (no flush), at about 4 ms: the WAL writer's first flush is at 200 ms.
  auto& early = bench.session(0, {connect_after(), send(add_to(1, 10))});
  auto& late = bench.session(1, {connect_after(250_ms), send(add_to(2, 10))});
  bench.run_for(100_ms);
  REQUIRE(early.size() == 2);
  CHECK(early[1].latency() == 2_ms + 100_us);
  SECTION("a crash before the WAL writer's flush loses the acknowledged commit") {
    bench.world.crash(bench.pg.primary(), true);
    bench.world.restart(bench.pg.primary());
    bench.run_for(10_ms);
    CHECK(bench.balance(1) == 100);
  }
  SECTION("after a flush it survives, and a later commit is lost in its turn") {
    bench.run_for(160_ms);  // now 260 ms: flushed at 200 ms; the late commit was acknowledged at ~255 ms
    REQUIRE(late.size() == 2);
    CHECK(late[1].reply.ok());
    bench.world.crash(bench.pg.primary(), true);
    bench.world.restart(bench.pg.primary());
    bench.run_for(10_ms);
    CHECK(bench.balance(1) == 110);
    CHECK(bench.balance(2) == 100);
  }
}

TEST_CASE("a crash loses every transaction in progress and its client finds the connection gone", "[postgres]") {
  Bench bench(quiet_options());
  auto& log = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 30)), send(commit(), 100_ms),
                                send(read(1))});
  bench.run_for(50_ms);
  bench.world.crash(bench.pg.primary(), false);  // a process crash: the disk keeps all it was given
  bench.world.restart(bench.pg.primary());
  bench.run_for(1_s);
  REQUIRE(log.size() == 5);
  // The restarted server knows no such backend: the COMMIT is answered as a reset would be.
  CHECK(log[3].reply.closed);
  CHECK(log[3].reply.sqlstate() == "08006");
  CHECK(log[4].reply.broken);
  CHECK(bench.balance(1) == 100);
  CHECK(bench.stats().boots == 2);
}

TEST_CASE("a WAL record reads back as it was written", "[postgres]") {
  CommitRecord record{7,
                      {{"accounts", 3, Row{std::int64_t{-12}, std::string("a;b:c"), Null{}, true}},
                       {"accounts", 1, std::nullopt},
                       {"t", 9, Row{std::string(), false}}}};
  CHECK(decode(encode(record)) == record);
  CHECK_THROWS_AS(decode(encode(record) + "x"), std::invalid_argument);
  CHECK_THROWS_AS(decode("1;2;"), std::invalid_argument);
}

TEST_CASE("postgres options read from a scenario section, with errors at the key", "[postgres]") {
  auto read_options = [](const std::string& text) {
    sim::ParamReader reader(YAML::Load(text), sim::SourceMark{"t.yaml", 1, 1}, "params.postgres");
    return read_postgres_options(reader);
  };
  auto error_of = [&](const std::string& text) -> std::string {
    try {
      read_options(text);
    } catch (const sim::ScenarioError& error) {
      return error.message;
    }
    return "no error";
  };
  ServerOptions defaults = read_options("{}");
  CHECK(defaults.max_connections == 100);
  CHECK(defaults.superuser_reserved_connections == 3);
  CHECK(defaults.deadlock_timeout == 1_s);
  CHECK(defaults.lock_timeout == Duration::zero());
  CHECK(defaults.synchronous_commit == SynchronousCommit::on);
  CHECK(defaults.wal_writer_delay == 200_ms);

  ServerOptions written = read_options(R"({max_connections: 20, superuser_reserved_connections: 0, cores: 8,
      service_time: {dist: exponential, mean: 200us}, lock_timeout: 2s, statement_timeout: 30s,
      idle_in_transaction_session_timeout: 1m, deadlock_timeout: 100ms, synchronous_commit: "off",
      fsync_time: 3ms, wal_writer_delay: 10ms})");
  CHECK(written.max_connections == 20);
  CHECK(written.superuser_reserved_connections == 0);
  CHECK(written.cores == 8);
  CHECK(written.lock_timeout == 2_s);
  CHECK(written.idle_in_transaction_session_timeout == 60_s);
  CHECK(written.synchronous_commit == SynchronousCommit::off);
  CHECK(written.wal_writer_delay == 10_ms);

  CHECK_THAT(error_of("{max_connections: 0}"), Catch::Contains("max_connections"));
  CHECK_THAT(error_of("{max_connections: 5, superuser_reserved_connections: 5}"),
             Catch::Contains("superuser_reserved_connections"));
  CHECK_THAT(error_of("{synchronous_commit: maybe}"), Catch::Contains("synchronous_commit"));
  CHECK_THAT(error_of("{wal_writer_delay: 20s}"), Catch::Contains("wal_writer_delay"));
  CHECK_THAT(error_of("{deadlock_timeout: 0s}"), Catch::Contains("deadlock_timeout"));
  CHECK_THAT(error_of("{lock_timeout: -1s}"), Catch::Contains("lock_timeout"));
  CHECK_THAT(error_of("{max_conections: 5}"), Catch::Contains("max_connections"));  // the nearest key
}

namespace {

// A small busy run: random service and fsync times, clients contending for two rows, a crash.
std::uint64_t busy_run_hash(std::uint64_t seed) {
  ServerOptions options;
  options.cores = 2;
  options.service_time = sim::DurationDist{sim::DurationDist::Kind::exponential, 300_us, Duration::zero(), 0.0};
  options.fsync_time = sim::DurationDist{sim::DurationDist::Kind::uniform, 1_ms, 4_ms, 0.0};
  options.lock_timeout = 5_ms;
  Bench bench(options, seed, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<Action> script{connect_after()};
    for (int round = 0; round < 20; ++round) {
      auto id = static_cast<std::int64_t>(1 + (round + i) % 2);
      script.push_back(send(begin()));
      script.push_back(send(add_to(id, 1)));
      script.push_back(send(add_to(3 - id, -1)));
      script.push_back(send(commit()));
    }
    bench.session(i, std::move(script));
  }
  bench.run_for(60_ms);
  bench.world.crash(bench.pg.primary(), true);
  bench.world.restart(bench.pg.primary());
  bench.run_for(2_s);
  return bench.world.trace().hash();
}

}  // namespace

TEST_CASE("a PostgreSQL server run: one seed gives one trace, another seed another", "[postgres]") {
  CHECK(busy_run_hash(21) == busy_run_hash(21));
  CHECK(busy_run_hash(21) != busy_run_hash(22));
}
