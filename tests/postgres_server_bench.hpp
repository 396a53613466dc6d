// What the PostgreSQL server tests share: a deployment with an `accounts` table (id integer
// primary key, balance integer; rows 1 => 100 and 2 => 100) and client nodes 1 ms from it (one
// way), and scripted sessions: a list of statements, each sent a given time after the answer
// to the one before, with every answer logged as the client saw it; a session keeps its
// connection open after its script unless the script closes it.
#pragma once

#include <catch2/catch.hpp>

#include <boost/asio/this_coro.hpp>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/postgres/server/client.hpp"
#include "models/postgres/server/deployment.hpp"
#include "models/postgres/server/server.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

namespace pgserver {

using namespace sim::literals;
using namespace postgres;
using sim::Duration;
using sim::Instant;
using sim::NodeId;

/// One step of a scripted session: wait `pause` (after the previous answer), then connect,
/// send a request, or close.
struct Action {
  enum class Kind { connect, request, close };
  Kind kind = Kind::request;
  Duration pause = Duration::zero();
  std::optional<Request> request;
};
inline Action connect_after(Duration pause = Duration::zero()) { return {Action::Kind::connect, pause, std::nullopt}; }
inline Action send(Request request, Duration pause = Duration::zero()) {
  return {Action::Kind::request, pause, std::move(request)};
}
inline Action close_after(Duration pause = Duration::zero()) { return {Action::Kind::close, pause, std::nullopt}; }

struct Answer {
  Instant sent;
  Instant at;
  Reply reply;
  Duration latency() const { return at - sent; }
};

inline sim::Task<void> play(NodeId server, ConnectionOptions options, std::vector<Action> script,
                            std::deque<Answer>& log) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  Connection db(ex, server, options);
  for (Action& action : script) {
    if (action.pause > Duration::zero()) co_await sim::sleep(action.pause);
    Instant sent = ex.world().now();
    if (action.kind == Action::Kind::close) {
      db.close();
      continue;
    }
    // Two statements, not one conditional expression with a co_await in each branch: GCC 12
    // miscompiles that form (the awaited results and temporaries of the branches get mixed up).
    Reply reply;
    if (action.kind == Action::Kind::connect)
      reply = co_await db.connect();
    else
      reply = co_await db.query(*action.request);
    log.push_back(Answer{sent, ex.world().now(), std::move(reply)});
  }
  // The connection stays open after the script, as a pooled one would, until the test ends.
  co_await sim::sleep(Duration::minutes(60));
}

inline TableSchema accounts_table() {
  return TableSchema{"accounts", {{"id", Type::integer}, {"balance", Type::integer}}, {"id"}, {}};
}
inline Statement add_to(std::int64_t id, std::int64_t delta) {
  return Update{"accounts", {set_add("balance", delta)}, where::eq("id", id), false};
}
inline Statement read(std::int64_t id) {
  return Select{"accounts", where::eq("id", id), {}, std::nullopt, std::nullopt};
}
inline Statement insert_account(std::int64_t id, std::int64_t balance) {
  return Insert{"accounts", {{id, balance}}, std::nullopt, false};
}
inline Statement begin(Isolation isolation = Isolation::read_committed) { return Begin{isolation}; }
inline Statement commit() { return Commit{}; }
inline Statement rollback() { return Rollback{}; }

inline ServerOptions quiet_options() {
  ServerOptions options;
  options.service_time = sim::DurationDist::constant(100_us);
  options.fsync_time = sim::DurationDist::constant(1_ms);
  return options;
}

struct Bench {
  explicit Bench(ServerOptions options, std::uint64_t seed = 1, int client_count = 3)
      : world(seed), pg(std::move(options)) {
    world.trace().keep_records(100'000);
    pg.add_table(accounts_table(), {{std::int64_t{1}, std::int64_t{100}}, {std::int64_t{2}, std::int64_t{100}}});
    pg.build(world);
    for (int i = 1; i <= client_count; ++i)
      clients.push_back(world.add_node("client-" + std::to_string(i), {"client"}));
    sim::LinkOptions link;
    link.latency = sim::DurationDist::constant(1_ms);
    world.start_network(sim::NetworkOptions{link, {}});
    world.boot_all();
  }

  /// Starts a scripted session on client `index` (from 0) now; its answers go to the log returned.
  std::deque<Answer>& session(std::size_t index, std::vector<Action> script, ConnectionOptions options = {}) {
    logs.emplace_back();
    sim::spawn(world.executor(clients.at(index)), play(pg.primary(), options, std::move(script), logs.back()));
    return logs.back();
  }
  /// The same, to server `server` (a standby, say).
  std::deque<Answer>& session_on(NodeId server, std::size_t index, std::vector<Action> script,
                                 ConnectionOptions options = {}) {
    logs.emplace_back();
    sim::spawn(world.executor(clients.at(index)), play(server, options, std::move(script), logs.back()));
    return logs.back();
  }
  void run_for(Duration d) { world.run_until(world.now() + d); }
  Server& server(NodeId node) {
    Server* s = pg.server(node);
    REQUIRE(s != nullptr);
    return *s;
  }
  Server& server() { return server(pg.primary()); }
  /// The committed balance of an account on `node` (a standby: what it has replayed), or -1
  /// when there is no such row.
  std::int64_t balance_on(NodeId node, std::int64_t id) {
    for (const Row& row : server(node).committed_rows("accounts"))
      if (std::get<std::int64_t>(row[0]) == id) return std::get<std::int64_t>(row[1]);
    return -1;
  }
  std::int64_t balance(std::int64_t id) { return balance_on(pg.primary(), id); }
  const ServerStats& stats() const { return pg.stats(pg.primary()); }

  sim::World world;
  Deployment pg;
  std::vector<NodeId> clients;
  std::deque<std::deque<Answer>> logs;
};

}  // namespace pgserver
