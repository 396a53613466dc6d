// Goal: the simulated Redis server behaves as Redis 7.0 does where designs lean on it: one thread
// queues load; expiry follows the server's wall clock, steps included; persistence keeps what
// its fsync policy promises and no more; cluster keys route by CRC16 hash slots; options read
// with errors at the key; one seed gives one trace. Replication and failover are in
// test_redis_replication.cpp.
#include <catch2/catch.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/redis_bench.hpp"

using namespace redis_bench;

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
               issue(bench.world, master, {"INCR", "counter"}, static_cast<std::uint64_t>(i + 1),
                     outcomes[static_cast<std::size_t>(i)]));
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

TEST_CASE("Redis 6.2's relative TTLs are kept absolute in the AOF, so a restart does not extend them",
          "[redis-server]") {
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
  CHECK(error_of("{replicas: 1, failover: {down_after: 1s, ping_period: 2s}}").find("ping_period") !=
        std::string::npos);
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
