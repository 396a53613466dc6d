// Goal: the simulated PostgreSQL server behaves as PostgreSQL 15 does where designs lean on it:
// clients reach it over the network on connections; backends up to max_connections; statements
// queue for its cores; lock_timeout, statement_timeout, idle_in_transaction_session_timeout and
// deadlock_timeout with their SQLSTATEs; now() is the transaction's start on the server's wall
// clock; a lost connection aborts its transaction; a lost COMMIT answer leaves the client in doubt.
#include <catch2/catch.hpp>

#include "tests/postgres_server_bench.hpp"

using namespace pgserver;

TEST_CASE("a statement's round trip is two network latencies plus its service time", "[postgres]") {
  Bench bench(quiet_options());
  auto& log = bench.session(0, {connect_after(), send(read(1)), send(add_to(1, 5)), send(read(1))});
  bench.run_for(1_s);
  REQUIRE(log.size() == 4);
  CHECK(log[0].reply.ok());
  CHECK(log[0].latency() == 2_ms);  // the startup costs no core
  CHECK(log[1].latency() == 2_ms + 100_us);
  REQUIRE(log[1].reply.rows().size() == 1);
  CHECK(log[1].reply.rows()[0] == Row{std::int64_t{1}, std::int64_t{100}});
  CHECK(log[2].reply.result.tag == "UPDATE 1");
  // An implicit transaction that wrote waits for its WAL flush (synchronous_commit on).
  CHECK(log[2].latency() == 2_ms + 100_us + 1_ms);
  CHECK(log[3].reply.rows()[0] == Row{std::int64_t{1}, std::int64_t{105}});
  CHECK(bench.stats().statements == 3);
}

TEST_CASE("statements queue for the server's cores", "[postgres]") {
  ServerOptions options = quiet_options();
  options.cores = 2;
  options.service_time = sim::DurationDist::constant(10_ms);
  Bench bench(options, 1, 5);
  std::vector<std::deque<Answer>*> logs;
  for (std::size_t i = 0; i < 5; ++i) logs.push_back(&bench.session(i, {connect_after(), send(read(1), 10_ms)}));
  bench.run_for(1_s);
  std::vector<Duration> latencies;
  for (auto* log : logs) {
    REQUIRE(log->size() == 2);
    latencies.push_back((*log)[1].latency());
  }
  // Five statements at once on two cores: two finish after one service time, two after two,
  // one after three.
  CHECK(latencies == std::vector<Duration>{12_ms, 12_ms, 22_ms, 22_ms, 32_ms});
  CHECK(bench.stats().queue_peak == 3);
}

TEST_CASE("backends up to max_connections, the last slots kept for superusers", "[postgres]") {
  ServerOptions options = quiet_options();
  options.max_connections = 3;
  options.superuser_reserved_connections = 1;
  Bench bench(options, 1, 4);
  auto& first = bench.session(0, {connect_after()});
  auto& second = bench.session(1, {connect_after(1_ms)});
  auto& third = bench.session(2, {connect_after(2_ms)});
  bench.run_for(100_ms);
  CHECK(first.at(0).reply.ok());
  CHECK(second.at(0).reply.ok());
  CHECK(third.at(0).reply.sqlstate() == "53300");
  CHECK(third.at(0).reply.result.error->message ==
        "remaining connection slots are reserved for non-replication superuser connections");
  CHECK(third.at(0).reply.closed);
  auto& admin = bench.session(2, {connect_after()}, ConnectionOptions{30_s, true});
  bench.run_for(100_ms);
  CHECK(admin.at(0).reply.ok());
  auto& late = bench.session(3, {connect_after()}, ConnectionOptions{30_s, true});
  bench.run_for(100_ms);
  CHECK(late.at(0).reply.sqlstate() == "53300");
  CHECK(late.at(0).reply.result.error->message == "sorry, too many clients already");
  CHECK(bench.stats().refused == 2);
  CHECK(bench.server().backend_count() == 3);
}

