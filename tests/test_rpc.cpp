// RPC over the simulated network: a call completes exactly once, with the reply after a round
// trip, with timed_out at the timeout on the caller's monotonic clock, or with
// operation_aborted when cancelled; a caller's crash destroys its pending calls.
#include <catch2/catch.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

struct Note final : MessageBody {
  explicit Note(int n) : value(n) {}
  std::string describe() const override { return "note " + std::to_string(value); }
  int value;
};

MessagePtr note(int value) { return std::make_shared<Note>(value); }
int value_of(const MessagePtr& body) {
  const auto* n = dynamic_cast<const Note*>(body.get());
  return n ? n->value : -1;
}

Instant at(Duration d) { return Instant::zero() + d; }

/// How one call ended, as the caller saw it.
struct CallEnd {
  Instant at;
  MonoTime caller_mono;
  error_code ec;
  int reply = -1;
};

/// Counts live copies of itself, so a test can see when a continuation's frame is freed.
struct Guard {
  explicit Guard(int& live) : live_(&live) { ++*live_; }
  Guard(const Guard& other) : live_(other.live_) { ++*live_; }
  Guard& operator=(const Guard&) = delete;
  ~Guard() { --*live_; }
  int* live_;
};

/// A world of a caller and a server, 3 ms apart, whose server answers n with n + 100.
struct Pair {
  explicit Pair(const ClockOptions& caller_clock = {}) : world(1) {
    caller = world.add_node("caller", {"client"}, caller_clock);
    server = world.add_node("server", {"server"});
    LinkOptions link;
    link.latency = DurationDist::constant(3_ms);
    world.start_network(NetworkOptions{link, {}});
    world.rpc().serve(server, [this](const RpcRequest& request, Responder responder) {
      ++requests_seen;
      responder.reply(note(value_of(request.body) + 100));
    });
  }
  World world;
  NodeId caller = 0;
  NodeId server = 0;
  int requests_seen = 0;
};

Task<void> call_once(World& world, NodeId to, int value, Duration timeout, std::optional<CallEnd>& out) {
  Executor ex = co_await asio::this_coro::executor;
  error_code ec;
  MessagePtr reply = co_await world.rpc().call(ex, to, note(value), timeout, asio::redirect_error(use_awaitable, ec));
  const Node& self = world.node(ex.node());
  out = CallEnd{world.now(), self.clock().mono(world.now()), ec, reply ? value_of(reply) : -1};
}

Task<void> call_or_give_up(World& world, NodeId to, Duration patience, std::vector<std::string>& log) {
  Executor ex = co_await asio::this_coro::executor;
  auto first = co_await (world.rpc().call(ex, to, note(1), 10_s, use_awaitable) || sleep(patience));
  log.push_back("winner " + std::to_string(first.index()) + " at " + to_string(world.now()));
}

Task<void> guarded_call(World& world, NodeId to, int& live, int& resumed) {
  Guard guard(live);
  Executor ex = co_await asio::this_coro::executor;
  error_code ec;
  co_await world.rpc().call(ex, to, note(1), 10_s, asio::redirect_error(use_awaitable, ec));
  ++resumed;
}

/// A plain callback, to watch a call's completion handler directly.
struct Callback {
  Guard guard;
  std::vector<error_code>* completions;
  void operator()(error_code ec, MessagePtr) const { completions->push_back(ec); }
};

}  // namespace

TEST_CASE("a call gets the server's reply after one round trip", "[rpc]") {
  Pair pair;
  pair.world.run_until(at(1_s));
  std::optional<CallEnd> outcome;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 5, 1_s, outcome));
  pair.world.run();
  REQUIRE(outcome);
  CHECK_FALSE(outcome->ec);
  CHECK(outcome->reply == 105);
  CHECK(outcome->at == at(1_s + 6_ms));
  CHECK(pair.requests_seen == 1);
  CHECK(pair.world.rpc().calls_started() == 1);
}

