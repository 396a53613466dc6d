// co_await sim::sleep has two paths: a sleep nothing can cancel keeps the suspended coroutine
// inside the queue's entry (its wake-up allocates nothing); a sleep whose coroutine has a connected
// cancellation slot (one side of `||`, a bound slot) takes the general operation, which
// cancellation can complete early. Both must keep every kernel promise: FIFO ties, pause
// deferral, crash and shutdown freeing frames.
#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <string>
#include <vector>

#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

Instant at(Duration d) { return Instant::zero() + d; }

/// Counts the frames alive that hold one.
struct Alive {
  explicit Alive(int& count) : count_(&count) { ++*count_; }
  Alive(const Alive&) = delete;
  Alive& operator=(const Alive&) = delete;
  ~Alive() { --*count_; }
  int* count_;
};

Task<void> sleep_and_log(World& world, std::string name, Duration d, std::vector<std::string>& log) {
  co_await sleep(d);
  log.push_back(name + " at " + to_string(world.now() - Instant::zero()));
}

Task<void> guarded_sleep(int& alive, int& resumed, Duration d) {
  Alive guard(alive);
  co_await sleep(d);
  ++resumed;
}

Task<void> crash_self_then_sleep(World& world, NodeId n, int& alive, int& resumed) {
  Alive guard(alive);
  world.crash(n);
  co_await sleep(1_s);
  ++resumed;
}

Task<void> race_guarded_sleeps(int& alive, int& resumed, std::vector<std::size_t>& winners) {
  auto winner = co_await (guarded_sleep(alive, resumed, 1_s) || guarded_sleep(alive, resumed, 100_ms));
  winners.push_back(winner.index());
}

Task<void> sleep_until_cancelled(World& world, std::vector<std::string>& log) {
  try {
    co_await sleep(1_s);
    log.push_back("woke at " + to_string(world.now() - Instant::zero()));
  } catch (const boost::system::system_error& e) {
    log.push_back(std::string(e.code() == asio::error::operation_aborted ? "aborted" : "other") + " at " +
                  to_string(world.now() - Instant::zero()));
  }
}

// An operation written as a callable that forwards its token to sim::sleep: awaited, it hands
// the coroutine's handler to a Sleep that is gone before the sleep ends.
auto backoff(Duration d) {
  return [d]<asio::completion_token_for<void(error_code)> Token>(Token&& token) {
    return sleep(d)(std::forward<Token>(token));
  };
}

Task<void> sleep_through_wrapper(World& world, std::vector<std::string>& log) {
  co_await backoff(10_ms);
  log.push_back("wrapper at " + to_string(world.now() - Instant::zero()));
}

// A deferred sequence whose last step returns a sleep: the same hand-over.
Task<void> sleep_through_deferred(World& world, std::vector<std::string>& log) {
  co_await (asio::deferred.values() | asio::deferred([] { return sleep(20_ms); }));
  log.push_back("deferred at " + to_string(world.now() - Instant::zero()));
}

// Reuses the C++ stack between a sleep starting and its wake-up, so a wake-up event left in a
// dead stack frame would be overwritten.
__attribute__((noinline)) void scribble_on_the_stack() {
  volatile char junk[8192];
  for (char& c : const_cast<char(&)[8192]>(junk)) c = static_cast<char>(0xAB);
}

struct Logged {
  std::vector<std::string>* log;
  std::string name;
  World* world;
  void operator()(error_code) const { log->push_back(name + " at " + to_string(world->now() - Instant::zero())); }
};

}  // namespace

TEST_CASE("sleeps due at one instant wake in the order they began, whichever path each took", "[world][sleep]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::string> log;
  spawn(world.executor(n), sleep_and_log(world, "first", 10_ms, log));
  world.run_until(at(1_ms));
  sleep_for(world.executor(n), 9_ms, Logged{&log, "callback", &world});
  spawn(world.executor(n), sleep_and_log(world, "third", 9_ms, log));
  world.run();
  REQUIRE(log == std::vector<std::string>{"first at 10ms", "callback at 10ms", "third at 10ms"});
}