TEST_CASE("a connection closed mid-transaction aborts it and lets its row locks go", "[postgres]") {
  Bench bench(quiet_options());
  auto& holder = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 50)), close_after(100_ms)});
  auto& waiter = bench.session(1, {connect_after(10_ms), send(add_to(1, 7))});
  bench.run_for(1_s);
  REQUIRE(holder.size() == 3);
  REQUIRE(waiter.size() == 2);
  // The waiter blocked on the row until the holder's terminate arrived (about 100 ms in).
  CHECK(waiter[1].reply.result.tag == "UPDATE 1");
  CHECK(waiter[1].at > Instant::zero() + 100_ms);
  CHECK(bench.balance(1) == 107);
  CHECK(bench.server().backend_count() == 1);
}

TEST_CASE("lock_timeout fails a statement that waits too long for a lock with 55P03", "[postgres]") {
  ServerOptions options = quiet_options();
  options.lock_timeout = 200_ms;
  Bench bench(options);
  bench.session(0, {connect_after(), send(begin()), send(add_to(1, 50)), send(commit(), 2_s)});
  auto& waiter = bench.session(1, {connect_after(20_ms), send(begin()), send(add_to(1, 7)), send(read(2)),
                                   send(rollback())});
  bench.run_for(5_s);
  REQUIRE(waiter.size() == 5);
  CHECK(waiter[2].reply.sqlstate() == "55P03");
  CHECK(waiter[2].reply.result.error->message == "canceling statement due to lock timeout");
  CHECK(waiter[2].latency() >= 200_ms);
  CHECK(waiter[2].latency() < 210_ms);
  CHECK(waiter[3].reply.sqlstate() == "25P02");  // the transaction block failed with it
  CHECK(bench.balance(1) == 150);
  CHECK(bench.stats().lock_timeouts == 1);
}

TEST_CASE("statement_timeout counts from arrival, queueing and lock waits included (57014)", "[postgres]") {
  ServerOptions options = quiet_options();
  options.statement_timeout = 300_ms;
  SECTION("a statement blocked on a row lock") {
    Bench bench(options);
    bench.session(0, {connect_after(), send(begin()), send(add_to(1, 50)), send(commit(), 1_s)});
    auto& waiter = bench.session(1, {connect_after(20_ms), send(add_to(1, 7))});
    bench.run_for(3_s);
    REQUIRE(waiter.size() == 2);
    CHECK(waiter[1].reply.sqlstate() == "57014");
    CHECK(waiter[1].reply.result.error->message == "canceling statement due to statement timeout");
    CHECK(waiter[1].latency() == 300_ms + 2_ms);
    CHECK(bench.balance(1) == 150);
  }
  SECTION("a statement queued behind slow ones for the only core") {
    options.cores = 1;
    options.service_time = sim::DurationDist::constant(200_ms);
    Bench bench(options);
    auto& first = bench.session(0, {connect_after(), send(read(1), 10_ms)});
    auto& second = bench.session(1, {connect_after(), send(read(2), 10_ms)});
    bench.run_for(2_s);
    CHECK(first.at(1).reply.ok());
    // The second reached the server with the first, waited 200 ms for the core and was still on
    // it when its 300 ms ran out.
    CHECK(second.at(1).reply.sqlstate() == "57014");
    CHECK(bench.stats().statement_timeouts == 1);
  }
}

TEST_CASE("idle_in_transaction_session_timeout ends the session: 25P03 and a closed connection", "[postgres]") {
  ServerOptions options = quiet_options();
  options.idle_in_transaction_session_timeout = 500_ms;
  Bench bench(options);
  auto& idle = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 50)), send(read(1), 2_s),
                                 send(read(1))});
  auto& waiter = bench.session(1, {connect_after(20_ms), send(add_to(1, 7))});
  bench.run_for(5_s);
  REQUIRE(idle.size() == 5);
  CHECK(idle[3].reply.sqlstate() == "25P03");
  CHECK(idle[3].reply.result.error->message == "terminating connection due to idle-in-transaction timeout");
  CHECK(idle[3].reply.closed);
  CHECK(idle[4].reply.broken);  // nothing is sent on a closed connection
  REQUIRE(waiter.size() == 2);
  CHECK(waiter[1].reply.ok());
  CHECK(waiter[1].at >= Instant::zero() + 500_ms);
  CHECK(bench.balance(1) == 107);  // the idle transaction's update was rolled back
  CHECK(bench.stats().idle_timeouts == 1);
}

