// Goal: the lock model's pieces do what the reference (section 4) says, on their own: the
// storage variants' verdicts, Redlock's drift allowance, the checkers on hand-made histories
// (each able to fail), option errors, and the shipped timelines' outcomes from their mechanisms.
#include <catch2/catch.hpp>

#include "models/lock/checks.hpp"
#include "models/lock/lock_model.hpp"
#include "models/lock/options.hpp"
#include "sim/run/run.hpp"
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
