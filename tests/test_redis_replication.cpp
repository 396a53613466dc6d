// Goal: Redis replication and failover as designs lean on them: replicas follow their master,
// refuse writes and do not expire keys themselves; the backlog exists once a replica has synced;
// Sentinel promotes the most up-to-date replica and acknowledged writes that never left the old
// master are lost; WAIT counts per connection; min-replicas refuses writes.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "tests/redis_bench.hpp"

using namespace redis_bench;

namespace {

// A master with `replicas` replicas.
redis::RedisOptions replicated(int replicas) {
  redis::RedisOptions options = base_options();
  options.replicas = replicas;
  return options;
}

// The same, watched by a Sentinel that fails over one second after the master goes silent.
redis::RedisOptions failing_over(int replicas) {
  redis::RedisOptions options = replicated(replicas);
  options.failover.enabled = true;
  options.failover.down_after = 1_s;
  return options;
}

// Two replicas, and a Sentinel that also pings every second.
redis::RedisOptions two_replicas_with_failover() {
  redis::RedisOptions options = failing_over(2);
  options.failover.ping_period = 1_s;
  return options;
}

}  // namespace

TEST_CASE("a replica follows its master, refuses writes and leaves expiry to the master", "[redis-server]") {
  Bench bench(replicated(1));
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
  Bench bench(replicated(1));
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  Reply reply =
      bench.ask(master, {"EVAL", "return redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)", "1", "lock", "me"});
  CHECK(reply == Reply::ok());
  CHECK(bench.ask(replica, {"GET", "lock"}) == Reply::bulk("me"));
  Reply ttl = bench.ask(replica, {"PTTL", "lock"});
  CHECK(ttl.integer > 59'000);
  CHECK(ttl.integer <= 60'000);
}

TEST_CASE("a replica restarted without persistence reloads the master's dataset by full resync", "[redis-server]") {
  Bench bench(replicated(1));
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
  Bench bench(replicated(1));
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
  redis::RedisOptions options = replicated(1);
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
  Bench bench(replicated(1));
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
  Bench bench(failing_over(2));
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
  redis::RedisOptions options = failing_over(1);
  options.persistence = redis::Persistence::always;
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
  Bench bench(failing_over(1));
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
  Bench bench(replicated(2));
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
  redis::RedisOptions options = replicated(1);
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

// --- where replication lag lives, and what a master's death loses --------------------------------

namespace {

// A master, one replica 500 ms behind on the master's side, and a Sentinel (down_after 1 s).
redis::RedisOptions lagging(sim::Duration lag) {
  redis::RedisOptions options = failing_over(1);
  options.failover.ping_period = 1_s;
  options.replication_lag = sim::DurationDist::constant(lag);
  return options;
}

// Whether the replica, promoted after its master crashed with a write still on its way, has it.
Reply after_crash_and_failover(bool machine) {
  Bench bench(lagging(500_ms));
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  CHECK(bench.ask(master, {"SET", "k", "v"}) == Reply::ok());
  CHECK(bench.ask(replica, {"GET", "k"}) == Reply::null());  // 200 ms on: not received yet
  bench.world.crash(master, /*lose_unsynced=*/machine);
  bench.run_for(4_s);
  REQUIRE(bench.redis.failovers() == 1);
  REQUIRE(bench.redis.masters() == std::vector<NodeId>{replica});
  return bench.ask(replica, {"GET", "k"});
}

}  // namespace

TEST_CASE("a process crash lets the kernel send what Redis wrote, and a machine crash loses it", "[redis-server]") {
  // The lag (500 ms) is shorter than the failover (about 2 s): the write is in the master
  // machine's send buffer when the master dies. Before the lag lived on the master's side, the
  // replica already had the write and applied it 500 ms later, whichever way the master died.
  CHECK(after_crash_and_failover(/*machine=*/false) == Reply::bulk("v"));
  CHECK(after_crash_and_failover(/*machine=*/true) == Reply::null());
}

TEST_CASE("what the kernel has no room for stays in Redis's output buffer and dies with the process",
          "[redis-server]") {
  redis::RedisOptions options = lagging(500_ms);
  options.send_buffer_bytes = 4096;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  const std::string value(100, 'x');  // each SET is 130 bytes of stream: 31 fill the kernel's 4096
  for (int i = 0; i < 60; ++i) bench.send(master, {"SET", "k" + std::to_string(i), value}, 0, 1_ms);
  bench.run_for(10_ms);
  bench.world.crash(master, /*lose_unsynced=*/false);
  bench.run_for(4_s);
  REQUIRE(bench.redis.masters() == std::vector<NodeId>{replica});
  CHECK(bench.ask(replica, {"GET", "k0"}) == Reply::bulk(value));
  CHECK(bench.ask(replica, {"GET", "k30"}) == Reply::bulk(value));
  CHECK(bench.ask(replica, {"GET", "k31"}) == Reply::null());
  CHECK(bench.ask(replica, {"GET", "k59"}) == Reply::null());
}

TEST_CASE("a replica's offset trails its master's by replication_lag plus the network's latency", "[redis-server]") {
  // What a user reads as master_repl_offset - slave_repl_offset, over time.
  Bench bench(lagging(1_s));
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  bench.run_for(2_s);  // the first sync has arrived
  CHECK(bench.ask(master, {"SET", "k", "v"}) == Reply::ok());
  bench.run_for(800_ms);  // 900 ms after the write
  const redis::Server* m = bench.redis.server(master);
  const redis::Server* r = bench.redis.server(replica);
  CHECK(r->offset() < m->offset());
  bench.run_for(200_ms);  // 1.1 s after: lag plus 1 ms of latency have passed
  CHECK(r->offset() == m->offset());
  CHECK(bench.ask(replica, {"GET", "k"}) == Reply::bulk("v"));
}

// --- split brain: what clients know, and min-replicas-to-write ----------------------------------------

TEST_CASE("a client keeps the master it knows until an error sends it to Sentinel, which it must reach",
          "[redis-server]") {
  Bench bench(failing_over(1));
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  NodeId sentinel = *bench.redis.sentinel_node();
  sim::Network& net = bench.world.network();
  CHECK(bench.redis.route("k", bench.client) == master);
  std::uint64_t cut = net.partition({{master, bench.client}, {replica, sentinel}});
  bench.run_for(4_s);
  REQUIRE(bench.redis.masters() == std::vector<NodeId>{replica});
  CHECK(bench.redis.route("k", bench.client) == master);  // nothing told it
  CHECK(bench.ask(master, {"SET", "k", "split"}) == Reply::ok());  // and the old master says yes
  bench.redis.rediscover(bench.client, "k", 100_ms);
  bench.run_for(1_s);
  CHECK(bench.redis.route("k", bench.client) == master);  // Sentinel is out of reach
  net.heal_partition(cut);
  bench.redis.rediscover(bench.client, "k", 100_ms);
  bench.run_for(100_ms);
  CHECK(bench.redis.route("k", bench.client) == replica);
  CHECK(has_record(bench.world, "redis.discovered"));
  CHECK(bench.ask(sentinel, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "redis-0"}) ==
        Reply::array({Reply::bulk("redis-0-r1"), Reply::bulk("6379")}));
  CHECK(bench.ask(sentinel, {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "other"}) == Reply::null());
  bench.run_for(3_s);
  CHECK(bench.ask(replica, {"GET", "k"}) == Reply::null());  // the old master's write is gone

  redis::RedisOptions instant = failing_over(1);
  instant.discovery = redis::Discovery::instant;
  Bench told(instant);
  told.world.crash(told.node("redis-0"));
  told.run_for(4_s);
  CHECK(told.redis.route("k", told.client) == told.node("redis-0-r1"));
}

namespace {

// An old master cut off with its client, which writes every 100 ms for 6 s: when (after the cut)
// each write it acknowledged was made.
std::vector<sim::Duration> acknowledged_after_cut(int min_replicas) {
  redis::RedisOptions options = failing_over(1);
  options.min_replicas_to_write = min_replicas;
  options.min_replicas_max_lag = 1_s;
  Bench bench(options);
  NodeId master = bench.node("redis-0");
  NodeId replica = bench.node("redis-0-r1");
  bench.world.network().partition({{master, bench.client}, {replica, *bench.redis.sentinel_node()}});
  Instant cut = bench.world.now();
  std::vector<sim::Duration> acknowledged;
  for (int i = 0; i < 60; ++i) {
    Instant sent = bench.world.now();
    Reply reply = bench.ask(master, {"SET", "k" + std::to_string(i), "v"});
    if (reply == Reply::ok()) acknowledged.push_back(sent - cut);
    else CHECK(reply == Reply::error("NOREPLICAS Not enough good replicas to write."));
  }
  return acknowledged;
}

}  // namespace

TEST_CASE("min_replicas_to_write bounds what a master cut off from its replicas acknowledges", "[redis-server]") {
  // Without it the old master acknowledges every write of the partition; with one replica and a
  // lag of 1 s, it stops once no acknowledgement is 1 s old (whole seconds) at a refresh of its
  // replication cron, once a second: within 3 s of the cut.
  CHECK(acknowledged_after_cut(0).size() == 60);
  std::vector<sim::Duration> bounded = acknowledged_after_cut(1);
  REQUIRE_FALSE(bounded.empty());
  CHECK(bounded.size() < 30);
  CHECK(bounded.back() < 3_s);
}
