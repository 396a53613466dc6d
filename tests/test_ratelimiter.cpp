// Goal: the rate limiter model decides exactly as each algorithm says, runs the spec's Lua
// script as printed, and its checkers catch what Problem 1's follow-ups warn about: per-server
// limits that multiply, fixed-window boundary bursts, Redis failing under each policy, clocks,
// units, and Redis 6.2's math.random.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tests/findings_support.hpp"
#include "tests/ratelimiter_support.hpp"
#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/ratelimiter_model.hpp"
#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/ratelimiter/placements/server.hpp"
#include "models/ratelimiter/algorithms/units.hpp"
#include "sim/kernel/network.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

using namespace sim::literals;
using ratelimiter::Decision;
using ratelimiter::Limit;
using ratelimiter::LocalAlgorithm;
using sim::Duration;
using sim::Instant;
using ratelimiter_test::Collected;
using ratelimiter_test::LimiterRun;
using ratelimiter_test::limit_of;

namespace {

// A wall-clock reading on a minute boundary (2026-01-01T00:00:00Z), so windows align with it.
constexpr sim::WallTime base = sim::WallTime::from_unix_ns(1'767'225'600'000'000'000);

using test_support::check;
using test_support::held;

double measure(const sim::Findings& findings, const std::string& name) {
  auto it = findings.measures.find(name);
  if (it == findings.measures.end()) FAIL("no measure named " << name);
  return it->second;
}

std::string configure_error(const std::string& params) {
  try {
    LimiterRun run(params);
  } catch (const sim::ScenarioError& error) {
    return error.what();
  }
  return "no error";
}

// Decides one request for key 0 at each time (ms after base); "1" admitted, "0" rejected.
std::string timeline(LocalAlgorithm& algorithm, const Limit& limit, const std::vector<std::int64_t>& ms) {
  std::string out;
  for (std::int64_t t : ms) out += algorithm.decide(0, limit, base + Duration::milliseconds(t)).admitted ? '1' : '0';
  return out;
}

std::string without_whitespace(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\t') out += c;
  return out;
}

}  // namespace

// --- the algorithms in memory, on hand-made timelines ------------------------------------------

TEST_CASE("fixed window: the count starts over at each boundary, so a boundary burst doubles the limit",
          "[ratelimiter]") {
  auto fixed = ratelimiter::make_fixed_window(1);
  Limit limit = limit_of(3, 1_s);
  REQUIRE(timeline(*fixed, limit, {0, 100, 200, 300, 999}) == "11100");
  REQUIRE(timeline(*fixed, limit, {1000, 1001, 1002, 1003}) == "1110");
  // Three at the end of one window and three at the start of the next: six within 2 ms.
  auto burst = ratelimiter::make_fixed_window(1);
  REQUIRE(timeline(*burst, limit, {2998, 2999, 2999, 3000, 3000, 3001, 3002}) == "1111110");
}

TEST_CASE("sliding window log: drops entries at or before now - window, admits while fewer than the limit remain",
          "[ratelimiter]") {
  auto log = ratelimiter::make_sliding_window_log(1);
  Limit limit = limit_of(3, 1_s);
  REQUIRE(timeline(*log, limit, {0, 100, 200, 300}) == "1110");
  // At 1000 the entry at 0 is at now - window: dropped (ZREMRANGEBYSCORE is inclusive).
  REQUIRE(timeline(*log, limit, {999, 1000, 1050, 1100, 1150, 1200}) == "010101");
  REQUIRE(log->keys_held() == 1);
}

TEST_CASE("sliding window counter: the previous window counts by how much of it still overlaps", "[ratelimiter]") {
  auto counter = ratelimiter::make_sliding_window_counter(1);
  Limit limit = limit_of(10, 1_s);
  std::vector<std::int64_t> first(12, 0);
  REQUIRE(timeline(*counter, limit, first) == "111111111100");
  // Half way into the next window the ten count as five: five more fit, exactly.
  std::vector<std::int64_t> half(7, 1500);
  REQUIRE(timeline(*counter, limit, half) == "1111100");
  // Two windows later the ten are forgotten, but not the five.
  std::vector<std::int64_t> later(7, 2000);
  REQUIRE(timeline(*counter, limit, later) == "1111100");
}