TEST_CASE("a call to an isolated server times out at the timeout on the caller's clock", "[rpc]") {
  SECTION("a true clock: one second of true time") {
    Pair pair;
    pair.world.network().isolate(pair.server);
    std::optional<CallEnd> outcome;
    spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 5, 1_s, outcome));
    pair.world.run();
    REQUIRE(outcome);
    CHECK(outcome->ec == asio::error::timed_out);
    CHECK(outcome->reply == -1);
    CHECK(outcome->at == at(1_s));
    CHECK(pair.requests_seen == 0);
  }
  SECTION("a clock 25% fast: one second of its own is 800 ms of true time") {
    Pair pair(ClockOptions{.skew = 3_s, .drift_ppm = 250'000});
    pair.world.network().isolate(pair.server);
    std::optional<CallEnd> outcome;
    spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 5, 1_s, outcome));
    pair.world.run();
    REQUIRE(outcome);
    CHECK(outcome->ec == asio::error::timed_out);
    CHECK(outcome->at == at(800_ms));
    CHECK(outcome->caller_mono == MonoTime::boot() + 1_s);
  }
}

TEST_CASE("a packet sent without RPC reaches the server's handler as a one-way request", "[rpc]") {
  Pair pair;
  std::vector<std::pair<std::uint64_t, int>> seen;  // (call id, value)
  pair.world.rpc().serve(pair.server, [&](const RpcRequest& request, Responder responder) {
    seen.emplace_back(request.call_id, value_of(request.body));
    responder.reply(note(0));  // an answer to a one-way request completes no call
  });
  pair.world.network().send(pair.caller, pair.server, note(7));
  std::optional<CallEnd> outcome;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 8, 1_s, outcome));
  pair.world.run();
  CHECK(seen == std::vector<std::pair<std::uint64_t, int>>{{0, 7}, {1, 8}});
  REQUIRE(outcome);
  CHECK(outcome->reply == 0);
  CHECK(outcome->at == at(6_ms));
}

TEST_CASE("a dropped call is traced by its message, not by RPC's header around it", "[rpc]") {
  Pair pair;
  pair.world.trace().keep_records(100);
  pair.world.network().isolate(pair.server);
  std::optional<CallEnd> outcome;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 5, 1_s, outcome));
  pair.world.run();
  std::vector<std::string> drops;
  for (const TraceRecord& record : pair.world.trace().records())
    if (record.kind == "net.drop") drops.push_back(record.detail);
  CHECK(drops == std::vector<std::string>{"#1 caller->server partitioned: note 5"});
}

TEST_CASE("a server that never answers makes the call time out", "[rpc]") {
  Pair pair;
  pair.world.rpc().serve(pair.server, [&](const RpcRequest&, Responder) { ++pair.requests_seen; });
  pair.world.run_until(at(2_s));
  std::optional<CallEnd> outcome;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 5, 250_ms, outcome));
  pair.world.run();
  REQUIRE(outcome);
  CHECK(outcome->ec == asio::error::timed_out);
  CHECK(outcome->at == at(2_s + 250_ms));
  CHECK(pair.requests_seen == 1);
}

TEST_CASE("a call raced against a sleep returns the sleep and the late reply is ignored", "[rpc]") {
  Pair pair;
  std::vector<std::string> log;
  spawn(pair.world.executor(pair.caller), call_or_give_up(pair.world, pair.server, 2_ms, log));
  pair.world.run();
  CHECK(log == std::vector<std::string>{"winner 1 at 2ms"});
  CHECK(pair.requests_seen == 1);  // the server answered; the reply came back at 6 ms to no one
  CHECK(pair.world.rpc().calls_started() == 1);
  CHECK(pair.world.now() == at(10_s));  // the abandoned call's timeout fired, harmlessly
}

TEST_CASE("a call that wins the race against a sleep returns the reply", "[rpc]") {
  Pair pair;
  std::vector<std::string> log;
  spawn(pair.world.executor(pair.caller), call_or_give_up(pair.world, pair.server, 7_ms, log));
  pair.world.run();
  CHECK(log == std::vector<std::string>{"winner 0 at 6ms"});
}

