// Goal: the simulated Redis server behaves as Redis 7.0 does where designs lean on it: one thread
// queues load; expiry follows the server's wall clock, steps included; persistence keeps what
// its fsync policy promises and no more; replicas follow their master, refuse writes and do not
// expire keys themselves; Sentinel promotes the most up-to-date replica and acknowledged writes
// that never left the old master are lost; WAIT counts per connection; cluster keys route by
// CRC16 hash slots; one seed gives one trace.
#include <catch2/catch.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/redis/client.hpp"
#include "models/redis/cluster.hpp"
#include "models/redis/deployment.hpp"
#include "models/redis/options.hpp"
#include "models/redis/persistence.hpp"
#include "models/redis/sentinel.hpp"
#include "models/redis/server.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

using namespace sim::literals;
using redis::Reply;
using sim::Duration;
using sim::Instant;
using sim::NodeId;

namespace {

/// How one command ended, as the client saw it.
struct Outcome {
  Instant sent;
  Instant at;
  sim::error_code ec;
  Reply reply;
  Duration latency() const { return at - sent; }
};

sim::Task<void> issue(sim::World& world, NodeId server, std::vector<std::string> argv, std::uint64_t connection,
                      std::optional<Outcome>& out) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  Instant sent = world.now();
  sim::error_code ec;
  Reply reply = co_await redis::call(ex, server, std::move(argv), 60_s,
                                     boost::asio::redirect_error(sim::use_awaitable, ec), connection);
  out = Outcome{sent, world.now(), ec, std::move(reply)};
}

redis::RedisOptions base_options() {
  redis::RedisOptions options;
  options.service_time = sim::DurationDist::constant(20_us);
  return options;
}

/// A deployment and one client node, 1 ms apart (one way), booted and running; `before_boot`
/// may cut the network first.
struct Bench {
  explicit Bench(redis::RedisOptions options, std::uint64_t seed = 1,
                 const std::function<void(sim::World&)>& before_boot = {})
      : world(seed), redis(std::move(options)) {
    world.trace().keep_records(100'000);
    redis.build(world);
    client = world.add_node("client", {"client"});
    sim::LinkOptions link;
    link.latency = sim::DurationDist::constant(1_ms);
    world.start_network(sim::NetworkOptions{link, {}});
    if (before_boot) before_boot(world);
    world.boot_all();
    world.run_until(Instant::zero() + 1_s);
  }

  NodeId node(const std::string& name) const { return *world.find_node(name); }

  /// Sends one command now and runs the world for `run_for`; the outcome, if any came.
  std::optional<Outcome> send(NodeId server, std::vector<std::string> argv, std::uint64_t connection = 0,
                              Duration run_for = 100_ms) {
    std::optional<Outcome> out;
    sim::spawn(world.executor(client), issue(world, server, std::move(argv), connection, out));
    world.run_until(world.now() + run_for);
    return out;
  }
  /// The reply, which must have come.
  Reply ask(NodeId server, std::vector<std::string> argv, std::uint64_t connection = 0, Duration run_for = 100_ms) {
    std::optional<Outcome> out = send(server, std::move(argv), connection, run_for);
    REQUIRE(out);
    REQUIRE_FALSE(out->ec);
    return out->reply;
  }
  void run_for(Duration d) { world.run_until(world.now() + d); }

  sim::World world;
  redis::Deployment redis;
  NodeId client = 0;
};

bool has_record(sim::World& world, std::string_view kind) {
  for (const sim::TraceRecord& record : world.trace().records())
    if (record.kind == kind) return true;
  return false;
}

/// When the first record of `kind` was traced.
std::optional<Instant> first_record(sim::World& world, std::string_view kind) {
  for (const sim::TraceRecord& record : world.trace().records())
    if (record.kind == kind) return record.time;
  return std::nullopt;
}

/// The field `name` of an INFO reply's text.
std::string info_field(const Reply& info, const std::string& name) {
  std::size_t at = info.text.find("\r\n" + name + ":");
  if (at == std::string::npos) return "missing";
  std::size_t start = at + 2 + name.size() + 1;
  return info.text.substr(start, info.text.find("\r\n", start) - start);
}

}  // namespace

TEST_CASE("a command's round trip is two network latencies plus the service time", "[redis-server]") {
  Bench bench(base_options());
  NodeId master = bench.redis.route("greeting");
  std::optional<Outcome> set = bench.send(master, {"SET", "greeting", "hello"});
  REQUIRE(set);
  CHECK(set->reply == Reply::ok());
  CHECK(set->latency() == 2_ms + 20_us);
  std::optional<Outcome> get = bench.send(master, {"GET", "greeting"});
  REQUIRE(get);
  CHECK(get->reply == Reply::bulk("hello"));
  CHECK(get->latency() == 2_ms + 20_us);
  CHECK(bench.redis.stats().commands_served == 2);
}

