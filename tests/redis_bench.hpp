// What the Redis server tests share: a deployment with one client node on a fixed-latency
// network, a way to send it commands and wait for the outcome, and readers of the trace.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/redis/server/client.hpp"
#include "models/redis/server/cluster.hpp"
#include "models/redis/server/deployment.hpp"
#include "models/redis/options.hpp"
#include "models/redis/server/persistence.hpp"
#include "models/redis/replication/sentinel.hpp"
#include "models/redis/server/server.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

namespace redis_bench {

using namespace sim::literals;
using redis::Reply;
using sim::Duration;
using sim::Instant;
using sim::NodeId;

/// How one command ended, as the client saw it.
struct Outcome {
  Instant sent;
  Instant at;
  sim::error_code ec;
  Reply reply;
  Duration latency() const { return at - sent; }
};

inline sim::Task<void> issue(sim::World& world, NodeId server, std::vector<std::string> argv, std::uint64_t connection,
                      std::optional<Outcome>& out) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  Instant sent = world.now();
  sim::error_code ec;
  Reply reply = co_await redis::call(ex, server, std::move(argv), 60_s,
                                     boost::asio::redirect_error(sim::use_awaitable, ec), connection);
  out = Outcome{sent, world.now(), ec, std::move(reply)};
}

inline redis::RedisOptions base_options() {
  redis::RedisOptions options;
  options.service_time = sim::DurationDist::constant(20_us);
  return options;
}

/// A deployment and one client node, 1 ms apart (one way), booted and running; `before_boot`
/// may cut the network first.
struct Bench {
  explicit Bench(redis::RedisOptions options, std::uint64_t seed = 1,
                 const std::function<void(sim::World&)>& before_boot = {})
      : world(seed), redis(std::move(options)) {
    world.trace().keep_records(100'000);
    redis.build(world);
    client = world.add_node("client", {"client"});
    sim::LinkOptions link;
    link.latency = sim::DurationDist::constant(1_ms);
    world.start_network(sim::NetworkOptions{link, {}});
    if (before_boot) before_boot(world);
    world.boot_all();
    world.run_until(Instant::zero() + 1_s);
  }

  NodeId node(const std::string& name) const { return *world.find_node(name); }

  /// Sends one command now and runs the world for `run_for`; the outcome, if any came.
  std::optional<Outcome> send(NodeId server, std::vector<std::string> argv, std::uint64_t connection = 0,
                              Duration run_for = 100_ms) {
    std::optional<Outcome> out;
    sim::spawn(world.executor(client), issue(world, server, std::move(argv), connection, out));
    world.run_until(world.now() + run_for);
    return out;
  }
  /// The reply, which must have come.
  Reply ask(NodeId server, std::vector<std::string> argv, std::uint64_t connection = 0, Duration run_for = 100_ms) {
    std::optional<Outcome> out = send(server, std::move(argv), connection, run_for);
    REQUIRE(out);
    REQUIRE_FALSE(out->ec);
    return out->reply;
  }
  void run_for(Duration d) { world.run_until(world.now() + d); }

  sim::World world;
  redis::Deployment redis;
  NodeId client = 0;
};

/// When the first record of `kind` was traced.
inline std::optional<Instant> first_record(sim::World& world, std::string_view kind) {
  for (const sim::TraceRecord& record : world.trace().records())
    if (record.kind == kind) return record.time;
  return std::nullopt;
}

inline bool has_record(sim::World& world, std::string_view kind) { return first_record(world, kind).has_value(); }

/// The field `name` of an INFO reply's text.
inline std::string info_field(const Reply& info, const std::string& name) {
  std::size_t at = info.text.find("\r\n" + name + ":");
  if (at == std::string::npos) return "missing";
  std::size_t start = at + 2 + name.size() + 1;
  return info.text.substr(start, info.text.find("\r\n", start) - start);
}

}  // namespace redis_bench
