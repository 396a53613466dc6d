// Goal: the simulated PostgreSQL keeps what synchronous_commit promises and no more: with on, a
// COMMIT answers once its WAL is flushed and survives any crash; with off, it answers at once
// and a machine crash loses what the WAL writer had not flushed; a crash loses every
// transaction in progress; a restart replays the WAL the disk kept. Options are read with errors
// at the key, and one seed gives one trace.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "models/postgres/server/options.hpp"
#include "models/postgres/server/replication_options.hpp"
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
  auto read_replicated = [](const std::string& text) {
    sim::ParamReader reader(YAML::Load(text), sim::SourceMark{"t.yaml", 1, 1}, "params.postgres");
    return read_replicated_postgres_options(reader);
  };
  auto error_of = [&](const std::string& text) -> std::string {
    try {
      read_replicated(text);
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

  ServerOptions replicas =
      read_replicated(R"y({standbys: 2, synchronous_standby_names: "FIRST 1 (postgres-3, postgres-2)",
      synchronous_commit: remote_apply, promote: [{at: 2s, node: postgres-3}], patroni: {ttl: 20s}})y");
  CHECK(replicas.standbys == 2);
  CHECK(replicas.synchronous_standby_names.priority("postgres-2") == 1);
  CHECK(replicas.synchronous_commit == SynchronousCommit::remote_apply);
  REQUIRE(replicas.promote.size() == 1);
  CHECK(replicas.promote[0].node == "postgres-3");
  CHECK(replicas.patroni.enabled);
  CHECK(replicas.patroni.ttl == 20_s);
  CHECK(replicas.patroni.loop_wait == 10_s);  // Patroni's default
  CHECK_FALSE(defaults.patroni.enabled);
  CHECK_THAT(error_of("{standbys: 9}"), Catch::Contains("standbys"));
  CHECK_THAT(error_of("{standbys: 1, synchronous_standby_names: \"ANY 2 (a)\"}"),
             Catch::Contains("more synchronous standbys asked for than names given"));
  CHECK_THAT(error_of("{standbys: 1, promote: [{at: 1s, node: postgres-3}]}"),
             Catch::Contains("names no standby (postgres-2 .. postgres-2)"));
  CHECK_THAT(error_of("{patroni: {}}"), Catch::Contains("needs standbys of at least 1"));
  // A design whose clients only reach the first primary reads no replication keys.
  CHECK_THROWS_AS(read_options("{standbys: 1}"), sim::ScenarioError);
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

// --- replication ---------------------------------------------------------------------------------

namespace {

ServerOptions replicated(SynchronousCommit level, const std::string& synchronous_names) {
  ServerOptions options = quiet_options();
  options.standbys = 1;
  options.synchronous_commit = level;
  options.synchronous_standby_names = parse_synchronous_standby_names(synchronous_names);
  return options;
}

NodeId standby_of(const Bench& bench) { return bench.pg.servers().at(1); }

/// Latency of one autocommit UPDATE of account 1 at `level` with postgres-2 synchronous.
Duration commit_latency(SynchronousCommit level) {
  Bench bench(replicated(level, "postgres-2"));
  auto& log = bench.session(0, {connect_after(10_ms), send(add_to(1, 30))});
  bench.run_for(1_s);
  REQUIRE(log.size() == 2);
  REQUIRE(log[1].reply.ok());
  return log[1].latency();
}

}  // namespace

TEST_CASE("asynchronous replication: COMMIT answers before the standby has it, whose reads see it later",
          "[postgres]") {
  Bench bench(replicated(SynchronousCommit::on, ""));
  NodeId standby = standby_of(bench);
  // The standby's link is slow (40 ms each way); the clients' are 1 ms.
  bench.world.network().degrade({bench.pg.primary()}, {standby}, sim::LinkOptions{sim::DurationDist::constant(40_ms)});
  auto& write = bench.session(0, {connect_after(10_ms), send(add_to(1, 30))});
  auto& early = bench.session_on(standby, 1, {connect_after(), send(read(1), 13_ms)});
  auto& late = bench.session_on(standby, 2, {connect_after(), send(read(1), 60_ms)});
  bench.run_for(1_s);
  REQUIRE(write.size() == 2);
  CHECK(write[1].latency() == 2_ms + 100_us + 1_ms);  // the local flush only
  REQUIRE(early.size() == 2);
  REQUIRE(late.size() == 2);
  CHECK(early[0].reply.ok());
  // Read after the commit was acknowledged, before the standby replayed it: the old balance.
  CHECK(early[1].at > write[1].at);
  CHECK(std::get<std::int64_t>(early[1].reply.rows().at(0)[1]) == 100);
  CHECK(std::get<std::int64_t>(late[1].reply.rows().at(0)[1]) == 130);
  CHECK(bench.balance_on(standby, 1) == 130);
}

TEST_CASE("synchronous replication: remote_write, on and remote_apply wait for the standby's write, flush, replay",
          "[postgres]") {
  // Client to primary 1 ms, 100 us of service, local flush 1 ms; the standby is 1 ms away, writes at
  // once, flushes in 1 ms and replays in 20 us; its answer takes 1 ms back; the reply 1 ms.
  CHECK(commit_latency(SynchronousCommit::local) == 3_ms + 100_us);
  CHECK(commit_latency(SynchronousCommit::remote_write) == 5_ms + 100_us);
  CHECK(commit_latency(SynchronousCommit::on) == 6_ms + 100_us);
  CHECK(commit_latency(SynchronousCommit::remote_apply) == 6_ms + 120_us);
}

TEST_CASE("a commit waiting for a synchronous standby that is gone waits until it comes back", "[postgres]") {
  Bench bench(replicated(SynchronousCommit::on, "postgres-2"));
  NodeId standby = standby_of(bench);
  bench.run_for(5_ms);
  bench.world.crash(standby, true);
  auto& log = bench.session(0, {connect_after(), send(add_to(1, 30))}, ConnectionOptions{Duration::minutes(10), false});
  bench.run_for(5_s);
  CHECK(log.size() == 1);               // connected; the UPDATE's COMMIT has no answer
  CHECK(bench.balance(1) == 130);       // committed locally, visible on the primary
  bench.world.restart(standby);         // it asks to stream from where its disk ends
  bench.run_for(100_ms);
  REQUIRE(log.size() == 2);
  CHECK(log[1].reply.ok());
  CHECK(log[1].at - log[1].sent > 5_s);
  CHECK(bench.balance_on(standby, 1) == 130);
}

TEST_CASE("a hot standby refuses writes with 25006 and serializable with 0A000", "[postgres]") {
  Bench bench(replicated(SynchronousCommit::on, ""));
  NodeId standby = standby_of(bench);
  Statement lock = Select{"accounts", where::eq("id", 1), {}, std::nullopt, RowLocking{}};
  auto& log = bench.session_on(standby, 0,
                               {connect_after(), send(add_to(1, 5)), send(insert_account(3, 1)), send(lock),
                                send(begin(Isolation::serializable)), send(read(2))});
  bench.run_for(1_s);
  REQUIRE(log.size() == 6);
  CHECK(log[1].reply.sqlstate() == "25006");
  CHECK(log[1].reply.result.error->message == "cannot execute UPDATE in a read-only transaction");
  CHECK(log[2].reply.result.error->message == "cannot execute INSERT in a read-only transaction");
  CHECK(log[3].reply.result.error->message == "cannot execute SELECT FOR UPDATE in a read-only transaction");
  CHECK(log[4].reply.sqlstate() == "0A000");
  CHECK(log[5].reply.ok());
  CHECK(bench.balance_on(standby, 1) == 100);
}

TEST_CASE("promotion: the standby takes a new timeline, and async commits it never received are lost",
          "[postgres]") {
  Bench bench(replicated(SynchronousCommit::on, ""));
  NodeId standby = standby_of(bench);
  bench.world.network().degrade({bench.pg.primary()}, {standby}, sim::LinkOptions{sim::DurationDist::constant(40_ms)});
  auto& first = bench.session(0, {connect_after(), send(add_to(1, 30))});
  auto& second = bench.session(1, {connect_after(100_ms), send(add_to(2, 7))});
  bench.run_for(110_ms);
  REQUIRE(second.size() == 2);
  CHECK(second[1].reply.ok());  // acknowledged at about 104 ms; its WAL reaches the standby at about 144 ms
  bench.world.crash(bench.pg.primary(), true);
  bench.server(standby).promote();
  CHECK(bench.server(standby).role() == Server::Role::primary);
  CHECK(bench.server(standby).timelines().current == 2);
  CHECK(bench.pg.current_primary() == standby);
  REQUIRE(first.size() == 2);
  CHECK(bench.balance_on(standby, 1) == 130);
  CHECK(bench.balance_on(standby, 2) == 100);  // the acknowledged +7 is lost
  auto& after = bench.session_on(standby, 2, {connect_after(), send(add_to(2, 1))});
  bench.run_for(100_ms);
  REQUIRE(after.size() == 2);
  CHECK(after[1].reply.ok());
  CHECK(bench.balance_on(standby, 2) == 101);
}

namespace {

std::uint64_t replicated_run_hash(std::uint64_t seed) {
  ServerOptions options = replicated(SynchronousCommit::remote_apply, "ANY 1 (postgres-2, postgres-3)");
  options.standbys = 2;
  options.fsync_time = sim::DurationDist{sim::DurationDist::Kind::uniform, 1_ms, 4_ms, 0.0};
  options.replay_time = sim::DurationDist{sim::DurationDist::Kind::exponential, 200_us, Duration::zero(), 0.0};
  Bench bench(options, seed, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<Action> script{connect_after()};
    for (std::size_t round = 0; round < 20; ++round)
      script.push_back(send(add_to(static_cast<std::int64_t>(1 + (round + i) % 2), 1)));
    bench.session(i, std::move(script));
  }
  bench.run_for(30_ms);
  bench.world.crash(bench.pg.servers().at(1), true);
  bench.run_for(2_s);
  CHECK(bench.balance_on(bench.pg.servers().at(2), 1) + bench.balance_on(bench.pg.servers().at(2), 2) == 260);
  return bench.world.trace().hash();
}

}  // namespace

TEST_CASE("a replicated PostgreSQL run: one seed gives one trace, another seed another", "[postgres]") {
  CHECK(replicated_run_hash(5) == replicated_run_hash(5));
  CHECK(replicated_run_hash(5) != replicated_run_hash(6));
}

TEST_CASE("synchronous_standby_names is read as PostgreSQL reads it", "[postgres]") {
  SynchronousStandbys plain = parse_synchronous_standby_names("postgres-2, postgres-3");
  CHECK(plain.method == SynchronousStandbys::Method::first);
  CHECK(plain.count == 1);
  CHECK(plain.priority("postgres-3") == 1);
  CHECK(plain.priority("postgres-4") == -1);
  SynchronousStandbys any = parse_synchronous_standby_names("any 2 (a, b, c)");
  CHECK(any.method == SynchronousStandbys::Method::any);
  CHECK(any.count == 2);
  CHECK(parse_synchronous_standby_names("").count == 0);
  CHECK(parse_synchronous_standby_names("FIRST 1 (*)").priority("x") == 0);
  CHECK_THROWS_AS(parse_synchronous_standby_names("FIRST 3 (a, b)"), std::invalid_argument);
  CHECK_THROWS_AS(parse_synchronous_standby_names("ANY (a)"), std::invalid_argument);
  CHECK_THROWS_AS(parse_synchronous_standby_names("a,,b"), std::invalid_argument);
}

TEST_CASE("Patroni: an isolated primary serves its side until it demotes, and the standby promotes after the TTL",
          "[postgres]") {
  ServerOptions options = replicated(SynchronousCommit::on, "");
  options.patroni.enabled = true;  // ttl 30 s, loop_wait 10 s, retry_timeout 10 s
  Bench bench(options);
  NodeId old_primary = bench.pg.primary();
  NodeId standby = standby_of(bench);
  bench.run_for(1_s);
  // client-1 stays with the old primary; the key service, the standby and the rest are on the other side.
  bench.world.network().partition({{old_primary, bench.clients[0]}});
  std::vector<Action> script{connect_after()};
  for (int i = 0; i < 40; ++i) script.push_back(send(add_to(1, 1), 1_s));
  auto& window = bench.session(0, std::move(script), ConnectionOptions{2_s, false});
  // The old primary renewed its key at 0 s; its loop at about 10 s gets no answer and, retry_timeout
  // later, demotes it. The key expires 30 s after that last renewal; the standby takes it then.
  bench.run_for(18_s);  // 19 s
  CHECK(bench.server(old_primary).role() == Server::Role::primary);
  CHECK(bench.server(standby).role() == Server::Role::standby);
  bench.run_for(10_s);  // 29 s
  CHECK(bench.server(old_primary).role() == Server::Role::standby);
  CHECK(bench.server(standby).role() == Server::Role::standby);
  CHECK(bench.pg.stats(old_primary).demotions == 1);
  std::size_t acknowledged = 0;
  for (const Answer& answer : window)
    acknowledged += answer.reply.ok() && answer.reply.result.tag == "UPDATE 1" ? 1 : 0;
  CHECK(acknowledged >= 15);  // writes acknowledged inside the window, never replicated
  bench.run_for(6_s);         // 35 s
  CHECK(bench.server(standby).role() == Server::Role::primary);
  CHECK(bench.pg.current_primary() == standby);
  CHECK(bench.balance_on(standby, 1) == 100);
  CHECK(bench.balance_on(old_primary, 1) == 100 + static_cast<std::int64_t>(acknowledged));
}