TEST_CASE("token bucket: a burst of capacity, then tokens at the refill rate", "[ratelimiter]") {
  auto bucket = ratelimiter::make_token_bucket(1);
  Limit limit = limit_of(4, 1_s, 2, 2);  // 2 tokens, 2 more per second
  REQUIRE(timeline(*bucket, limit, {0, 0, 0}) == "110");
  REQUIRE(timeline(*bucket, limit, {250, 499, 500, 500}) == "0010");  // one token every 500 ms
  REQUIRE(timeline(*bucket, limit, {10'000, 10'000, 10'000}) == "110");  // never more than capacity
}

TEST_CASE("leaky bucket: requests wait for their slot, one per interval, and a full queue rejects", "[ratelimiter]") {
  auto queue = ratelimiter::make_leaky_bucket(1);
  Limit limit = limit_of(2, 1_s, 2, 2);  // one every 500 ms, up to two intervals of waiting
  std::vector<Decision> d;
  for (int i = 0; i < 4; ++i) d.push_back(queue->decide(0, limit, base));
  REQUIRE(d[0].admitted);
  REQUIRE(d[0].wait == 0_ms);
  REQUIRE(d[1].wait == 500_ms);
  REQUIRE(d[2].wait == 1000_ms);
  REQUIRE_FALSE(d[3].admitted);  // would wait 1.5 s, more than 2 intervals
  Decision later = queue->decide(0, limit, base + 1200_ms);
  REQUIRE(later.admitted);
  REQUIRE(later.wait == 300_ms);  // the slot after the one at 1 s is at 1.5 s
  REQUIRE(limit_of(100, 1_min).interval() == 600_ms);
  REQUIRE(limit_of(3, 1_s).interval() == Duration::nanoseconds(333'333'334));  // rounded up
}

TEST_CASE("local_fallback's share of a limit is the limit over the servers, rounded up", "[ratelimiter]") {
  Limit share = ratelimiter::share_of_limit(limit_of(100, 1_min, 25, 75), 8);
  REQUIRE(share.count == 13);
  REQUIRE(share.capacity == 4);
  REQUIRE(share.refill == 10);
  REQUIRE(share.window == 1_min);
}

// --- the script and its arguments ----------------------------------------------------------------

TEST_CASE("the sliding window log script is the spec's, token for token", "[ratelimiter]") {
  // Problem 1's script as the reference prints it (spaces around brackets and dots included).
  const std::string printed = R"(-- KEYS[1] = rate limit key
-- ARGV[1] = window size in seconds
-- ARGV[2] = max requests allowed
-- ARGV[3] = current timestamp
local key = KEYS [ 1 ]
local window = tonumber ( ARGV [ 1 ])
local limit = tonumber ( ARGV [ 2 ])
local now = tonumber ( ARGV [ 3 ])
local window_start = now - window
-- Remove old entries
redis . call ( 'ZREMRANGEBYSCORE' , key , 0 , window_start )
-- Count current entries
local count = redis . call ( 'ZCARD' , key )
if count < limit then
-- Add current request
redis . call ( 'ZADD' , key , now , now .. '-' .. math.random ())
redis . call ( 'EXPIRE' , key , window )
return 1 -- Allowed
else
return 0 -- Denied
end
)";
  const std::string& script = ratelimiter::spec_sliding_window_log_script();
  REQUIRE(without_whitespace(script) == without_whitespace(printed));
  using ratelimiter::Algorithm;
  using ratelimiter::NowSource;
  REQUIRE(ratelimiter::decision_script(Algorithm::sliding_window_log, NowSource::caller) == script);
  const std::string& with_time = ratelimiter::decision_script(Algorithm::sliding_window_log, NowSource::redis_time);
  REQUIRE(with_time.find("redis.call('TIME')") != std::string::npos);
  REQUIRE(with_time.find("tonumber(ARGV[3])") == std::string::npos);
}

TEST_CASE("script arguments are the caller's clock and the window in the units the options name", "[ratelimiter]") {
  using ratelimiter::TimeUnit;
  REQUIRE(ratelimiter::now_argument(base + Duration::nanoseconds(1'234'567'891), TimeUnit::s) == "1767225601");
  REQUIRE(ratelimiter::now_argument(base + Duration::nanoseconds(1'234'567'891), TimeUnit::ms) == "1767225601234");
  REQUIRE(ratelimiter::now_argument(base + Duration::nanoseconds(1'234'567'891), TimeUnit::us) == "1767225601234567");
  REQUIRE(ratelimiter::window_argument(1_min, TimeUnit::s) == "60");
  REQUIRE(ratelimiter::window_argument(1_min, TimeUnit::ms) == "60000");
  REQUIRE(ratelimiter::window_argument(1500_ms, TimeUnit::s) == "1.5");
  REQUIRE(ratelimiter::window_argument(Duration::microseconds(1'000'250), TimeUnit::ms) == "1000.25");
  REQUIRE(ratelimiter::duration_in(0.6, TimeUnit::s) == 600_ms);
  REQUIRE(ratelimiter::ttl_argument(Duration::microseconds(1500)) == "2");
}

// --- runs, one per placement ----------------------------------------------------------------------

namespace {

const std::string busy_users = "users: 200\nuser_skew: 1.2\nrate: 2000/s\nservers: 4\n";

}  // namespace

TEST_CASE("local placement: each server enforces the whole limit, so four servers admit about four times it",
          "[ratelimiter]") {
  LimiterRun run(busy_users + "placement: local\nalgorithm: sliding_window_log\n");
  run.build(5_s);
  sim::Findings findings = run.run();
  REQUIRE_FALSE(held(findings, "over_admission"));
  REQUIRE(held(findings, "false_rejections"));
  REQUIRE(held(findings, "added_latency"));
  REQUIRE(held(findings, "redis_unavailable"));
  // The busiest user sends far more than 4 x 100 in 5 s: every server admits its 100.
  REQUIRE(measure(findings, "worst_over_admission_ratio") == Approx(4.0));
  REQUIRE(measure(findings, "limiter_latency_p99") < 5e6);
}

TEST_CASE("redis placement: the spec's script on one Redis enforces the limit across servers", "[ratelimiter]") {
  LimiterRun run(busy_users + "placement: redis\nalgorithm: sliding_window_log\n");
  run.build(5_s);
  sim::Findings findings = run.run();
  for (const char* name : {"over_admission", "false_rejections", "added_latency", "redis_unavailable", "redis_memory"})
    REQUIRE(held(findings, name));
  const ratelimiter::Observations& observations = run.model.observations();
  REQUIRE(measure(findings, "admitted") > 0);
  REQUIRE(measure(findings, "rejected") > 0);
  REQUIRE(measure(findings, "redis_memory_bytes") > 0);
  REQUIRE(observations.redis.size() == 1);
  REQUIRE(observations.redis[0].end_keys > 0);
}

TEST_CASE("hybrid placement: local counts synced to Redis bound the excess by what a sync interval admits",
          "[ratelimiter]") {
  LimiterRun run(busy_users + "placement: hybrid\nalgorithm: fixed_window\nsync_interval: 50ms\n");
  run.build(5_s);
  sim::Findings findings = run.run();
  REQUIRE(held(findings, "redis_unavailable"));
  std::uint64_t syncs = 0;
  for (const ratelimiter::ServerTally& server : run.model.observations().servers) syncs += server.syncs;
  REQUIRE(syncs > 50);
  // Less than local placement's four times the limit, more than none.
  double worst = measure(findings, "worst_over_admission_ratio");
  REQUIRE(worst < 2.0);
  REQUIRE(measure(findings, "limiter_latency_p99") < 1e5);  // no network on the request path
}

TEST_CASE("each algorithm runs as a Redis script and holds the limit with every server sharing it", "[ratelimiter]") {
  for (const char* algorithm : {"token_bucket", "fixed_window", "sliding_window_counter", "leaky_bucket"}) {
    INFO(algorithm);
    LimiterRun run(busy_users + "placement: redis\nalgorithm: " + algorithm + "\n");
    run.build(3_s);
    sim::Findings findings = run.run();
    REQUIRE(held(findings, "redis_unavailable"));
    REQUIRE(measure(findings, "admitted") > 100);
    if (std::string(algorithm) == "token_bucket") REQUIRE(held(findings, "over_admission"));
    if (std::string(algorithm) == "leaky_bucket") REQUIRE_FALSE(held(findings, "added_latency"));  // requests wait
  }
}

TEST_CASE("a Redis crash is decided by the failure policy", "[ratelimiter]") {
  auto run_with = [](const std::string& policy) {
    auto run =
        std::make_unique<LimiterRun>(busy_users + "placement: redis\nredis_timeout: 2ms\non_redis_failure: " + policy +
                                     "\nredis: { persistence: always }\n");
    run->build(4_s);
    sim::NodeId redis = run->node("redis-0");
    sim::World* world = &run->world;
    run->at(1_s, [world, redis] { world->crash(redis); });
    run->at(3_s, [world, redis] { world->restart(redis); });
    return run;
  };
  SECTION("fail_open admits everyone while Redis is down") {
    auto run = run_with("fail_open");
    sim::Findings findings = run->run();
    REQUIRE_FALSE(held(findings, "redis_unavailable"));
    REQUIRE_FALSE(held(findings, "over_admission"));
    REQUIRE(held(findings, "false_rejections"));
  }
  SECTION("fail_closed rejects everyone while Redis is down") {
    auto run = run_with("fail_closed");
    sim::Findings findings = run->run();
    REQUIRE_FALSE(held(findings, "redis_unavailable"));
    REQUIRE(held(findings, "over_admission"));
    REQUIRE_FALSE(held(findings, "false_rejections"));
  }
}

TEST_CASE("servers name the script by SHA-1 and send its body after NOSCRIPT, as on a fresh or restarted Redis",
          "[ratelimiter]") {
  LimiterRun run(busy_users + "placement: redis\nredis_timeout: 2ms\nredis: { persistence: always }\n");
  run.build(3_s);
  sim::NodeId redis = run.node("redis-0");
  sim::World* world = &run.world;
  run.at(1_s, [world, redis] { world->crash(redis); });
  run.at(1500_ms, [world, redis] { world->restart(redis); });  // an empty script cache again
  auto collected = std::make_shared<Collected>();
  run.model.watch(collected);
  run.run();
  const ratelimiter::Observations& seen = run.model.observations();
  std::uint64_t errors = 0;
  for (const ratelimiter::ServerTally& server : seen.servers) errors += server.redis_errors;
  REQUIRE(errors == 0);  // NOSCRIPT is never taken for a failure
  std::uint64_t by_redis_after_restart = 0;
  for (const ratelimiter::Decided& decided : collected->decisions) {
    if (decided.arrived > sim::Instant::zero() + 1600_ms && decided.path == ratelimiter::Path::redis)
      ++by_redis_after_restart;
  }
  REQUIRE(by_redis_after_restart > 100);
}

TEST_CASE("hybrid placement keeps deciding from local counts while its syncs fail", "[ratelimiter]") {
  LimiterRun run(busy_users + "placement: hybrid\nalgorithm: sliding_window_counter\non_redis_failure: local_fallback\n"
                              "redis_timeout: 2ms\n");
  run.build(4_s);
  sim::NodeId redis = run.node("redis-0");
  sim::World* world = &run.world;
  run.at(1_s, [world, redis] { world->crash(redis); });
  run.at(2_s, [world, redis] { world->restart(redis); });
  sim::Findings findings = run.run();
  REQUIRE_FALSE(held(findings, "redis_unavailable"));  // decided on stale counts for a second
  REQUIRE(held(findings, "added_latency"));            // but nobody waited for Redis
  std::uint64_t timeouts = 0, syncs = 0;
  for (const ratelimiter::ServerTally& server : run.model.observations().servers) {
    timeouts += server.redis_timeouts;
    syncs += server.syncs;
  }
  REQUIRE(timeouts > 0);
  REQUIRE(syncs > 60);  // syncing resumed after the restart
  REQUIRE(measure(findings, "admitted") > 0);
}

TEST_CASE("an API server's memory dies with it, and a paused server's requests wait", "[ratelimiter]") {
  const std::string one_server = "users: 200\nuser_skew: 1.2\nrate: 2000/s\nservers: 1\nplacement: local\n";
  SECTION("a restarted server forgets whom it admitted") {
    LimiterRun run(one_server);
    run.build(3_s);
    sim::NodeId api = run.node("api-0");
    sim::World* world = &run.world;
    run.at(1_s, [world, api] { world->crash(api); });
    run.at(1100_ms, [world, api] { world->restart(api); });
    sim::Findings findings = run.run();
    REQUIRE_FALSE(held(findings, "over_admission"));
    REQUIRE(measure(findings, "worst_over_admission_ratio") == Approx(2.0));
    REQUIRE(run.model.observations().servers[0].unserved > 100);
  }
  SECTION("requests that reach a paused server are decided when it resumes") {
    LimiterRun run(one_server);
    run.build(2_s);
    sim::NodeId api = run.node("api-0");
    sim::World* world = &run.world;
    run.at(1_s, [world, api] { world->pause(api); });
    run.at(1100_ms, [world, api] { world->resume(api); });
    sim::Findings findings = run.run();
    REQUIRE(held(findings, "over_admission"));
    REQUIRE_FALSE(held(findings, "added_latency"));  // a hundred requests waited up to 100 ms
    REQUIRE(run.model.observations().servers[0].unserved == 0);
  }
}

TEST_CASE("Redis 6.2 runs the spec's script with the same math.random member for one second's requests",
          "[ratelimiter]") {
  const std::string params = busy_users + "placement: redis\nnow_unit: s\nwindow_unit: s\nredis: { version: '";
  LimiterRun old_redis(params + "6.2' }\n");
  old_redis.build(3_s);
  sim::Findings on_6_2 = old_redis.run();
  REQUIRE_FALSE(held(on_6_2, "over_admission"));
  LimiterRun new_redis(params + "7.0' }\n");
  new_redis.build(3_s);
  sim::Findings on_7_0 = new_redis.run();
  REQUIRE(held(on_7_0, "over_admission"));
}

TEST_CASE("a Redis 7.0 restart within the second repeats math.random members, and a request id as member does not",
          "[ratelimiter]") {
  auto run_with = [](const std::string& member) {
    auto run = std::make_unique<LimiterRun>(
        "users: 20000\nuser_skew: 1.1\nrate: 2000/s\nservers: 4\nplacement: redis\nmember: " + member +
        "\non_redis_failure: fail_closed\nredis_timeout: 3ms\nredis: { version: '7.0', persistence: always }\n");
    run->build(5_s);
    sim::NodeId redis = run->node("redis-0");
    sim::World* world = &run->world;
    run->at(600_ms, [world, redis] { world->crash(redis); });
    run->at(800_ms, [world, redis] { world->restart(redis); });
    return run;
  };
  auto spec = run_with("random");
  sim::Findings repeated = spec->run();
  REQUIRE_FALSE(held(repeated, "over_admission"));
  // The story names the repeated member and its remedy, not clocks, persistence or failover.
  CHECK(repeated.prevention.find("math.random starts every process from the same fixed state") != std::string::npos);
  CHECK(repeated.prevention.find("in the same second of now") != std::string::npos);
  CHECK(repeated.prevention.find("member: request_id") != std::string::npos);
  CHECK(repeated.prevention.find("appendfsync") == std::string::npos);
  auto unique = run_with("request_id");
  REQUIRE(held(unique->run(), "over_admission"));
}

TEST_CASE("an API server's configured clock skew is a cause when now comes from the caller", "[ratelimiter]") {
  const std::string params =
      "users: 20000\nuser_skew: 1.1\nrate: 400/s\nservers: 4\nplacement: redis\n"
      "skew: { api-0: +90s }\n";
  LimiterRun caller(params);
  caller.build(5_s);
  sim::Findings from_caller = caller.run();
  REQUIRE_FALSE(held(from_caller, "over_admission"));
  REQUIRE(from_caller.causes.size() == 1);
  CHECK(from_caller.causes[0].find("api-0's wall clock ran 90s ahead of true time") != std::string::npos);
  CHECK(from_caller.causes[0].find("(skew.api-0), not a fault") != std::string::npos);
  CHECK(from_caller.causes[0].find("takes `now` from the caller") != std::string::npos);
  CHECK(from_caller.prevention.find("Redis TIME") != std::string::npos);
  LimiterRun redis_time(params + "now: redis_time\n");
  redis_time.build(5_s);
  sim::Findings from_redis = redis_time.run();
  CHECK(held(from_redis, "over_admission"));
  CHECK(from_redis.causes.empty());  // the skewed clock no longer reaches a decision
}

TEST_CASE("member: request_id makes the spec's script add ARGV[4] in place of now .. '-' .. math.random()",
          "[ratelimiter]") {
  using ratelimiter::Algorithm;
  using ratelimiter::Member;
  using ratelimiter::NowSource;
  const std::string& spec = ratelimiter::decision_script(Algorithm::sliding_window_log, NowSource::caller);
  const std::string& unique =
      ratelimiter::decision_script(Algorithm::sliding_window_log, NowSource::caller, Member::request_id);
  CHECK(spec.find("redis.call('ZADD', key, now, now .. '-' .. math.random())") != std::string::npos);
  CHECK(unique.find("redis.call('ZADD', key, now, ARGV[4])") != std::string::npos);
  CHECK(unique.find("math.random") == std::string::npos);
  CHECK(configure_error("algorithm: token_bucket\nmember: request_id\n")
            .find("params.member: only the sliding window "
                  "log adds a member") != std::string::npos);
}

// --- determinism -----------------------------------------------------------------------------------

TEST_CASE("one seed gives one trace, another seed another", "[ratelimiter][determinism]") {
  auto hash_of = [](std::uint64_t seed, const std::string& placement) {
    LimiterRun run(busy_users + "placement: " + placement + "\nalgorithm: sliding_window_counter\n", seed);
    run.build(2_s);
    run.run();
    return run.world.trace().hash();
  };
  for (const char* placement : {"local", "redis", "hybrid"}) {
    INFO(placement);
    REQUIRE(hash_of(7, placement) == hash_of(7, placement));
    REQUIRE(hash_of(7, placement) != hash_of(8, placement));
  }
}

// --- params ------------------------------------------------------------------------------------------

TEST_CASE("bad params are errors that name the key and say what is expected", "[ratelimiter]") {
  REQUIRE_THAT(configure_error("placement: hybrid\nalgorithm: sliding_window_log\n"),
               Catch::Contains("params.placement") && Catch::Contains("fixed_window and sliding_window_counter"));
  REQUIRE_THAT(configure_error("placement: local\nnow_unit: s\n"),
               Catch::Contains("params.now_unit") && Catch::Contains("placement: redis"));
  REQUIRE_THAT(configure_error("placement: local\non_redis_failure: fail_open\n"),
               Catch::Contains("params.on_redis_failure"));
  REQUIRE_THAT(configure_error("placement: redis\nsync_interval: 1s\n"), Catch::Contains("placement: hybrid"));
  REQUIRE_THAT(configure_error("algorithm: fixed_window\nbucket_capacity: 1/2\n"),
               Catch::Contains("params.bucket_capacity") && Catch::Contains("token_bucket"));
  REQUIRE_THAT(configure_error("algorithm: token_bucket\nbucket_capacity: 1\n"), Catch::Contains("never refills"));
  REQUIRE_THAT(configure_error("algorithm: sliding_windows\n"), Catch::Contains("params.algorithm"));
  REQUIRE_THAT(configure_error("free_limit: 0/min\n"), Catch::Contains("params.free_limit"));
  REQUIRE_THAT(configure_error("servers: 2\nskew: { api-2: 1s }\n"), Catch::Contains("unknown API server 'api-2'"));
  REQUIRE_THAT(configure_error("window_unit: ns\n"), Catch::Contains("params.window_unit"));
  REQUIRE_THAT(configure_error("users_per_ip: 4\n"), Catch::Contains("ip_limit"));
  REQUIRE_THAT(configure_error("redis: { version: '5.0' }\n"), Catch::Contains("params.redis.version"));
  REQUIRE_THAT(configure_error("users: 10\nbursts: [{ at: 1s, users: 11, requests: 5 }]\n"),
               Catch::Contains("params.bursts[0].users"));
  REQUIRE_THAT(configure_error("limit: 100/min\n"), Catch::Contains("unknown key 'limit'"));
  REQUIRE(configure_error("placement: hybrid\nalgorithm: fixed_window\nsync_interval: 20ms\n") == "no error");
}
