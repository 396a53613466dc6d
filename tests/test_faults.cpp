// The fault injector: each fault verb does what it says at its time, is recorded with that
// time, opens and closes its fault window, which the World asks when it files a latency; random
// faults are drawn lazily, the same for one seed; and a world with random latency, loss and
// faults replays to the same trace hash for one seed.
#include <catch2/catch.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/fault.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

Instant at(Duration d) { return Instant::zero() + d; }
NodeRef ref(std::string name) { return NodeRef{std::move(name), {}, {}}; }

FaultSpec fault_at(Duration when, FaultAction action) { return FaultSpec{when, std::move(action), {}, std::nullopt}; }

PartitionFault groups(std::vector<std::vector<NodeRef>> members, std::optional<Duration> length) {
  PartitionFault p;
  p.shape = PartitionFault::Shape::groups;
  p.groups = std::move(members);
  p.duration = length;
  return p;
}

PartitionFault isolation(NodeRef node, std::optional<Duration> length) {
  PartitionFault p;
  p.shape = PartitionFault::Shape::isolate;
  p.node = std::move(node);
  p.duration = length;
  return p;
}

/// Wakes every 100 ms of the node's monotonic clock and notes the true time.
Task<void> ticker(World& world, std::vector<Instant>& ticks) {
  for (;;) {
    co_await sleep(100_ms);
    ticks.push_back(world.now());
  }
}

bool paused(World& world, NodeId n) { return world.node(n).state() == NodeState::paused; }

struct Ping final : MessageBody {
  explicit Ping(std::uint64_t n) : value(n) {}
  std::string describe() const override { return "ping " + std::to_string(value); }
  std::uint64_t value;
};

/// Calls a random other node every 10 ms and records how each call went.
Task<void> pinger(World& world, NodeId self) {
  Executor ex = co_await asio::this_coro::executor;
  Rng rng = world.rng("pinger/" + world.node(self).name());
  for (;;) {
    co_await sleep(Duration::milliseconds(5 + static_cast<std::int64_t>(rng.below(10))));
    auto to = static_cast<NodeId>(rng.below(world.node_count() - 1));
    if (to >= self) ++to;
    error_code ec;
    Instant start = world.now();
    co_await world.rpc().call(ex, to, std::make_shared<Ping>(rng.next_u64()), 50_ms,
                              asio::redirect_error(use_awaitable, ec));
    world.record_latency(ec ? "ping.failed" : "ping", world.now() - start);
    world.trace().fold(world.now(), self, "test.ping", ec.value(), (world.now() - start).ns());
  }
}

/// Boots `n`: serves pings and starts pinging.
void boot_pinger(World& world, NodeId n) {
  world.rpc().serve(n, [](const RpcRequest& request, Responder responder) { responder.reply(request.body); });
  spawn(world.executor(n), pinger(world, n));
}

/// The trace hash of a small world with random latency, loss and faults, after 5 s.
std::uint64_t small_world_hash(std::uint64_t seed) {
  World world(seed);
  for (const char* name : {"n1", "n2", "n3", "n4"}) world.add_node(name, {"server"});
  LinkOptions link;
  link.latency = DurationDist{DurationDist::Kind::lognormal, 1_ms, 5_ms, 0.0};
  link.loss = Ratio{1, 20};
  link.duplicate = Ratio{1, 50};
  link.fifo = false;
  world.start_network(NetworkOptions{link, {}});
  for (NodeId n = 0; n < world.node_count(); ++n) world.node(n).set_boot([&world, n] { boot_pinger(world, n); });
  FaultInjector faults(world);
  RandomFaultSpec steps;
  steps.kind = RandomClockStep{DurationDist{DurationDist::Kind::uniform, 1_ms, 100_ms, 0.0}, 0};
  steps.rate = Rate{2, 1_s};
  steps.targets = {ref("*")};
  RandomFaultSpec pauses;
  pauses.kind = RandomPause{DurationDist{DurationDist::Kind::exponential, 80_ms, Duration::zero(), 0.0}};
  pauses.rate = Rate{1, 1_s};
  pauses.targets = {ref("role:server")};
  faults.schedule({fault_at(1_s, groups({{ref("n1"), ref("n2")}}, 500_ms)),
                   fault_at(2_s, CrashFault{ref("n3"), 300_ms, true}), fault_at(3_s, PauseFault{ref("n4"), 200_ms})},
                  {steps, pauses}, 5_s);
  world.boot_all();
  world.run_until(at(5_s));
  REQUIRE(world.trace().count() > 1000);
  return world.trace().hash();
}

}  // namespace