TEST_CASE("concurrent commands queue behind the single thread, one service time apart", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.service_time = sim::DurationDist::constant(1_ms);
  Bench bench(options);
  NodeId master = bench.redis.route("counter");
  constexpr int clients = 5;
  std::vector<std::optional<Outcome>> outcomes(clients);
  for (int i = 0; i < clients; ++i)
    sim::spawn(bench.world.executor(bench.client),
               issue(bench.world, master, {"INCR", "counter"}, static_cast<std::uint64_t>(i + 1), outcomes[static_cast<std::size_t>(i)]));
  bench.run_for(100_ms);
  std::vector<std::int64_t> counts;
  for (int i = 0; i < clients; ++i) {
    const auto& outcome = outcomes[static_cast<std::size_t>(i)];
    REQUIRE(outcome);
    CHECK(outcome->latency() == 2_ms + 1_ms * (i + 1));
    counts.push_back(outcome->reply.integer);
  }
  CHECK(counts == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(bench.redis.stats().queue_peak == clients);
}

TEST_CASE("a key's expiry follows the server's wall clock, steps included", "[redis-server]") {
  Bench bench(base_options());
  NodeId master = bench.redis.route("lock");
  CHECK(bench.ask(master, {"SET", "lock", "owner-1", "NX", "PX", "30000"}) == Reply::ok());
  CHECK(bench.ask(master, {"SET", "lease", "owner-1", "PX", "30000"}) == Reply::ok());

  SECTION("a step forward expires the key early") {
    bench.world.clock_step(master, 40_s);
    CHECK(bench.ask(master, {"PTTL", "lock"}) == Reply::from_integer(-2));
    CHECK(bench.ask(master, {"GET", "lease"}) == Reply::null());
    CHECK(bench.ask(master, {"SET", "lock", "owner-2", "NX", "PX", "30000"}) == Reply::ok());
  }
  SECTION("a step back lengthens every TTL by the step") {
    bench.world.clock_step(master, -60_s);
    Reply pttl = bench.ask(master, {"PTTL", "lock"});
    CHECK(pttl.integer > 89'000);
    CHECK(pttl.integer <= 90'000);
    bench.run_for(35_s);  // past the original deadline in true time
    CHECK(bench.ask(master, {"GET", "lock"}) == Reply::bulk("owner-1"));
  }
  SECTION("without a step the key lives its TTL, then active expiry reclaims it unread") {
    bench.run_for(29_s);
    CHECK(bench.ask(master, {"GET", "lock"}) == Reply::bulk("owner-1"));
    bench.run_for(2_s);
    CHECK(bench.redis.server(master)->key_count() == 0);
  }
}

TEST_CASE("persistence keeps what its fsync policy promises across a crash", "[redis-server]") {
  SECTION("none: a restart starts empty") {
    Bench bench(base_options());
    NodeId master = bench.redis.route("k");
    CHECK(bench.ask(master, {"SET", "k", "v"}) == Reply::ok());
    bench.world.crash(master);
    bench.world.restart(master);
    CHECK(bench.ask(master, {"GET", "k"}) == Reply::null());
    CHECK(bench.redis.stats().servers[0].figures.boots == 2);
  }
  SECTION("always: every acknowledged write survives a machine crash") {
    redis::RedisOptions options = base_options();
    options.persistence = redis::Persistence::always;
    Bench bench(options);
    NodeId master = bench.redis.route("k");
    for (int i = 0; i < 3; ++i) CHECK(bench.ask(master, {"INCR", "k"}, 0, 1_ms * 3) == Reply::from_integer(i + 1));
    bench.world.crash(master, true);
    bench.world.restart(master);
    CHECK(bench.ask(master, {"GET", "k"}) == Reply::bulk("3"));
    CHECK(bench.redis.stats().servers[0].figures.aof_replayed == 3);
  }
  SECTION("everysec: a machine crash loses the writes of the last second") {
    redis::RedisOptions options = base_options();
    options.persistence = redis::Persistence::everysec;
    Bench bench(options);  // at 1 s; the fsync runs at every whole second of the server's uptime
    NodeId master = bench.redis.route("early");
    bench.run_for(200_ms);
    CHECK(bench.ask(master, {"SET", "early", "1"}) == Reply::ok());  // synced at 2 s
    bench.run_for(900_ms);
    CHECK(bench.ask(master, {"SET", "late", "1"}) == Reply::ok());  // at ~2.2 s, not yet synced
    bench.world.crash(master, true);
    bench.world.restart(master);
    CHECK(bench.ask(master, {"GET", "early"}) == Reply::bulk("1"));
    CHECK(bench.ask(master, {"GET", "late"}) == Reply::null());
  }
  SECTION("everysec: a process crash with the machine up keeps the page cache") {
    redis::RedisOptions options = base_options();
    options.persistence = redis::Persistence::everysec;
    Bench bench(options);
    NodeId master = bench.redis.route("late");
    bench.run_for(200_ms);
    CHECK(bench.ask(master, {"SET", "late", "1"}) == Reply::ok());
    bench.world.crash(master, false);
    bench.world.restart(master);
    CHECK(bench.ask(master, {"GET", "late"}) == Reply::bulk("1"));
  }
}

TEST_CASE("a replica follows its master, refuses writes and leaves expiry to the master", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  CHECK(bench.redis.server(replica)->link_up());
  CHECK(bench.ask(master, {"SET", "k", "v"}) == Reply::ok());
  CHECK(bench.ask(replica, {"GET", "k"}) == Reply::bulk("v"));
  CHECK(bench.redis.server(replica)->offset() == bench.redis.server(master)->offset());

  Reply refused = bench.ask(replica, {"SET", "k", "other"});
  CHECK(refused == Reply::error("READONLY You can't write against a read only replica."));
  CHECK(bench.ask(replica, {"GET", "k"}) == Reply::bulk("v"));

  Reply role = bench.ask(replica, {"ROLE"});
  REQUIRE(role.elements.size() == 5);
  CHECK(role.elements[0] == Reply::bulk("slave"));
  CHECK(role.elements[1] == Reply::bulk("redis-0"));
  CHECK(role.elements[3] == Reply::bulk("connected"));

  // Cut the stream: the master's active expiry deletes the key, the replica keeps it (it
  // never expires keys itself) until the master's DEL arrives.
  CHECK(bench.ask(master, {"SET", "short", "v", "PX", "100"}) == Reply::ok());
  std::uint64_t cut = bench.world.network().partition_one_way({master}, {replica});
  bench.run_for(2_s);
  CHECK(bench.redis.server(master)->key_count() == 1);
  CHECK(bench.redis.server(replica)->key_count() == 2);
  bench.world.network().heal_partition(cut);
  bench.run_for(2_s);  // the next heartbeat shows the gap; the replica continues from its offset
  CHECK(bench.redis.server(replica)->key_count() == 1);
  CHECK(bench.redis.server(replica)->offset() == bench.redis.server(master)->offset());
  CHECK(has_record(bench.world, "redis.psync"));
}

TEST_CASE("a script's writes replicate as their effects", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  Reply reply = bench.ask(master, {"EVAL", "return redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)", "1", "lock", "me"});
  CHECK(reply == Reply::ok());
  CHECK(bench.ask(replica, {"GET", "lock"}) == Reply::bulk("me"));
  Reply ttl = bench.ask(replica, {"PTTL", "lock"});
  CHECK(ttl.integer > 59'000);
  CHECK(ttl.integer <= 60'000);
}

TEST_CASE("a replica restarted without persistence reloads the master's dataset by full resync", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  CHECK(bench.ask(master, {"SET", "a", "1"}) == Reply::ok());
  bench.world.crash(replica);
  CHECK(bench.ask(master, {"SET", "b", "2", "PX", "60000"}) == Reply::ok());
  CHECK(bench.ask(master, {"HSET", "h", "f2", "x", "f1", "y"}) == Reply::from_integer(2));
  CHECK(bench.ask(master, {"ZADD", "z", "2.5", "m2", "-1", "m1"}) == Reply::from_integer(2));
  bench.world.restart(replica);
  bench.run_for(100_ms);
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 2);
  CHECK(has_record(bench.world, "redis.full_resync"));
  CHECK(bench.ask(replica, {"GET", "a"}) == Reply::bulk("1"));
  CHECK(bench.ask(replica, {"GET", "b"}) == Reply::bulk("2"));
  Reply ttl = bench.ask(replica, {"PTTL", "b"});
  CHECK(ttl.integer > 59'000);
  CHECK(ttl.integer <= 60'000);
  CHECK(bench.ask(replica, {"HGETALL", "h"}) == bench.ask(master, {"HGETALL", "h"}));
  CHECK(bench.ask(replica, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        bench.ask(master, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}));
}

TEST_CASE("a replica behind by more than the backlog needs a full resync", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  std::uint64_t cut = bench.world.network().partition_one_way({master}, {replica});
  std::vector<std::optional<Outcome>> outcomes(40);
  std::string value(32 * 1024, 'x');  // 40 x 32 KiB: past the 1 MB backlog
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    sim::spawn(bench.world.executor(bench.client),
               issue(bench.world, master, {"SET", "k" + std::to_string(i % 4), value}, 0, outcomes[i]));
  bench.run_for(100_ms);
  bench.world.network().heal_partition(cut);
  bench.run_for(2_s);
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 2);
  CHECK(bench.redis.server(replica)->offset() == bench.redis.server(master)->offset());
  CHECK(bench.redis.server(replica)->key_count() == 4);
}

TEST_CASE("a master keeps no backlog until its first replica syncs, which starts a new lineage", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  std::uint64_t cut = 0;
  Bench bench(options, 1, [&](sim::World& world) { cut = world.network().isolate(*world.find_node("redis-0-r1")); });
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  const redis::Server* primary = bench.redis.server(master);
  std::string boot_replid = primary->replid();

  // No replica yet: the writes apply but nothing is kept for replication and the offset stands.
  CHECK(bench.ask(master, {"SET", "a", "1"}, 7) == Reply::ok());
  CHECK(bench.ask(master, {"INCR", "n"}, 7) == Reply::from_integer(1));
  CHECK_FALSE(primary->has_backlog());
  CHECK(primary->offset() == 0);
  CHECK(bench.ask(master, {"ROLE"}).elements.at(1) == Reply::from_integer(0));
  CHECK(info_field(bench.ask(master, {"INFO", "replication"}), "master_repl_offset") == "0");
  CHECK(bench.ask(master, {"WAIT", "0", "0"}, 7) == Reply::from_integer(0));
  std::optional<Outcome> alone = bench.send(master, {"WAIT", "1", "200"}, 7, 1_s);
  REQUIRE(alone);
  CHECK(alone->reply == Reply::from_integer(0));
  CHECK(alone->latency() >= 200_ms);

  // The replica's PSYNC gets through: a full resync under a new replication id.
  bench.world.network().heal_partition(cut);
  bench.run_for(2_s);
  REQUIRE(bench.redis.server(replica)->link_up());
  CHECK(primary->has_backlog());
  CHECK(primary->replid() != boot_replid);
  CHECK(bench.redis.server(replica)->replid() == primary->replid());
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 1);
  CHECK(has_record(bench.world, "redis.backlog_created"));
  CHECK(bench.ask(replica, {"GET", "a"}) == Reply::bulk("1"));
  CHECK(primary->offset() == 0);
  // The connection's writes came in the dataset, which the replica acknowledged.
  std::optional<Outcome> covered = bench.send(master, {"WAIT", "1", "1000"}, 7);
  REQUIRE(covered);
  CHECK(covered->reply == Reply::from_integer(1));
  CHECK(covered->latency() < 10_ms);

  // From now on writes move the offset and stream to the replica, which WAIT counts.
  CHECK(bench.ask(master, {"SET", "b", "2"}, 7) == Reply::ok());
  CHECK(primary->offset() > 0);
  std::optional<Outcome> waited = bench.send(master, {"WAIT", "1", "1000"}, 7);
  REQUIRE(waited);
  CHECK(waited->reply == Reply::from_integer(1));
  CHECK(waited->latency() < 10_ms);
  CHECK(bench.ask(replica, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(bench.redis.server(replica)->offset() == primary->offset());
  CHECK(info_field(bench.ask(master, {"INFO", "replication"}), "master_repl_offset") ==
        std::to_string(primary->offset()));
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 1);
}

TEST_CASE("a master frees its backlog after repl-backlog-ttl without replicas, under a new id", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  const redis::Server* primary = bench.redis.server(master);
  CHECK(bench.ask(master, {"SET", "a", "1"}) == Reply::ok());
  std::uint64_t offset = primary->offset();
  std::string replid = primary->replid();
  REQUIRE(offset > 0);

  std::uint64_t cut = bench.world.network().isolate(replica);
  bench.run_for(70_s);
  CHECK(primary->attached_replicas() == 0);
  bench.run_for(3500_s);
  CHECK(primary->has_backlog());  // not yet an hour since the replica went
  CHECK(bench.redis.server(replica)->has_backlog());
  bench.run_for(100_s);
  CHECK_FALSE(primary->has_backlog());
  CHECK(primary->replid() != replid);
  std::optional<Instant> dropped = first_record(bench.world, "redis.replica_dropped");
  std::optional<Instant> freed = first_record(bench.world, "redis.backlog_freed");
  REQUIRE(dropped);
  REQUIRE(freed);
  CHECK(*freed - *dropped > 3600_s);
  CHECK(*freed - *dropped <= 3602_s);
  // A replica never frees its own: it may be promoted and asked to continue.
  CHECK(bench.redis.server(replica)->has_backlog());

  // Writes no longer move the offset; the returning replica cannot continue and resyncs fully.
  CHECK(bench.ask(master, {"SET", "b", "2"}) == Reply::ok());
  CHECK(primary->offset() == offset);
  std::string freed_replid = primary->replid();
  bench.world.network().heal_partition(cut);
  bench.run_for(3_s);
  REQUIRE(bench.redis.server(replica)->link_up());
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 2);
  CHECK(primary->has_backlog());
  CHECK(primary->replid() != freed_replid);
  CHECK(bench.ask(replica, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(bench.redis.server(replica)->offset() == offset);
}

TEST_CASE("the AOF is rewritten once it doubles past its minimum size, and still replays", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.persistence = redis::Persistence::always;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  std::vector<std::optional<Outcome>> outcomes(300);
  std::string value(16 * 1024, 'v');
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    sim::spawn(bench.world.executor(bench.client),
               issue(bench.world, master, {"SET", "big", value + std::to_string(i)}, 0, outcomes[i]));
  bench.run_for(100_ms);
  CHECK(has_record(bench.world, "redis.aof_rewrite"));
  bench.world.crash(master, true);
  bench.world.restart(master);
  CHECK(bench.ask(master, {"GET", "big"}) == Reply::bulk(value + "299"));
  CHECK(bench.redis.stats().servers[0].figures.aof_replayed < 100);
}

namespace {

// A master, two replicas and a Sentinel that fails over one second after the master goes.
redis::RedisOptions two_replicas_with_failover() {
  redis::RedisOptions options = base_options();
  options.replicas = 2;
  options.failover.enabled = true;
  options.failover.down_after = 1_s;
  options.failover.ping_period = 1_s;
  return options;
}

}  // namespace

TEST_CASE("failover promotes the most up-to-date replica and loses what only the master had", "[redis-server]") {
  Bench bench(two_replicas_with_failover());
  NodeId master = bench.node("redis-0");
  NodeId r1 = bench.node("redis-0-r1");
  NodeId r2 = bench.node("redis-0-r2");
  sim::Network& net = bench.world.network();

  CHECK(bench.ask(master, {"SET", "a", "1"}) == Reply::ok());
  std::uint64_t cut_r2 = net.partition_one_way({master}, {r2});
  CHECK(bench.ask(master, {"SET", "b", "2"}) == Reply::ok());  // reaches r1 only
  std::uint64_t cut_r1 = net.partition_one_way({master}, {r1});
  CHECK(bench.ask(master, {"SET", "c", "3"}) == Reply::ok());  // acknowledged, never replicated
  bench.run_for(1_s);  // the Sentinel learns the replicas' offsets
  bench.world.crash(master);
  bench.run_for(3_s);

  CHECK(bench.redis.failovers() == 1);
  CHECK(bench.redis.masters() == std::vector<NodeId>{r1});
  CHECK(bench.redis.route("c") == r1);
  CHECK(bench.redis.server(r1)->is_master());
  CHECK(bench.ask(r1, {"GET", "a"}) == Reply::bulk("1"));
  CHECK(bench.ask(r1, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(bench.ask(r1, {"GET", "c"}) == Reply::null());  // the acknowledged write is lost
  // The other replica now follows the new master and catches up.
  CHECK(bench.redis.server(r2)->master() == std::optional<NodeId>(r1));
  CHECK(bench.ask(r2, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(has_record(bench.world, "sentinel.+switch-master"));

  // The old master comes back with its AOF-less empty dataset and is turned into a replica.
  net.heal_partition(cut_r1);
  net.heal_partition(cut_r2);
  bench.world.restart(master);
  bench.run_for(3_s);
  const redis::Server* old = bench.redis.server(master);
  REQUIRE(old);
  CHECK_FALSE(old->is_master());
  CHECK(old->master() == std::optional<NodeId>(r1));
  CHECK(bench.ask(master, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(bench.ask(master, {"SET", "d", "4"}).text.rfind("READONLY", 0) == 0);
}

TEST_CASE("a promoted replica keeps its backlog: the other replica continues by PSYNC", "[redis-server]") {
  Bench bench(two_replicas_with_failover());
  NodeId master = bench.node("redis-0");
  NodeId r1 = bench.node("redis-0-r1");
  NodeId r2 = bench.node("redis-0-r2");
  // A replica keeps a backlog from its full sync on, with replicas of its own or not.
  CHECK(bench.redis.server(r1)->has_backlog());
  CHECK(bench.redis.server(r2)->has_backlog());
  CHECK(bench.ask(master, {"SET", "a", "1"}) == Reply::ok());
  std::uint64_t cut_r1 = bench.world.network().partition_one_way({master}, {r1});
  CHECK(bench.ask(master, {"SET", "b", "2"}) == Reply::ok());  // reaches r2 only
  bench.run_for(1_s);
  std::uint64_t r2_offset = bench.redis.server(r2)->offset();
  REQUIRE(r2_offset > bench.redis.server(r1)->offset());
  bench.world.crash(master);
  bench.run_for(3_s);

  REQUIRE(bench.redis.masters() == std::vector<NodeId>{r2});  // the most up-to-date replica
  const redis::Server* promoted = bench.redis.server(r2);
  CHECK(promoted->has_backlog());
  CHECK(promoted->offset() == r2_offset);
  CHECK(bench.ask(r2, {"ROLE"}).elements.at(1) == Reply::from_integer(static_cast<std::int64_t>(r2_offset)));
  // r1 asks PSYNC with the old master's id, which the promoted replica's backlog still serves.
  bench.world.network().heal_partition(cut_r1);
  bench.run_for(3_s);
  CHECK(bench.redis.server(r1)->master() == std::optional<NodeId>(r2));
  CHECK(bench.redis.server(r1)->link_up());
  CHECK(bench.redis.stats().servers[1].figures.full_syncs == 1);
  CHECK(has_record(bench.world, "redis.psync"));
  CHECK(bench.ask(r1, {"GET", "b"}) == Reply::bulk("2"));
  CHECK(bench.ask(r2, {"SET", "c", "3"}) == Reply::ok());
  CHECK(bench.redis.server(r2)->offset() > r2_offset);
  CHECK(bench.ask(r1, {"GET", "c"}) == Reply::bulk("3"));
}

TEST_CASE("a replica keeps logically expired keys until promoted, then expires by its own clock", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 2;
  options.failover.enabled = true;
  options.failover.down_after = 1_s;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId r1 = bench.node("redis-0-r1");
  NodeId r2 = bench.node("redis-0-r2");
  CHECK(bench.ask(master, {"SET", "lock", "owner", "PX", "30000"}) == Reply::ok());
  bench.world.clock_step(r1, 40_s);  // past the deadline on r1's clock only
  bench.world.clock_step(r2, 40_s);
  bench.run_for(1_s);
  CHECK(bench.redis.server(r1)->key_count() == 1);  // a replica never expires keys itself
  CHECK(bench.ask(r2, {"PTTL", "lock"}) == Reply::from_integer(-2));  // but reads it as missing
  CHECK(bench.ask(master, {"GET", "lock"}) == Reply::bulk("owner"));
  bench.world.crash(master);
  bench.run_for(3_s);
  REQUIRE(bench.redis.masters() == std::vector<NodeId>{r1});
  CHECK(bench.redis.server(r1)->key_count() == 0);  // its own active expiry, by its own clock
  CHECK(bench.ask(r1, {"SET", "lock", "other", "NX", "PX", "30000"}) == Reply::ok());
}

TEST_CASE("a returning old master with its own unreplicated writes loses them: last failover wins", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  options.persistence = redis::Persistence::always;
  options.failover.enabled = true;
  options.failover.down_after = 1_s;
  options.failover.ping_period = 1_s;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  NodeId sentinel = *bench.redis.sentinel_node();
  sim::Network& net = bench.world.network();
  // The master is cut from the Sentinel and its replica but still takes a client's write.
  std::uint64_t cut = net.partition({{master, bench.client}, {replica, sentinel}});
  CHECK(bench.ask(master, {"SET", "x", "from-old-master"}) == Reply::ok());
  bench.run_for(3_s);
  CHECK(bench.redis.masters() == std::vector<NodeId>{replica});
  net.heal_partition(cut);
  bench.run_for(3_s);
  CHECK_FALSE(bench.redis.server(master)->is_master());
  CHECK(bench.ask(master, {"GET", "x"}) == Reply::null());
  // The conversion is durable: a restart keeps it a replica.
  bench.world.crash(master);
  bench.world.restart(master);
  bench.run_for(100_ms);
  CHECK_FALSE(bench.redis.server(master)->is_master());
}

TEST_CASE("Sentinel in TILT after a clock jump does not fail over", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  options.failover.enabled = true;
  options.failover.down_after = 1_s;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId sentinel = *bench.redis.sentinel_node();
  bench.world.clock_step(sentinel, 10_s);
  bench.world.crash(master);
  bench.run_for(5_s);
  CHECK(bench.redis.sentinel()->in_tilt());
  CHECK(bench.redis.failovers() == 0);
  CHECK(has_record(bench.world, "sentinel.+tilt"));
  bench.run_for(30_s);
  CHECK_FALSE(bench.redis.sentinel()->in_tilt());
  CHECK(bench.redis.failovers() == 1);
}

TEST_CASE("WAIT counts acknowledgements of its own connection's writes", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 2;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId r2 = bench.node("redis-0-r2");

  CHECK(bench.ask(master, {"SET", "k", "v"}, 7) == Reply::ok());
  std::optional<Outcome> waited = bench.send(master, {"WAIT", "2", "1000"}, 7);
  REQUIRE(waited);
  CHECK(waited->reply == Reply::from_integer(2));
  CHECK(waited->latency() < 10_ms);

  // A replica stops receiving: this connection's next write waits out its timeout.
  std::uint64_t cut = bench.world.network().partition_one_way({master}, {r2});
  CHECK(bench.ask(master, {"SET", "k", "w"}, 7) == Reply::ok());
  std::optional<Outcome> partial = bench.send(master, {"WAIT", "2", "500"}, 7, 1_s);
  REQUIRE(partial);
  CHECK(partial->reply == Reply::from_integer(1));
  CHECK(partial->latency() >= 500_ms);
  CHECK(partial->latency() < 600_ms);

  // A fresh connection has written nothing: WAIT answers at once with the connected replicas,
  // the lagging one included. It proves nothing about the write above.
  std::optional<Outcome> fresh = bench.send(master, {"WAIT", "2", "500"}, 9);
  REQUIRE(fresh);
  CHECK(fresh->reply == Reply::from_integer(2));
  CHECK(fresh->latency() == 2_ms + 20_us);

  CHECK(bench.ask(r2, {"WAIT", "1", "0"}).text.rfind("ERR WAIT cannot be used with replica instances", 0) == 0);
  bench.world.network().heal_partition(cut);
}

TEST_CASE("min_replicas_to_write refuses writes once the replicas stop acknowledging", "[redis-server]") {
  redis::RedisOptions options = base_options();
  options.replicas = 1;
  options.min_replicas_to_write = 1;
  options.min_replicas_max_lag = 10_s;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  CHECK(bench.ask(master, {"SET", "k", "1"}) == Reply::ok());
  bench.world.network().isolate(replica);
  bench.run_for(12_s);
  CHECK(bench.ask(master, {"SET", "k", "2"}) == Reply::error("NOREPLICAS Not enough good replicas to write."));
  CHECK(bench.ask(master, {"GET", "k"}) == Reply::bulk("1"));
}

TEST_CASE("cluster keys route by CRC16 hash slot, hash tags keep keys together", "[redis-server]") {
  CHECK(redis::crc16("123456789") == 0x31C3);
  CHECK(redis::key_slot("foo") == 12182);
  CHECK(redis::key_slot("{user1000}.following") == redis::key_slot("{user1000}.followers"));
  CHECK(redis::key_slot("{}.a") == redis::crc16("{}.a") % 16384);  // an empty tag hashes the whole key
  CHECK(redis::hash_tag("a{b}{c}") == "b");

  redis::RedisOptions options = base_options();
  options.masters = 3;
  Bench bench(options);
  CHECK(bench.redis.masters().size() == 3);
  CHECK(bench.redis.route("{user1}.a") == bench.redis.route("{user1}.b"));
  std::set<NodeId> owners;
  for (char c = 'a'; c <= 'z'; ++c) owners.insert(bench.redis.route(std::string(1, c)));
  CHECK(owners.size() == 3);

  NodeId owner = bench.redis.route("{user1}.a");
  CHECK(bench.ask(owner, {"SET", "{user1}.a", "1"}) == Reply::ok());
  CHECK(bench.ask(owner, {"SET", "{user1}.b", "2"}) == Reply::ok());
  NodeId other = bench.redis.masters()[0] == owner ? bench.redis.masters()[1] : bench.redis.masters()[0];
  int slot = redis::key_slot("{user1}.a");
  CHECK(bench.ask(other, {"GET", "{user1}.a"}) ==
        Reply::error("MOVED " + std::to_string(slot) + " " + bench.world.node(owner).name() + ":6379"));
  std::string far_key = "a";
  while (redis::key_slot(far_key) == slot) far_key += "a";
  CHECK(bench.ask(owner, {"DEL", "{user1}.a", far_key}) ==
        Reply::error("CROSSSLOT Keys in request don't hash to the same slot"));
  CHECK(bench.ask(owner, {"DEL", "{user1}.a", "{user1}.b"}) == Reply::from_integer(2));
}

TEST_CASE("the AOF encodes commands as RESP and reads them back", "[redis-server]") {
  std::vector<redis::Argv> commands{{"SET", "k", "v\r\nwith CRLF", "PXAT", "1767225600000"}, {"DEL", ""}};
  std::string text = redis::encode_commands(commands);
  CHECK(text.rfind("*5\r\n$3\r\nSET\r\n", 0) == 0);
  CHECK(redis::decode_commands(text) == commands);
  CHECK_FALSE(redis::decode_commands(text.substr(0, text.size() - 1)));
}

TEST_CASE("Redis 6.2's relative TTLs are kept absolute in the AOF, so a restart does not extend them", "[redis-server]") {
  std::vector<redis::Argv> writes{{"SET", "k", "v", "NX", "PX", "500"}, {"EXPIRE", "k", "2"}, {"INCR", "n"}};
  std::vector<redis::Argv> kept = redis::absolute_ttls(writes, 1'000'000);
  CHECK(kept == std::vector<redis::Argv>{{"SET", "k", "v", "NX", "PXAT", "1000500"},
                                         {"PEXPIREAT", "k", "1002000"},
                                         {"INCR", "n"}});

  redis::RedisOptions options = base_options();
  options.version = redis::Version::v6_2;
  options.persistence = redis::Persistence::always;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  CHECK(bench.ask(master, {"SET", "lock", "me", "PX", "10000"}) == Reply::ok());
  bench.run_for(4_s);
  bench.world.crash(master);
  bench.world.restart(master);
  Reply ttl = bench.ask(master, {"PTTL", "lock"});
  CHECK(ttl.integer > 5'000);
  CHECK(ttl.integer < 6'000);
}

TEST_CASE("redis options read from a scenario section, with errors at the key", "[redis-server]") {
  auto read = [](const std::string& text) {
    sim::ParamReader reader(YAML::Load(text), sim::SourceMark{"t.yaml", 1, 1}, "params.redis");
    return redis::read_redis_options(reader);
  };
  auto error_of = [&](const std::string& text) -> std::string {
    try {
      read(text);
    } catch (const sim::ScenarioError& error) {
      return error.message;
    }
    return "no error";
  };
  redis::RedisOptions defaults = read("{}");
  CHECK(defaults.version == redis::Version::v7_0);
  CHECK(defaults.masters == 1);
  CHECK(defaults.replicas == 0);
  CHECK(defaults.service_time == sim::DurationDist::constant(20_us));
  CHECK(defaults.persistence == redis::Persistence::none);
  CHECK_FALSE(defaults.failover.enabled);
  CHECK(defaults.failover.down_after == 30_s);
  CHECK(defaults.active_expiry_hz == 10);

  redis::RedisOptions written = read(R"({version: "6.2", masters: 3, replicas: 2, service_time: 50us,
      persistence: everysec, replication_lag: {dist: uniform, min: 1ms, max: 3ms},
      failover: {down_after: 1s}, active_expiry_hz: 20, min_replicas_to_write: 1})");
  CHECK(written.version == redis::Version::v6_2);
  CHECK(written.masters == 3);
  CHECK(written.replicas == 2);
  CHECK(written.cluster());
  CHECK(written.persistence == redis::Persistence::everysec);
  CHECK(written.failover.enabled);
  CHECK(written.failover.down_after == 1_s);
  CHECK(written.failover.ping_period == 1_s);
  CHECK(written.min_replicas_to_write == 1);
  CHECK(written.replication_lag.kind == sim::DurationDist::Kind::uniform);

  CHECK(error_of("{masters: 17}").find("params.redis.masters") != std::string::npos);
  CHECK(error_of("{persistence: sometimes}").find("params.redis.persistence") != std::string::npos);
  CHECK(error_of("{failover: {enabled: true}}").find("needs replicas") != std::string::npos);
  CHECK(error_of("{replicas: 1, min_replicas_to_write: 2}").find("min_replicas_to_write") != std::string::npos);
  CHECK(error_of("{replica: 1}").find("replica") != std::string::npos);
  CHECK(error_of("{replicas: 1, failover: {down_after: 1s, ping_period: 2s}}").find("ping_period") != std::string::npos);
}

namespace {

// A small busy run: random service times, two clients' writes, a replica, a crash.
std::uint64_t busy_run_hash(std::uint64_t seed) {
  redis::RedisOptions options;
  options.replicas = 1;
  options.service_time = sim::DurationDist{sim::DurationDist::Kind::exponential, 50_us, Duration::zero(), 0.0};
  options.replication_lag = sim::DurationDist{sim::DurationDist::Kind::uniform, 1_ms, 5_ms, 0.0};
  options.persistence = redis::Persistence::everysec;
  Bench bench(options, seed);
  NodeId master = bench.node("redis-0");
  std::vector<std::optional<Outcome>> outcomes(40);
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    sim::spawn(bench.world.executor(bench.client),
               issue(bench.world, master, {"SET", "k" + std::to_string(i % 7), std::to_string(i), "PX", "700"},
                     i % 3, outcomes[i]));
  bench.run_for(1500_ms);
  bench.world.crash(master, true);
  bench.world.restart(master);
  bench.run_for(2_s);
  return bench.world.trace().hash();
}

}  // namespace

TEST_CASE("a Redis run: one seed gives one trace, another seed another", "[redis-server]") {
  CHECK(busy_run_hash(11) == busy_run_hash(11));
  CHECK(busy_run_hash(11) != busy_run_hash(12));
}
