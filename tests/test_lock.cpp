// Goal: the lock model's pieces do what the reference (section 4) says, on their own: the
// storage variants' verdicts, Redlock's drift allowance, the checkers on hand-made histories
// (each able to fail), option errors, and the shipped timelines' outcomes from their mechanisms.
#include <catch2/catch.hpp>

#include "models/lock/checks.hpp"
#include "models/lock/lock_model.hpp"
#include "models/lock/options.hpp"
#include "models/lock/storage.hpp"
#include "sim/run/run.hpp"
#include "sim/run/story.hpp"
#include "sim/run/sweep.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"

using namespace lock;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_ms(std::int64_t ms) { return Instant::zero() + Duration::milliseconds(ms); }

Grant grant(std::uint64_t epoch, int client, std::int64_t from_ms, std::int64_t to_ms) {
  Grant g;
  g.epoch = epoch;
  g.client = client;
  g.granted = at_ms(from_ms);
  g.ended = at_ms(to_ms);
  g.end_reason = "released";
  return g;
}

Observations two_clients() {
  Observations o;
  o.client_names = {"client-1", "client-2"};
  o.run_end = at_ms(100'000);
  o.liveness_bound = Duration::seconds(10);
  return o;
}

const sim::CheckResult& check_named(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check " << name);
  throw std::logic_error("unreachable");
}

sim::Scenario scenario_from(const std::string& text) { return sim::parse_scenario(text, "test.yaml"); }

}  // namespace

TEST_CASE("Redlock's drift is a hundredth of the TTL plus 2 ms", "[lock]") {
  LockOptions options;
  options.ttl = Duration::seconds(10);
  CHECK(options.drift() == Duration::milliseconds(102));
  options.ttl = Duration::seconds(2);
  CHECK(options.drift() == Duration::milliseconds(22));
}

TEST_CASE("overlapping holders: beliefs of two clients that share true time", "[lock]") {
  Observations o = two_clients();
  o.grants = {grant(1, 0, 0, 1000), grant(2, 1, 1000, 2000), grant(3, 0, 2000, 3000)};
  CHECK(OverlapCheck{}.run(o).held);  // back to back is not overlap

  o.grants = {grant(1, 0, 0, 1500), grant(2, 1, 1000, 2000), grant(3, 0, 2000, 3000)};
  sim::CheckResult r = OverlapCheck{}.run(o);
  CHECK_FALSE(r.held);
  REQUIRE(r.first);
  CHECK(r.first->at == at_ms(1000));
  CHECK(r.summary == "1 pairs of grants overlapped, 500ms in all");
}

TEST_CASE("stale writes: an accepted write from an older grant after a newer one", "[lock]") {
  Observations o = two_clients();
  o.grants = {grant(1, 0, 0, 1500), grant(2, 1, 1000, 2000)};
  o.writes = {WriteRecord{at_ms(1100), 1, 2, 2, true, "ok"}, WriteRecord{at_ms(1400), 0, 1, 1, false, "lower token"}};
  CHECK(StaleWriteCheck{}.run(o).held);  // the old write was refused
  o.writes[1].accepted = true;
  sim::CheckResult r = StaleWriteCheck{}.run(o);
  CHECK_FALSE(r.held);
  REQUIRE(r.first);
  CHECK(r.first->at == at_ms(1400));
}

TEST_CASE("lost acknowledged writes count holders whose key was lost, not expired", "[lock]") {
  Observations o = two_clients();
  Grant g = grant(1, 0, 0, 1000);
  g.holders.resize(2);
  g.holders[0].fate = "expired";
  o.grants = {g};
  CHECK(LostWriteCheck{}.run(o).held);
  o.grants[0].holders[1].fate = "lost";
  o.grants[0].holders[1].fate_detail = "redis-0 restarted and came back without the key";
  CHECK_FALSE(LostWriteCheck{}.run(o).held);
}