TEST_CASE("a pause fault freezes the node, resumes it after its length, and is recorded", "[faults]") {
  World world(1);
  NodeId n = world.add_node("n", {});
  world.start_network(NetworkOptions{});
  world.trace().keep_records(100);
  std::vector<Instant> ticks;
  spawn(world.executor(n), ticker(world, ticks));
  FaultInjector faults(world);
  faults.schedule({fault_at(1050_ms, PauseFault{ref("n"), 5_s})}, {}, 10_s);

  world.run_until(at(3_s));
  CHECK(paused(world, n));
  CHECK(faults.fault_window() == "pause");
  world.run_until(at(6400_ms));
  CHECK(world.node(n).is_up());
  CHECK(faults.fault_window() == "no_fault");

  // Ticks 100 ms .. 1 s, then the one due at 1.1 s runs when the pause ends at 6.05 s, and the
  // next sleep starts from there.
  std::vector<Instant> expected;
  for (int i = 1; i <= 10; ++i) expected.push_back(at(Duration::milliseconds(100 * i)));
  expected.push_back(at(6050_ms));
  expected.push_back(at(6150_ms));
  expected.push_back(at(6250_ms));
  expected.push_back(at(6350_ms));
  CHECK(ticks == expected);

  REQUIRE(faults.applied().size() == 1);
  const FaultRecord& record = faults.applied().front();
  CHECK(record.at == at(1050_ms));
  CHECK(record.node == "n");
  CHECK(record.kind == "pause");
  CHECK(record.detail == "stop-the-world pause for 5s");

  std::vector<std::string> kinds;
  for (const TraceRecord& r : world.trace().records()) kinds.push_back(r.kind + "@" + to_string(r.time));
  CHECK(kinds == std::vector<std::string>{"fault.pause@1.05s", "node.pause@1.05s", "node.resume@6.05s"});
}

TEST_CASE("a fault with a trigger waits for the n-th event of its kind on its node, then its delay", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.start_network(NetworkOptions{});
  world.trace().keep_records(100);
  // "test.tick" on a at 1 s, 2 s and 3 s; on b at 1.5 s, which a trigger on a must not count.
  for (int i = 1; i <= 3; ++i)
    world.schedule_at(at(Duration::seconds(i)), no_node, 0,
                      [&world, a] { world.trace().record(world.now(), a, "test.tick", ""); });
  world.schedule_at(at(1500_ms), no_node, 0, [&world, b] { world.trace().fold(world.now(), b, "test.tick", 0, 0); });
  FaultSpec second_tick = fault_at(Duration::zero(), PauseFault{ref("b"), 1_s});
  second_tick.after = FaultTrigger{"test.tick", ref("a"), 2, 250_ms};
  FaultSpec never = fault_at(Duration::zero(), PauseFault{ref("a"), 1_s});
  never.after = FaultTrigger{"test.tock", ref("a"), 1, Duration::zero()};
  FaultInjector faults(world);
  faults.schedule({second_tick, never}, {}, 10_s);

  world.run_until(at(2249_ms));
  CHECK(world.node(b).is_up());
  world.run_until(at(2250_ms));
  CHECK(paused(world, b));  // 250 ms after a's second tick, not after b's own at 1.5 s
  world.run_until(at(5_s));
  REQUIRE(faults.applied().size() == 1);  // once only, though a ticked a third time
  CHECK(faults.applied()[0].at == at(2250_ms));
  CHECK(faults.applied()[0].node == "b");
  CHECK(world.node(a).is_up());  // nothing recorded test.tock
}

