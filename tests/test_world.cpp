// The kernel's event loop: ordering, time, coroutines, crash, pause and clocks.
#include <catch2/catch.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

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

namespace {
/// Work that cannot ride in a queue's entry (it owns a string), logging its name when run.
struct Pooled {
  std::vector<std::string>* log;
  std::string name;
  void operator()() const { log->push_back(name); }
};
/// Work that rides in the entry: two pointers, copied by their bytes.
struct Inline {
  std::vector<std::string>* log;
  const char* name;
  void operator()() const { log->push_back(name); }
};
}  // namespace

TEST_CASE("small trivially copyable work rides in the queue's entry, other work in a pooled block, in one order",
          "[world]") {
  STATIC_REQUIRE(QueuedEvent::holds_inline<Inline>);
  STATIC_REQUIRE_FALSE(QueuedEvent::holds_inline<Pooled>);
  STATIC_REQUIRE_FALSE(QueuedEvent::holds_inline<std::array<void*, 3>>);  // too large
  World world(1);
  std::vector<std::string> log;
  // Interleaved at one time and across times: the kind of entry never changes the order.
  for (Duration t : {20_ms, 10_ms, 20_ms}) {
    world.schedule_at(Instant::zero() + t, no_node, 0, Inline{&log, t == 10_ms ? "i10" : "i20"});
    world.schedule_at(Instant::zero() + t, no_node, 0, Pooled{&log, t == 10_ms ? "p10" : "p20"});
  }
  world.post(Inline{&log, "i0"});
  world.run();
  REQUIRE(log == std::vector<std::string>{"i0", "i10", "p10", "i20", "p20", "i20", "p20"});
}

namespace {
/// Work of two words, logging both when run: packed in the entry when each fits 48 bits.
struct TwoWords {
  std::vector<std::uint64_t>* log;
  std::uint64_t value;
  void operator()() const { log->push_back(value); }
};
}  // namespace

TEST_CASE("work of two words rides packed when both fit 48 bits, pooled when not, and runs the same", "[world]") {
  STATIC_REQUIRE(QueuedEvent::packs_inline<TwoWords>);
  STATIC_REQUIRE_FALSE(QueuedEvent::fits_inline<TwoWords>);
  STATIC_REQUIRE(sizeof(QueuedEvent) == 24);
  constexpr std::uint64_t top48 = (std::uint64_t{1} << 48) - 1;
  std::vector<std::uint64_t> log;
  for (std::uint64_t value : {std::uint64_t{0}, top48, std::uint64_t{0x123456789abc}, top48 + 1, ~std::uint64_t{0}}) {
    TwoWords work{&log, value};
    alignas(TwoWords) std::byte bytes[sizeof work];
    std::memcpy(bytes, &work, sizeof work);
    CHECK(QueuedEvent::packable(bytes) == (value <= top48));
  }
  World world(1);
  // Packed and pooled entries at one time and across times: every value comes back whole, in
  // posting order at each time.
  for (Duration t : {20_ms, 10_ms})
    for (std::uint64_t value : {top48, top48 + 1, std::uint64_t{0x123456789abc}, ~std::uint64_t{0}})
      world.schedule_at(Instant::zero() + t, no_node, 0, TwoWords{&log, value + static_cast<std::uint64_t>(t.ns())});
  world.run();
  std::vector<std::uint64_t> expected;
  for (Duration t : {10_ms, 20_ms})
    for (std::uint64_t value : {top48, top48 + 1, std::uint64_t{0x123456789abc}, ~std::uint64_t{0}})
      expected.push_back(value + static_cast<std::uint64_t>(t.ns()));
  CHECK(log == expected);
}

TEST_CASE("an entry names any node up to its limit, and no node", "[world]") {
  for (NodeId node : {NodeId{0}, NodeId{1}, QueuedEvent::max_nodes - 1, no_node}) {
    QueuedEvent e = QueuedEvent::holding(7, node, [] {});
    CHECK(e.node() == node);
    CHECK(e.time == 7);
    EventPool pool;
    e.drop(pool);
  }
}

TEST_CASE("a pause defers inline and pooled events alike, in order, and a crash drops both", "[world][pause][crash]") {
  for (bool crash_while_paused : {false, true}) {
    World world(1);
    NodeId n = world.add_node("a", {});
    NodeId other = world.add_node("b", {});
    std::vector<std::string> log;
    auto owned = std::make_shared<int>(0);  // held by pooled work: freed when that work is dropped
    world.schedule_at(Instant::zero() + 10_ms, n, 0, Inline{&log, "n-i10"});
    world.schedule_at(Instant::zero() + 10_ms, n, 0, [&log, owned] { log.push_back("n-p10"); });
    world.schedule_at(Instant::zero() + 20_ms, other, 0, Inline{&log, "other-i20"});
    world.schedule_at(Instant::zero() + 30_ms, n, 0, Pooled{&log, "n-p30"});
    world.schedule_at(Instant::zero() + 40_ms, n, 0, Inline{&log, "n-i40"});
    world.run_until(Instant::zero() + 5_ms);
    world.pause(n);
    world.run_until(Instant::zero() + 50_ms);
    REQUIRE(log == std::vector<std::string>{"other-i20"});
    REQUIRE(owned.use_count() == 2);
    if (crash_while_paused) {
      world.crash(n);
      REQUIRE(owned.use_count() == 1);
    } else {
      world.resume(n);
    }
    world.run();
    std::vector<std::string> expected{"other-i20"};
    if (!crash_while_paused) expected.insert(expected.end(), {"n-i10", "n-p10", "n-p30", "n-i40"});
    CHECK(log == expected);
    CHECK(world.now() == Instant::zero() + 50_ms);
  }
}

TEST_CASE("a crash sweeps the node's inline and pooled events and keeps everyone else's in order", "[world][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  NodeId other = world.add_node("b", {});
  std::vector<std::string> log;
  for (Duration t : {10_ms, 20_ms}) {
    world.schedule_at(Instant::zero() + t, n, 0, Inline{&log, "n-inline"});
    world.schedule_at(Instant::zero() + t, other, 0, Inline{&log, t == 10_ms ? "b-i10" : "b-i20"});
    world.schedule_at(Instant::zero() + t, n, 0, Pooled{&log, "n-pooled"});
    world.schedule_at(Instant::zero() + t, no_node, 0, Pooled{&log, t == 10_ms ? "k-p10" : "k-p20"});
  }
  world.schedule_at(Instant::zero() + 5_ms, no_node, 0, [&world, n] { world.crash(n); });
  world.run();
  REQUIRE(log == std::vector<std::string>{"b-i10", "k-p10", "b-i20", "k-p20"});
  // Work posted for the crashed incarnation is dropped when posted; the restarted one's runs.
  world.post(n, 0, Inline{&log, "old incarnation"});
  world.restart(n);
  world.post(n, world.node(n).incarnation(), Inline{&log, "restarted"});
  world.run();
  CHECK(log.back() == "restarted");
  CHECK(log.size() == 5);
}