TEST_CASE("a sleep of zero or less resumes after the work already posted for now", "[world][sleep]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::string> log;
  spawn(world.executor(n), sleep_and_log(world, "zero", Duration::zero(), log));
  spawn(world.executor(n), sleep_and_log(world, "negative", -5_ms, log));
  world.post([&] { log.push_back("posted"); });
  world.run();
  REQUIRE(log == std::vector<std::string>{"posted", "zero at 0s", "negative at 0s"});
}

TEST_CASE("a coroutine that crashes its own node and then sleeps is destroyed, never resumed",
          "[world][sleep][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  spawn(world.executor(n), crash_self_then_sleep(world, n, alive, resumed));
  world.run();
  CHECK(alive == 0);
  CHECK(resumed == 0);
  CHECK(world.pending() == 0);
}

TEST_CASE("a sleeper deferred by a pause and then crashed is destroyed, never resumed",
          "[world][sleep][pause][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  spawn(world.executor(n), guarded_sleep(alive, resumed, 100_ms));
  world.run_until(at(50_ms));
  world.pause(n);
  world.run_until(at(1_s));
  REQUIRE(alive == 1);
  world.crash(n);
  CHECK(alive == 0);
  world.run();
  CHECK(resumed == 0);
}

TEST_CASE("a World destroyed with sleepers pending frees their frames", "[world][sleep]") {
  int alive = 0;
  int resumed = 0;
  {
    World world(1);
    NodeId n = world.add_node("a", {});
    for (int i = 0; i < 3; ++i) spawn(world.executor(n), guarded_sleep(alive, resumed, 1_s));
    spawn(world.executor(), guarded_sleep(alive, resumed, 1_s));
    world.run_until(at(10_ms));
    REQUIRE(alive == 4);
  }
  CHECK(alive == 0);
  CHECK(resumed == 0);
}

TEST_CASE("the losing sleeper of || is cancelled and its frame freed", "[world][sleep]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  std::vector<std::size_t> winners;
  spawn(world.executor(n), race_guarded_sleeps(alive, resumed, winners));
  world.run_until(at(100_ms));
  CHECK(winners == std::vector<std::size_t>{1});
  CHECK(alive == 0);
  CHECK(resumed == 1);
  world.run();
  CHECK(resumed == 1);
}

TEST_CASE("a crash during a race of sleeps destroys both sides and the racer", "[world][sleep][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  std::vector<std::size_t> winners;
  spawn(world.executor(n), race_guarded_sleeps(alive, resumed, winners));
  world.run_until(at(50_ms));
  REQUIRE(alive == 2);
  world.crash(n);
  world.run();
  CHECK(alive == 0);
  CHECK(resumed == 0);
  CHECK(winners.empty());
}

TEST_CASE("a sleep in a coroutine with a bound cancellation slot ends at once when cancelled", "[world][sleep]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::string> log;
  asio::cancellation_signal stop;
  asio::co_spawn(world.executor(n), sleep_until_cancelled(world, log),
                 asio::bind_cancellation_slot(stop.slot(), Rethrow{}));
  world.run_until(at(100_ms));
  REQUIRE(log.empty());
  stop.emit(asio::cancellation_type::terminal);
  REQUIRE(log.empty());  // completion is posted, never run inline
  world.run();
  CHECK(log == std::vector<std::string>{"aborted at 100ms"});
}

TEST_CASE("a sleeper on a restarted node belongs to the new incarnation and wakes", "[world][sleep][crash]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  int alive = 0;
  int resumed = 0;
  world.node(n).set_boot([&] { spawn(world.executor(n), guarded_sleep(alive, resumed, 1_s)); });
  world.boot_all();
  world.run_until(at(500_ms));
  world.crash(n);
  REQUIRE(alive == 0);
  world.restart(n);
  world.run();
  CHECK(resumed == 1);
  CHECK(alive == 0);
  CHECK(world.now() == at(1500_ms));
}

TEST_CASE("a sleep reached through a token-forwarding wrapper or a deferred sequence wakes on time", "[world][sleep]") {
  World world(1);
  NodeId n = world.add_node("a", {});
  std::vector<std::string> log;
  spawn(world.executor(n), sleep_through_wrapper(world, log));
  spawn(world.executor(n), sleep_through_deferred(world, log));
  world.run_until(at(1_ms));
  scribble_on_the_stack();
  world.run();
  REQUIRE(log == std::vector<std::string>{"wrapper at 10ms", "deferred at 20ms"});
}