TEST_CASE("a fault at a drawn time happens at its own stream's draw, per seed, and not past the run", "[faults]") {
  const DurationDist window{DurationDist::Kind::uniform, 2_s, 8_s, 0.0};
  std::set<std::int64_t> times;
  std::size_t past_end = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    World world(seed);
    world.add_node("a", {});
    world.add_node("b", {});
    world.start_network(NetworkOptions{});
    FaultSpec fixed = fault_at(1_s, PauseFault{ref("a"), 10_ms});
    FaultSpec drawn = fault_at(Duration::zero(), PauseFault{ref("b"), 10_ms});
    drawn.at_drawn = window;
    FaultSpec late = fault_at(Duration::zero(), PauseFault{ref("a"), 10_ms});
    late.at_drawn = DurationDist{DurationDist::Kind::exponential, 5_s, Duration::zero(), 0.0};
    FaultInjector faults(world);
    faults.schedule({fixed, drawn, late}, {}, 10_s);
    world.run();

    // Each drawn time comes from a stream numbered among the drawn ones; the fixed fault moves none.
    Rng first = world.rng("faults/at/0");
    Rng second = world.rng("faults/at/1");
    Duration expected = window.sample(first);
    Duration late_at = late.at_drawn->sample(second);
    std::vector<std::string> got;
    for (const FaultRecord& r : faults.applied()) got.push_back(r.node + "@" + to_string(r.at - Instant::zero()));
    CHECK(std::count(got.begin(), got.end(), "a@1s") == 1);
    CHECK(std::count(got.begin(), got.end(), "b@" + to_string(expected)) == 1);
    CHECK(expected >= 2_s);
    CHECK(expected <= 8_s);
    if (late_at > 10_s) {
      ++past_end;
      CHECK(got.size() == 2);  // a draw past the run's end is no fault
    } else {
      CHECK(got.size() == 3);
    }
    times.insert(expected.ns());
  }
  CHECK(times.size() == 40);  // the seed moves it
  CHECK(past_end > 0);        // exp(-2) of 40 seeds: about 5
}

TEST_CASE("a clock_step fault moves one node's wall clock, forward then back", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(2_s, ClockStepFault{ref("a"), 15_s}), fault_at(4_s, ClockStepFault{ref("a"), -(20_s)})}, {},
                  10_s);
  world.run_until(at(3_s));
  CHECK(world.node(a).clock().wall_offset(world.now()) == 15_s);
  CHECK(world.node(a).clock().mono(world.now()) == MonoTime::boot() + 3_s);
  CHECK(world.node(b).clock().wall_offset(world.now()) == Duration::zero());
  CHECK(faults.fault_window() == "no_fault");  // a step is instantaneous: no window stays open
  world.run_until(at(5_s));
  CHECK(world.node(a).clock().wall_offset(world.now()) == -(5_s));
  CHECK(world.node(a).clock().mono(world.now()) == MonoTime::boot() + 5_s);

  REQUIRE(faults.applied().size() == 2);
  CHECK(faults.applied()[0].at == at(2_s));
  CHECK(faults.applied()[0].kind == "clock_step");
  CHECK(faults.applied()[0].detail == "wall clock +15s");
  CHECK(faults.applied()[1].at == at(4_s));
  CHECK(faults.applied()[1].detail == "wall clock -20s");
}

TEST_CASE("a crash with restart_after boots the node again as a new incarnation", "[faults][crash]") {
  World world(1);
  NodeId n = world.add_node("n", {"server"});
  world.start_network(NetworkOptions{});
  int boots = 0;
  std::vector<Instant> ticks;
  world.node(n).set_boot([&world, &boots, &ticks, n] {
    ++boots;
    spawn(world.executor(n), ticker(world, ticks));
  });
  FaultInjector faults(world);
  faults.schedule({fault_at(1050_ms, CrashFault{ref("role:server"), 2_s, true})}, {}, 10_s);
  world.boot_all();
  CHECK(boots == 1);

  world.run_until(at(2_s));
  CHECK(world.node(n).state() == NodeState::crashed);
  CHECK(world.node(n).incarnation() == 1);
  CHECK(faults.fault_window() == "other_fault");
  world.run_until(at(3400_ms));
  CHECK(boots == 2);
  CHECK(world.node(n).is_up());
  CHECK(world.node(n).incarnation() == 2);
  CHECK(faults.fault_window() == "no_fault");

  // The old incarnation's ticker died with it; the new one started at 3.05 s.
  std::vector<Instant> expected;
  for (int i = 1; i <= 10; ++i) expected.push_back(at(Duration::milliseconds(100 * i)));
  expected.push_back(at(3150_ms));
  expected.push_back(at(3250_ms));
  expected.push_back(at(3350_ms));
  CHECK(ticks == expected);

  REQUIRE(faults.applied().size() == 2);
  CHECK(faults.applied()[0].at == at(1050_ms));
  CHECK(faults.applied()[0].kind == "crash");
  CHECK(faults.applied()[0].detail == "restarts after 2s");
  CHECK(faults.applied()[1].at == at(3050_ms));
  CHECK(faults.applied()[1].kind == "restart");
}