TEST_CASE("a deadlock is found when a waiter's deadlock_timeout fires: one victim, 40P01", "[postgres]") {
  Bench bench(quiet_options());
  auto& a = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 1)), send(add_to(2, 1), 50_ms),
                              send(commit())});
  auto& b = bench.session(1, {connect_after(), send(begin()), send(add_to(2, 1)), send(add_to(1, 1), 100_ms),
                              send(commit())});
  bench.run_for(5_s);
  REQUIRE(a.size() == 5);
  REQUIRE(b.size() == 5);
  // a began to wait first (for b's row 2, at about 57 ms); b closed the cycle 50 ms later. a's
  // deadlock_timeout (1 s, the default) fires first and finds the cycle: a is the victim, as
  // in PostgreSQL, where the backend whose check finds the cycle cancels itself.
  CHECK(a[3].reply.sqlstate() == "40P01");
  CHECK(a[3].latency() >= 1_s);
  CHECK(a[3].latency() < 1_s + 5_ms);
  CHECK(a[4].reply.result.tag == "ROLLBACK");
  CHECK(b[3].reply.ok());
  CHECK(b[4].reply.result.tag == "COMMIT");
  CHECK(bench.balance(1) == 101);
  CHECK(bench.balance(2) == 101);
  CHECK(bench.stats().deadlocks == 1);
}

TEST_CASE("now() is the transaction's start on the server's wall clock and clock_timestamp() moves", "[postgres]") {
  Bench bench(quiet_options());
  auto& log = bench.session(0, {connect_after(), send(begin()), send(SelectNow{}, 100_ms),
                                send(SelectClockTimestamp{}), send(SelectNow{}, 100_ms), send(commit()),
                                send(SelectNow{}, 1_s)});
  bench.run_for(100_ms);
  // BEGIN reached the server 1 ms after it was sent, at 3 ms (the connect took 2 ms).
  sim::WallTime begin_at = bench.world.node(bench.pg.primary()).clock().wall(Instant::zero() + 3_ms);
  bench.world.clock_step(bench.pg.primary(), 10_s);
  bench.run_for(3_s);
  REQUIRE(log.size() == 7);
  std::int64_t start = timestamp_of(log[2].reply);
  CHECK(start == begin_at.unix_ns() / 1000);
  CHECK(timestamp_of(log[4].reply) == start);  // the same transaction: the same now()
  // The wall clock stepped 10 s forward meanwhile: clock_timestamp() and the next now() show it.
  CHECK(timestamp_of(log[3].reply) - start > 10'000'000);
  CHECK(timestamp_of(log[6].reply) - start > 11'000'000);
}

TEST_CASE("a COMMIT whose answer is lost leaves the client in doubt though it committed", "[postgres]") {
  ServerOptions options = quiet_options();
  options.fsync_time = sim::DurationDist::constant(20_ms);
  Bench bench(options);
  auto& log = bench.session(0, {connect_after(), send(begin()), send(add_to(1, 30)), send(commit()),
                                send(read(1))},
                            ConnectionOptions{500_ms, false});
  // COMMIT leaves at about 6.2 ms and reaches the server 1 ms later; cut the link while its
  // flush runs, so that its answer is dropped.
  bench.run_for(15_ms);
  std::uint64_t cut = bench.world.network().isolate(bench.clients[0]);
  bench.run_for(100_ms);
  bench.world.network().heal_partition(cut);
  bench.run_for(2_s);
  REQUIRE(log.size() == 5);
  CHECK(log[3].reply.broken);
  CHECK(log[3].reply.sqlstate() == "08006");
  CHECK(log[3].latency() == 500_ms);
  CHECK(log[4].reply.broken);  // the connection was given up
  CHECK(bench.balance(1) == 130);
  CHECK(bench.server().backend_count() == 0);  // its terminate arrived once the link healed
}
