// The kernel's event loop: ordering, time, coroutines, crash, pause and clocks.
#include <catch2/catch.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>

#include "sim/kernel/disk_sync.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;
using namespace boost::asio::experimental::awaitable_operators;

TEST_CASE("events at one time run in the order they were posted", "[world]") {
  World world(1);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) world.schedule_at(Instant::zero() + 10_ms, no_node, 0, [&, i] { order.push_back(i); });
  world.schedule_at(Instant::zero() + 5_ms, no_node, 0, [&] {
    order.push_back(-1);
    world.schedule_at(world.now() + 5_ms, no_node, 0, [&] { order.push_back(99); });
  });
  world.run();
  REQUIRE(order == std::vector<int>{-1, 0, 1, 2, 3, 4, 99});
  REQUIRE(world.now() == Instant::zero() + 10_ms);
}

TEST_CASE("asio::post through the executor is queued, never run inline", "[world]") {
  World world(1);
  bool ran = false;
  boost::asio::post(world.executor(), [&] { ran = true; });
  REQUIRE_FALSE(ran);
  world.run();
  REQUIRE(ran);
}

// Coroutines take what they use as parameters: a lambda's captures would dangle once the
// lambda object is gone.
Task<void> sleep_then_race(World& world, std::vector<std::string>& log) {
  co_await sleep(250_ms);
  log.push_back("slept " + to_string(world.now()));
  auto winner = co_await (sleep(1_s) || sleep(100_ms));
  log.push_back("winner " + std::to_string(winner.index()) + " at " + to_string(world.now()));
}

TEST_CASE("a coroutine sleeps in simulated time and || picks the first to finish", "[world]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::string> log;
  spawn(world.executor(n), sleep_then_race(world, log));
  world.run();
  REQUIRE(log == std::vector<std::string>{"slept 250ms", "winner 1 at 350ms"});
}

namespace {
struct Counter {
  int* alive;
  explicit Counter(int* a) : alive(a) { ++*alive; }
  Counter(const Counter&) = delete;
  ~Counter() { --*alive; }
};
Task<void> guarded_sleep(int& alive, int& resumed) {
  Counter guard(&alive);
  co_await sleep(1_s);
  ++resumed;
}

Task<void> sleep_and_log(World& world, NodeId n, int i, std::vector<std::pair<int, MonoTime>>& woke) {
  co_await sleep(Duration::milliseconds(100 + i));
  woke.emplace_back(i, world.node(n).clock().mono(world.now()));
}
}  // namespace

TEST_CASE("a crash destroys the node's pending coroutines and they never resume", "[world][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  for (int i = 0; i < 3; ++i) {
    spawn(world.executor(n), guarded_sleep(alive, resumed));
  }
  world.run_until(Instant::zero() + 500_ms);
  REQUIRE(alive == 3);
  world.crash(n);
  REQUIRE(alive == 0);
  world.run();
  REQUIRE(resumed == 0);
  REQUIRE(world.node(n).state() == NodeState::crashed);
}

TEST_CASE("a pause defers the node's events in order until it ends, while clocks keep running", "[world][pause]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::pair<int, MonoTime>> woke;
  for (int i = 0; i < 3; ++i) {
    spawn(world.executor(n), sleep_and_log(world, n, i, woke));
  }
  world.run_until(Instant::zero() + 50_ms);
  world.pause(n);
  world.run_until(Instant::zero() + 5_s);
  REQUIRE(woke.empty());
  world.resume(n);
  world.run();
  REQUIRE(woke.size() == 3);
  REQUIRE(woke[0].first == 0);
  REQUIRE(woke[2].first == 2);
  REQUIRE(woke[0].second == MonoTime::boot() + 5_s);
}

namespace {
Task<void> write_and_sync(World& world, NodeId n, bool& synced) {
  world.node(n).disk().write("term", "7");
  co_await sync_disk(world.executor(n), use_awaitable);
  synced = true;
}
}  // namespace

TEST_CASE("a disk sync takes its latency, and a crash before it ends loses the write", "[world][disk]") {
  for (bool crash_first : {false, true}) {
    World world(1);
    NodeId n = world.add_node("a", {});
    world.node(n).disk().set_sync_latency(5_ms);
    bool synced = false;
    spawn(world.executor(n), write_and_sync(world, n, synced));
    world.run_until(Instant::zero() + 4_ms);
    REQUIRE_FALSE(synced);
    if (crash_first) world.crash(n);
    world.run();
    CHECK(synced == !crash_first);
    CHECK(world.node(n).disk().read("term") == (crash_first ? std::nullopt : std::optional<std::string>("7")));
    if (!crash_first) CHECK(world.now() == Instant::zero() + 5_ms);
  }
}