TEST_CASE("a partition with a duration heals itself", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  NodeId c = world.add_node("c", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(1_s, groups({{ref("a")}, {ref("b")}}, 2_s))}, {}, 10_s);

  world.run_until(at(2_s));
  CHECK_FALSE(world.network().can_reach(a, b));
  CHECK_FALSE(world.network().can_reach(b, a));
  CHECK_FALSE(world.network().can_reach(a, c));  // c, in no group, is a group of its own
  CHECK(faults.fault_window() == "partition");
  world.run_until(at(3500_ms));
  CHECK(world.network().can_reach(a, b));
  CHECK(world.network().can_reach(c, a));
  CHECK(faults.fault_window() == "no_fault");

  REQUIRE(faults.applied().size() == 2);
  CHECK(faults.applied()[0].at == at(1_s));
  CHECK(faults.applied()[0].kind == "partition");
  CHECK(faults.applied()[0].detail == "groups a | b for 2s");
  CHECK(faults.applied()[1].at == at(3_s));
  CHECK(faults.applied()[1].kind == "heal");
}

TEST_CASE("a heal fault ends every partition and its window", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(1_s, isolation(ref("a"), std::nullopt)), fault_at(1_s, isolation(ref("b"), 10_s)),
                   fault_at(2_s, HealFault{})},
                  {}, 20_s);
  world.run_until(at(1500_ms));
  CHECK_FALSE(world.network().can_reach(a, b));
  CHECK(faults.fault_window() == "partition");
  world.run_until(at(2500_ms));
  CHECK(world.network().can_reach(a, b));
  CHECK(world.network().can_reach(b, a));
  CHECK(faults.fault_window() == "no_fault");
  world.run();
  CHECK(faults.fault_window() == "no_fault");
  CHECK(faults.applied().size() == 3);  // the isolation's own end finds it healed already
}

TEST_CASE("an isolation aimed at a role isolates every node of it and heals them all", "[faults]") {
  // A role selects two nodes, so one isolation fault makes two isolations: its end must heal
  // both, not only the last one made.
  World world(1);
  NodeId client = world.add_node("client", {});
  NodeId r1 = world.add_node("redis-1", {"redis"});
  NodeId r2 = world.add_node("redis-2", {"redis"});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(1_s, isolation(ref("role:redis"), 1_s))}, {}, 10_s);
  world.run_until(at(1500_ms));
  CHECK_FALSE(world.network().can_reach(client, r1));
  CHECK_FALSE(world.network().can_reach(client, r2));
  world.run_until(at(2500_ms));
  CHECK(world.network().can_reach(client, r2));
  CHECK(world.network().can_reach(client, r1));
  CHECK(faults.fault_window() == "no_fault");
}

TEST_CASE("a slow_link fault changes a link's latency for its duration", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.start_network(NetworkOptions{});
  LinkFault slow;
  slow.kind = LinkFault::Kind::slow_link;
  slow.from = ref("a");
  slow.to = ref("b");
  slow.latency = DurationDist::constant(40_ms);
  slow.duration = 1_s;
  FaultInjector faults(world);
  faults.schedule({fault_at(1_s, slow)}, {}, 10_s);
  world.run_until(at(1500_ms));
  CHECK(world.network().link(a, b).latency == DurationDist::constant(40_ms));
  CHECK(world.network().link(b, a).latency == DurationDist::constant(40_ms));
  CHECK(faults.fault_window() == "other_fault");
  world.run_until(at(2500_ms));
  CHECK(world.network().link(a, b).latency == LinkOptions{}.latency);
  CHECK(faults.fault_window() == "no_fault");
  REQUIRE(faults.applied().size() == 1);
  CHECK(faults.applied()[0].kind == "slow_link");
}