TEST_CASE("cancelling a call completes it once with operation_aborted and frees it at once", "[rpc]") {
  Pair pair;
  int live = 0;
  std::vector<error_code> completions;
  asio::cancellation_signal stop;
  pair.world.rpc().call(pair.world.executor(pair.caller), pair.server, note(1), 1_s,
                        asio::bind_cancellation_slot(stop.slot(), Callback{Guard(live), &completions}));
  REQUIRE(live == 1);
  pair.world.run_until(at(1_ms));
  stop.emit(asio::cancellation_type::terminal);
  // The handler is taken out of the pending calls and posted, never run inline.
  CHECK(completions.empty());
  pair.world.run_until(at(1_ms));
  REQUIRE(completions.size() == 1);
  CHECK(completions.front() == asio::error::operation_aborted);
  CHECK(live == 0);  // nothing of the call is left pending
  pair.world.run();  // the reply at 6 ms and the timeout at 1 s find nothing to complete
  CHECK(completions.size() == 1);
  CHECK(pair.requests_seen == 1);
}

TEST_CASE("a reply completes a call once, its timeout later finds nothing", "[rpc]") {
  Pair pair;
  int live = 0;
  std::vector<error_code> completions;
  pair.world.rpc().call(pair.world.executor(pair.caller), pair.server, note(1), 1_s,
                        Callback{Guard(live), &completions});
  pair.world.run_until(at(6_ms));
  REQUIRE(completions.size() == 1);
  CHECK_FALSE(completions.front());
  CHECK(live == 0);
  pair.world.run();
  CHECK(completions.size() == 1);
}

TEST_CASE("a caller's crash destroys its pending call's coroutine, which never resumes", "[rpc][crash]") {
  Pair pair;
  pair.world.rpc().serve(pair.server, [](const RpcRequest&, Responder) {});  // never answers
  int live = 0;
  int resumed = 0;
  for (int i = 0; i < 3; ++i)
    spawn(pair.world.executor(pair.caller), guarded_call(pair.world, pair.server, live, resumed));
  pair.world.run_until(at(1_s));
  REQUIRE(live == 3);
  pair.world.crash(pair.caller);
  CHECK(live == 0);
  pair.world.run();
  CHECK(resumed == 0);
}

TEST_CASE("a crashed caller's call in flight is destroyed and its late reply ignored", "[rpc][crash]") {
  Pair pair;
  int live = 0;
  int resumed = 0;
  spawn(pair.world.executor(pair.caller), guarded_call(pair.world, pair.server, live, resumed));
  pair.world.run_until(at(4_ms));  // the request is served at 3 ms; the reply lands at 6 ms
  pair.world.crash(pair.caller);
  CHECK(live == 0);
  pair.world.run_until(at(5_ms));
  pair.world.restart(pair.caller);
  pair.world.run();
  CHECK(resumed == 0);
  CHECK(pair.requests_seen == 1);
}

TEST_CASE("a crashed server stops serving, its restarted incarnation serves once its boot says so", "[rpc][crash]") {
  Pair pair;
  Pair* self = &pair;
  pair.world.node(pair.server).set_boot([self] {
    self->world.rpc().serve(self->server, [self](const RpcRequest& request, Responder responder) {
      ++self->requests_seen;
      responder.reply(note(value_of(request.body) + 200));
    });
  });
  pair.world.crash(pair.server);
  std::optional<CallEnd> while_down;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 1, 100_ms, while_down));
  pair.world.run_until(at(1_s));
  REQUIRE(while_down);
  CHECK(while_down->ec == asio::error::timed_out);
  CHECK(while_down->at == at(100_ms));

  pair.world.restart(pair.server);
  std::optional<CallEnd> after;
  spawn(pair.world.executor(pair.caller), call_once(pair.world, pair.server, 1, 100_ms, after));
  pair.world.run();
  REQUIRE(after);
  CHECK_FALSE(after->ec);
  CHECK(after->reply == 201);
  CHECK(after->at == at(1_s + 6_ms));
  CHECK(pair.requests_seen == 1);
}