TEST_CASE("liveness: after the last fault a wait ends in a grant within the bound", "[lock]") {
  Observations o = two_clients();
  sim::FaultActivity faults{at_ms(5000), false};
  o.attempts = {Attempt{1, at_ms(1000), at_ms(12'000), std::nullopt}};
  o.grants = {grant(1, 1, 12'000, 13'000)};
  CHECK(LivenessCheck{}.run(o, faults).held);  // waited from 5 s, granted at 12 s: within 10 s
  o.attempts[0].acquired = at_ms(16'000);
  o.grants[0].granted = at_ms(16'000);
  CHECK_FALSE(LivenessCheck{}.run(o, faults).held);
  faults.open_at_end = true;  // never healed: not judged
  CHECK(LivenessCheck{}.run(o, faults).held);
}

TEST_CASE("lock options refuse what cannot work, at the offending key", "[lock]") {
  auto fails_with = [](const std::string& params, const std::string& message) {
    std::string text = "name: t\nmodel: lock\nduration: 1s\nparams:\n" + params;
    INFO(text);
    try {
      sim::check_scenario(scenario_from(text));
      FAIL("accepted");
    } catch (const sim::ScenarioError& e) {
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  };
  fails_with("  storage: fenced\n", "fenced storage checks fencing tokens");
  fails_with("  design: redlock\n  token: incr\n", "Redlock has no single Redis to INCR on");
  fails_with("  redlock: { nodes: 3 }\n", "applies only with design: redlock");
  fails_with("  design: redlock\n  redis: { replicas: 1 }\n", "independent masters without replicas");
  fails_with("  design: zookeeper\n", "design");
  fails_with("  design: consensus\n  token: counter\n", "its key's create revision");
  fails_with("  design: consensus\n  redis: { persistence: always }\n", "uses no Redis");
  fails_with("  consensus: { members: 5 }\n", "applies only with design: consensus");
  fails_with("  design: redlock\n  storage: txn\n", "it needs design: consensus");
}

TEST_CASE("the storage variants decide a late write by their own rule", "[lock]") {
  // One pause timeline against plain, fenced (with INCR tokens) and check-and-set storage: only
  // the plain storage takes the paused holder's late write.
  const std::string base =
      "name: t\nmodel: lock\nseed: 3\nduration: 10s\n"
      "network:\n  latency: { dist: constant, value: 500us }\n"
      "faults:\n  - at: 10ms\n    pause: { node: client-1, duration: 2500ms }\n"
      "params:\n  design: redis\n  ttl: 2s\n  work: 50ms\n  think: 500ms\n";
  sim::RunResult plain = sim::run_scenario(scenario_from(base + "  storage: plain\n"), 3).result;
  sim::RunResult fenced = sim::run_scenario(scenario_from(base + "  storage: fenced\n  token: incr\n"), 3).result;
  sim::RunResult cas = sim::run_scenario(scenario_from(base + "  storage: cas\n"), 3).result;
  CHECK_FALSE(check_named(plain, "stale_writes").held);
  CHECK(check_named(fenced, "stale_writes").held);
  CHECK(check_named(cas, "stale_writes").held);
  for (const sim::RunResult* r : {&plain, &fenced, &cas}) CHECK_FALSE(check_named(*r, "overlapping_holders").held);
}

TEST_CASE("naive Redlock takes a late majority that the validity check refuses", "[lock]") {
  // Each SET to a node the client cannot reach waits out node_timeout: with two such nodes and
  // a 1 s timeout the acquisition takes 2 s of a 2 s TTL, so validity is gone.
  const std::string base =
      "name: t\nmodel: lock\nseed: 1\nduration: 4s\n"
      "network:\n  latency: { dist: constant, value: 500us }\n"
      "faults:\n  - at: 0s\n    partition: { one_way: { from: [client-1], to: [redis-0, redis-1] } }\n"
      "params:\n  design: redlock\n  clients: 1\n  ttl: 2s\n  operations: 1\n  acquire_timeout: 1ms\n  retries: 1\n";
  auto grants = [](const sim::RunResult& r) {
    for (const auto& [key, value] : check_named(r, "overlapping_holders").details)
      if (key == "grants") return value;
    return std::string("?");
  };
  sim::RunResult checked =
      sim::run_scenario(scenario_from(base + "  redlock: { node_timeout: 1s }\n"), 1).result;
  sim::RunResult naive =
      sim::run_scenario(scenario_from(base + "  redlock: { node_timeout: 1s, naive: true }\n"), 1).result;
  CHECK(grants(checked) == "0");
  CHECK(grants(naive) == "1");
}

TEST_CASE("a lock run: one seed gives one trace, another seed another", "[lock]") {
  // Random latency and a GC pause under Redlock: the seed decides every delivery time.
  const std::string text =
      "name: t\nmodel: lock\nseed: 1\nduration: 5s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "faults:\n  - at: 1s\n    pause: { node: client-1, duration: 2s }\n"
      "params:\n  design: redlock\n  clients: 2\n  ttl: 1s\n  redlock: { nodes: 3 }\n";
  auto hash_of = [&](std::uint64_t seed) { return sim::run_scenario(scenario_from(text), seed).result.trace_hash; };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
}

TEST_CASE("a Redlock grant stands where its majority's SET put it, not where acquire returned", "[lock]") {
  // Kleppmann's GC-pause timeline against check-and-set storage: client-1 passes the validity
  // check and is paused with its token's INCR in flight, before it claims the storage. Its grant
  // is the older one (its SETs ran first) and its belief began at the validity check, so its
  // late claim-and-write is stale and the two beliefs overlapped, whatever the seed. Recorded
  // when acquire returned (after the token), the grant looked newer and neither check broke.
  sim::Scenario scenario = sim::load_scenario("scenarios/lock/redlock-pause-before-claim-cas.yaml");
  for (std::uint64_t seed : {1, 2, 3}) {
    INFO("seed " << seed);
    sim::RunResult r = sim::run_scenario(scenario, seed).result;
    const sim::CheckResult& stale = check_named(r, "stale_writes");
    REQUIRE_FALSE(stale.held);
    REQUIRE(stale.first);
    CHECK(stale.first->nodes.front() == "client-1");
    CHECK_THAT(stale.first->what, Catch::Contains("the writer is the last to have claimed the resource"));
    const sim::CheckResult& overlap = check_named(r, "overlapping_holders");
    REQUIRE_FALSE(overlap.held);
    CHECK_THAT(overlap.first->what, Catch::Contains("while client-1 (grant 1, token 1, at 5.1ms) still believed"));
    CHECK(check_named(r, "lost_acknowledged_writes").held);
  }
}

TEST_CASE("a Redis key that expires at the deadline its server set has expired, not been lost", "[lock]") {
  // client-1 is paused with its SET's OK in flight: the deadline is redis-0's clock when it ran
  // the SET, plus the TTL, so the key expires on time, before client-1 reads the OK. Taken from
  // the client's reading of the reply, the deadline lay 2.5 s later and the key looked lost.
  sim::Scenario scenario = sim::load_scenario("scenarios/lock/redis-pause-reply-in-flight.yaml");
  for (std::uint64_t seed : {1, 2, 3}) {
    INFO("seed " << seed);
    sim::RunResult r = sim::run_scenario(scenario, seed).result;
    CHECK(check_named(r, "lost_acknowledged_writes").held);
    const sim::CheckResult& stale = check_named(r, "stale_writes");
    REQUIRE_FALSE(stale.held);  // the older grant's late write: its key was set first
    CHECK_THAT(stale.first->what, Catch::Contains("client-1's key was set at 520us"));
    CHECK_THAT(stale.first->what, Catch::Contains("the key expired on redis-0 after its TTL"));
  }
  // The shipped Redlock pause at seed 2 pauses client-1 with replies in flight the same way.
  sim::RunResult redlock = sim::run_scenario(sim::load_scenario("scenarios/lock/redlock-pause-plain.yaml"), 2).result;
  CHECK(check_named(redlock, "lost_acknowledged_writes").held);
}

TEST_CASE("the consensus lock with fenced storage holds every check under faults of its members", "[lock]") {
  // Isolations, crash-restarts and pauses of the etcd members only, over 400 seeds. A leader
  // that commits and acknowledges a grant and crashes before its followers learn the commit
  // leaves the key in their logs, not yet in their state machines: that is not a lost key.
  // The TTL (10 s) outlasts every fault, so no client's lease runs out while it works (with a
  // shorter TTL a client whose keep-alives cannot reach a leader works past its lease: a true
  // overlap, which the fenced storage makes harmless).
  const std::string text =
      "name: t\nmodel: lock\nduration: 10s\n"
      "network:\n  latency: { dist: lognormal, median: 500us, p99: 2ms }\n"
      "params:\n  design: consensus\n  storage: fenced\n  clients: 3\n  ttl: 10s\n"
      "  work: { dist: uniform, min: 100ms, max: 1500ms }\n  think: { dist: exponential, mean: 200ms }\n"
      "  stagger: 50ms\n  acquire_timeout: 5s\n"
      "faults:\n"
      "  - random: { kind: isolate, rate: 1/2s, targets: [role:etcd], stop: 7s,\n"
      "              duration: { dist: uniform, min: 500ms, max: 3s } }\n"
      "  - random: { kind: crash, rate: 1/2s, targets: [role:etcd], stop: 7s,\n"
      "              duration: { dist: uniform, min: 5ms, max: 2s } }\n"
      "  - random: { kind: pause, rate: 1/2s, targets: [role:etcd], stop: 7s,\n"
      "              duration: { dist: uniform, min: 100ms, max: 3s } }\n";
  sim::Scenario scenario = scenario_from(text);
  sim::check_scenario(scenario);
  sim::SweepOptions options;
  options.seed_count = 400;
  sim::SweepResult sweep = sim::sweep_scenario(scenario, options);
  for (const sim::CheckRate& check : sweep.checks) {
    INFO(check.name << " violated at seed " << (check.failing_seeds.empty() ? 0 : check.failing_seeds.front()));
    CHECK(check.runs_violated == 0);
  }
  REQUIRE(sweep.checks.size() == 4);
}

TEST_CASE("the advice after a lost lock is the design's own: no Redis for the consensus lock", "[lock]") {
  sim::Findings findings;
  sim::CheckResult lost;
  lost.name = "lost_acknowledged_writes";
  lost.held = false;
  findings.checks = {lost};
  LockOptions options;
  options.design = Design::consensus;
  std::string consensus = prevention(options, findings);
  CHECK_THAT(consensus, Catch::Contains("Raft"));
  CHECK_THAT(consensus, !Catch::Contains("Redis") && !Catch::Contains("appendfsync"));
  options.design = Design::redlock;
  CHECK_THAT(prevention(options, findings), Catch::Contains("appendfsync always"));
}

TEST_CASE("the advice after a lock lost in a Redis failover is min-replicas-to-write, not appendfsync", "[lock]") {
  sim::Findings findings;
  sim::CheckResult lost;
  lost.name = "lost_acknowledged_writes";
  lost.held = false;
  findings.checks = {lost};
  LockOptions options;
  options.design = Design::redis;
  options.redis.replicas = 1;
  options.redis.failover.enabled = true;
  std::string failover = prevention(options, findings);
  CHECK_THAT(failover, Catch::Contains("min-replicas-to-write 1") && Catch::Contains("cut off from Sentinel"));
  CHECK_THAT(failover, !Catch::Contains("appendfsync"));
  options.redis.min_replicas_to_write = 1;
  CHECK_THAT(prevention(options, findings), Catch::Contains("cannot close it"));
  options.redis.failover.enabled = false;  // a restart, not a failover
  CHECK_THAT(prevention(options, findings), Catch::Contains("appendfsync always"));
}

TEST_CASE("a fenced storage says why it accepts a token equal to the highest seen", "[lock]") {
  StorageState state;
  StorageRequest write;
  write.token = 33;
  CHECK(decide(StorageKind::fenced, state, write).second == "token 33 is the highest seen");
  CHECK(decide(StorageKind::fenced, state, write).second ==
        "token 33 equals the highest seen, and a >= check accepts it");
  write.token = 32;
  auto [accepted, reason] = decide(StorageKind::fenced, state, write);
  CHECK_FALSE(accepted);
  CHECK(reason == "token 32 is lower than 33, the highest seen");
}

TEST_CASE("a lock story tells its faults and events in time order", "[lock]") {
  // A grant at 99.364 s comes between a pause at 99 s and a crash at 99.5 s, not after both.
  sim::RunResult r;
  sim::CheckOutcome broken;
  broken.result.name = "overlapping_holders";
  broken.result.held = false;
  broken.result.summary = "1 pairs of grants overlapped";
  broken.result.first = sim::Violation{at_ms(99'600), {"client-1", "client-2"}, "client-2 was granted the lock"};
  r.checks = {broken};
  r.faults = {sim::AppliedFault{at_ms(99'000), "client-1", "pause", "stop-the-world pause for 1s", std::nullopt},
              sim::AppliedFault{at_ms(99'500), "redis-0", "crash", "restarts after 10ms", std::nullopt}};
  std::vector<sim::TraceRecord> trace = {sim::TraceRecord{at_ms(99'364), 1, "lock.granted", "epoch 7"}};
  std::vector<std::string> story = sim::tell_story(r, trace, {"client-1", "client-2"}, "");
  auto line_of = [&](const std::string& text) {
    for (std::size_t i = 0; i < story.size(); ++i)
      if (story[i].find(text) != std::string::npos) return i;
    FAIL("no line with " << text);
    return story.size();
  };
  CHECK(line_of("`pause`") < line_of("lock.granted"));
  CHECK(line_of("lock.granted") < line_of("`crash`"));
  CHECK(line_of("`crash`") < line_of("`overlapping_holders` broke"));
}