/// Calls `to` every 100 ms (timeout 50 ms) and notes, per call, when it went out and whether a
/// reply came.
Task<void> caller(World& world, NodeId to, std::vector<std::pair<Instant, bool>>& calls) {
  Executor ex = co_await asio::this_coro::executor;
  for (;;) {
    co_await sleep(100_ms);
    Instant start = world.now();
    error_code ec;
    co_await world.rpc().call(ex, to, std::make_shared<Ping>(1), 50_ms, asio::redirect_error(use_awaitable, ec));
    calls.emplace_back(start, !ec);
  }
}

TEST_CASE("a drop_response fault lets requests through and loses their replies for its duration", "[faults]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.start_network(NetworkOptions{});
  std::vector<Instant> served;  // b handled a request at these times
  world.rpc().serve(b, [&](const RpcRequest& request, Responder responder) {
    served.push_back(world.now());
    responder.reply(request.body);
  });
  world.rpc().serve(a, [](const RpcRequest& request, Responder responder) { responder.reply(request.body); });
  std::vector<std::pair<Instant, bool>> from_a, from_b;
  spawn(world.executor(a), caller(world, b, from_a));
  spawn(world.executor(b), caller(world, a, from_b));
  LinkFault lost;
  lost.kind = LinkFault::Kind::drop_response;
  lost.from = ref("b");
  lost.to = ref("a");
  lost.duration = 1_s;
  FaultInjector faults(world);
  faults.schedule({fault_at(1050_ms, lost)}, {}, 10_s);
  world.run_until(at(1500_ms));
  CHECK(faults.fault_window() == "other_fault");
  world.run_until(at(3_s));
  CHECK(faults.fault_window() == "no_fault");
  // Every call of a reached b; those sent inside the window got no reply, the others did.
  std::size_t lost_calls = 0;
  for (auto [start, answered] : from_a) {
    bool inside = start >= at(1050_ms) && start < at(2050_ms);
    CHECK(answered == !inside);
    lost_calls += inside ? 1 : 0;
  }
  CHECK(lost_calls >= 6);  // one call every 150 ms in the window (a 100 ms sleep, then a 50 ms timeout)
  CHECK(served.size() >= from_a.size());
  // b's own calls to a, and a's replies to them, are untouched.
  for (auto [start, answered] : from_b) CHECK(answered);
  REQUIRE(faults.applied().size() == 1);
  CHECK(faults.applied()[0].kind == "drop_response");
  CHECK(faults.applied()[0].until == at(2050_ms));
}

TEST_CASE("a drop_response fault belongs to its run: another world on the same thread keeps its replies", "[faults]") {
  // Two runs interleaved on one thread, as a sweep's worker could: only the first has the fault.
  World first(1), second(1);
  std::vector<std::pair<Instant, bool>> first_calls, second_calls;
  for (World* world : {&first, &second}) {
    NodeId a = world->add_node("a", {});
    NodeId b = world->add_node("b", {});
    world->start_network(NetworkOptions{});
    world->rpc().serve(b, [](const RpcRequest& request, Responder responder) { responder.reply(request.body); });
    spawn(world->executor(a), caller(*world, b, world == &first ? first_calls : second_calls));
  }
  LinkFault lost;
  lost.kind = LinkFault::Kind::drop_response;
  lost.from = ref("b");
  lost.to = ref("a");
  auto faults = std::make_unique<FaultInjector>(first);
  faults->schedule({fault_at(50_ms, lost)}, {}, 10_s);
  for (int step = 1; step <= 10; ++step) {
    first.run_until(at(100_ms * step));
    second.run_until(at(100_ms * step));
  }
  CHECK_FALSE(first.rpc().reply_drops().empty());
  CHECK(second.rpc().reply_drops().empty());
  REQUIRE(first_calls.size() >= 5);
  REQUIRE(second_calls.size() >= 5);
  for (auto [start, answered] : first_calls) CHECK_FALSE(answered);
  for (auto [start, answered] : second_calls) CHECK(answered);
  // The injector ends its drops when it goes; the world's later replies arrive.
  faults.reset();
  CHECK(first.rpc().reply_drops().empty());
  std::size_t before = first_calls.size();
  first.run_until(at(2_s));
  REQUIRE(first_calls.size() > before);
  for (std::size_t i = before; i < first_calls.size(); ++i) CHECK(first_calls[i].second);
}

TEST_CASE("the fault window names the fault in force: pause over partition over none", "[faults]") {
  World world(1);
  world.add_node("a", {});
  world.add_node("b", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(1_s, PauseFault{ref("a"), 1_s}), fault_at(3_s, groups({{ref("a")}, {ref("b")}}, 2_s)),
                   fault_at(4_s, PauseFault{ref("b"), 500_ms})},
                  {}, 10_s);
  std::vector<std::string> windows;
  for (Duration t : {500_ms, 1500_ms, 2500_ms, 3500_ms, 4250_ms, 4750_ms, 5500_ms}) {
    world.run_until(at(t));
    windows.emplace_back(faults.fault_window());
  }
  CHECK(windows ==
        std::vector<std::string>{"no_fault", "pause", "no_fault", "partition", "pause", "partition", "no_fault"});
}

TEST_CASE("the World files each latency under the window the injector has open", "[faults]") {
  World world(1);
  world.add_node("a", {});
  world.start_network(NetworkOptions{});
  world.record_latency("op", 1_ms);  // no injector yet: no fault
  {
    FaultInjector faults(world);
    faults.schedule({fault_at(1_s, PauseFault{ref("a"), 1_s})}, {}, 10_s);
    world.run_until(at(1500_ms));
    world.record_latency("op", 2_ms);
    world.run_until(at(2500_ms));
    world.record_latency("op", 3_ms);
  }
  world.record_latency("op", 4_ms);  // the injector is gone: no fault
  CHECK(world.metrics().find_histogram("op")->count() == 4);
  CHECK(world.metrics().find_histogram("op@no_fault")->count() == 3);
  CHECK(world.metrics().find_histogram("op@pause")->count() == 1);
}

TEST_CASE("a pause that ends on a node that crashed meanwhile leaves other pauses' windows open", "[faults]") {
  // a's crash ends a's pause and its window; when a's pause was due to end, nothing may close a
  // window a second time, or b's pause (still on) would be counted as no fault.
  World world(1);
  world.add_node("a", {});
  world.add_node("b", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(0_s, PauseFault{ref("a"), 10_s}), fault_at(1_s, PauseFault{ref("b"), 10_s}),
                   fault_at(2_s, CrashFault{ref("a"), std::nullopt, true})},
                  {}, 20_s);
  world.run_until(at(10500_ms));
  REQUIRE(paused(world, *world.find_node("b")));
  CHECK(faults.fault_window() == "pause");
}

TEST_CASE("a pause of a restarted node lasts its own length, not an earlier pause's", "[faults]") {
  // The end of the first pause, due at 10 s, belongs to the incarnation that crashed: it must
  // not resume the restarted node from its second pause, which lasts until 25 s.
  World world(1);
  NodeId a = world.add_node("a", {});
  world.start_network(NetworkOptions{});
  FaultInjector faults(world);
  faults.schedule({fault_at(0_s, PauseFault{ref("a"), 10_s}), fault_at(2_s, CrashFault{ref("a"), 1_s, true}),
                   fault_at(5_s, PauseFault{ref("a"), 20_s})},
                  {}, 30_s);
  world.run_until(at(15_s));
  CHECK(paused(world, a));
  world.run_until(at(26_s));
  CHECK(world.node(a).is_up());
}

TEST_CASE("random faults: one schedule per seed, about rate times length of them", "[faults]") {
  auto schedule_of = [](std::uint64_t seed) {
    World world(seed);
    for (const char* name : {"r1", "r2", "r3"}) world.add_node(name, {"redis"});
    world.add_node("client", {"client"});
    world.start_network(NetworkOptions{});
    RandomFaultSpec steps;
    steps.kind = RandomClockStep{DurationDist::constant(1_ms), +1};
    steps.rate = Rate{10, 1_s};
    steps.targets = {ref("role:redis")};
    FaultInjector faults(world);
    faults.schedule({}, {steps}, 100_s);
    world.run();
    std::vector<std::string> lines;
    for (const FaultRecord& r : faults.applied()) {
      CHECK(r.kind == "clock_step");
      CHECK(r.detail == "wall clock +1ms");
      CHECK(r.node != "client");
      CHECK(r.at < at(100_s));
      lines.push_back(to_string(r.at) + " " + r.node);
    }
    return lines;
  };
  std::vector<std::string> first = schedule_of(5);
  std::vector<std::string> again = schedule_of(5);
  std::vector<std::string> other = schedule_of(6);
  CHECK(first == again);
  CHECK(first != other);
  // Poisson with mean 1000: standard deviation about 32.
  CHECK(first.size() >= 850);
  CHECK(first.size() <= 1150);
  CHECK(other.size() >= 850);
  CHECK(other.size() <= 1150);
}

TEST_CASE("random faults fall between their start and stop", "[faults]") {
  World world(9);
  NodeId n = world.add_node("n", {});
  world.start_network(NetworkOptions{});
  RandomFaultSpec drifts;
  drifts.kind = RandomClockDrift{200};
  drifts.rate = Rate{100, 1_min};
  drifts.targets = {ref("n")};
  drifts.start = 10_s;
  drifts.stop = 70_s;
  FaultInjector faults(world);
  faults.schedule({}, {drifts}, 100_s);
  world.run();
  REQUIRE(faults.applied().size() >= 60);
  REQUIRE(faults.applied().size() <= 140);
  Instant previous = at(10_s);
  for (const FaultRecord& r : faults.applied()) {
    CHECK(r.at > previous);  // strictly after the start, and in time order
    CHECK(r.at < at(70_s));
    previous = r.at;
  }
  CHECK(world.node(n).clock().drift_ppm() >= -200);
  CHECK(world.node(n).clock().drift_ppm() <= 200);
}

TEST_CASE("a world with random latency, loss and faults replays to one trace hash per seed", "[faults][determinism]") {
  std::uint64_t first = small_world_hash(42);
  std::uint64_t again = small_world_hash(42);
  std::uint64_t other = small_world_hash(43);
  CHECK(first == again);
  CHECK(first != other);
}

TEST_CASE("random faults are drawn lazily: a high rate over a long run keeps one fault pending", "[faults]") {
  // 100 faults a millisecond for 10 s: a million, were they drawn before the run.
  World world(3);
  NodeId n = world.add_node("n", {});
  world.start_network(NetworkOptions{});
  RandomFaultSpec drifts;
  drifts.kind = RandomClockDrift{100};
  drifts.rate = Rate{100, 1_ms};
  drifts.targets = {ref("n")};
  FaultInjector faults(world);
  faults.schedule({}, {drifts}, 10_s);
  CHECK(world.pending() == 1);
  world.run_until(at(5_ms));
  CHECK(faults.applied().size() > 300);
  CHECK(world.pending() == 1);
  CHECK(world.node(n).clock().drift_ppm() >= -100);
}

TEST_CASE("a random generator draws the gap, the target and the values of each fault in turn", "[faults]") {
  // The order that makes lazy drawing give the same faults as drawing them all up front.
  World world(11);
  for (const char* name : {"a", "b", "c"}) world.add_node(name, {"db"});
  world.start_network(NetworkOptions{});
  const DurationDist step{DurationDist::Kind::uniform, 1_ms, 9_ms, 0.0};
  RandomFaultSpec steps;
  steps.kind = RandomClockStep{step, 0};
  steps.rate = Rate{5, 1_s};
  steps.targets = {ref("role:db")};
  FaultInjector faults(world);
  faults.schedule({}, {steps}, 20_s);
  world.run();

  Rng rng = world.rng("faults/random/0");
  std::vector<std::string> expected;
  Duration when = Duration::zero();
  for (;;) {
    when += Duration::nanoseconds(static_cast<std::int64_t>(sample_exponential(rng, 2e8)) + 1);
    if (when >= 20_s) break;
    std::string node = std::string(1, static_cast<char>('a' + rng.below(3)));
    int sign = rng.below(2) == 0 ? 1 : -1;
    Duration by = step.sample(rng) * sign;
    expected.push_back(to_string(when) + " " + node + " wall clock " + (sign > 0 ? "+" : "") + to_string(by));
  }
  std::vector<std::string> got;
  for (const FaultRecord& r : faults.applied())
    got.push_back(to_string(r.at - Instant::zero()) + " " + r.node + " " + r.detail);
  CHECK(got == expected);
  CHECK(got.size() > 50);
}
