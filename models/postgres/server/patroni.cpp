#include "models/postgres/server/patroni.hpp"

#include <boost/asio/redirect_error.hpp>

#include "models/postgres/server/dcs.hpp"
#include "models/postgres/server/server.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace postgres {
namespace {

class Agent {
public:
  Agent(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared)
      : world_(world), node_(node), shared_(std::move(shared)), name_(world.node(node).name()) {}

  sim::Task<void> run();

private:
  sim::Task<std::shared_ptr<const DcsReply>> ask(DcsRequest::Action action);
  sim::Task<void> as_primary();
  sim::Task<void> as_standby();
  bool healthiest(const Server& server, const DcsReply& reply) const;
  sim::NodeId server_named(const std::string& name) const;
  Server& server() { return *world_.node(node_).process<Server>(); }
  void note(std::string_view kind, const std::string& detail) {
    world_.trace().record(world_.now(), node_, kind, detail);
  }

  sim::World& world_;
  sim::NodeId node_;
  std::shared_ptr<Shared> shared_;
  std::string name_;
};

sim::Task<std::shared_ptr<const DcsReply>> Agent::ask(DcsRequest::Action action) {
  auto request = std::make_shared<DcsRequest>();
  request->action = action;
  request->member = name_;
  request->position = server().wal_position_bytes();
  sim::error_code ec;
  sim::MessagePtr body = co_await world_.rpc().call(world_.executor(node_), shared_->dcs, std::move(request),
                                                    shared_->options.patroni.retry_timeout,
                                                    boost::asio::redirect_error(sim::use_awaitable, ec));
  if (ec) co_return nullptr;
  co_return std::dynamic_pointer_cast<const DcsReply>(body);
}

sim::NodeId Agent::server_named(const std::string& name) const {
  for (sim::NodeId node : shared_->servers)
    if (world_.node(node).name() == name) return node;
  return sim::no_node;
}

bool Agent::healthiest(const Server& server, const DcsReply& reply) const {
  std::uint64_t mine = server.wal_position_bytes();
  for (const auto& [member, position] : reply.members)
    if (member != name_ && position > mine) return false;
  return reply.leader_position <= mine ||
         reply.leader_position - mine <= shared_->options.patroni.maximum_lag_on_failover;
}

sim::Task<void> Agent::as_primary() {
  std::shared_ptr<const DcsReply> reply = co_await ask(DcsRequest::Action::update);
  if (reply && reply->done) co_return;
  note("patroni.demote", reply ? "the leader key is " + reply->leader + "'s" : "the leader key could not be updated");
  server().demote();
}

sim::Task<void> Agent::as_standby() {
  std::shared_ptr<const DcsReply> reply = co_await ask(DcsRequest::Action::read);
  if (!reply) co_return;
  if (reply->leader == name_) {
    note("patroni.promote", "it holds the leader key");
    server().promote();
    co_return;
  }
  if (!reply->leader.empty()) {
    server().follow(server_named(reply->leader));
    co_return;
  }
  if (!healthiest(server(), *reply)) co_return;
  std::shared_ptr<const DcsReply> taken = co_await ask(DcsRequest::Action::acquire);
  if (!taken || !taken->done) co_return;
  note("patroni.promote", "took the expired leader key");
  server().promote();
}

sim::Task<void> Agent::run() {
  for (;;) {
    if (server().role() == Server::Role::primary) {
      co_await as_primary();
    } else {
      co_await as_standby();
    }
    co_await sim::sleep(shared_->options.patroni.loop_wait);
  }
}

}  // namespace

void start_patroni(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared) {
  auto agent = std::make_shared<Agent>(world, node, std::move(shared));
  Agent* raw = agent.get();
  // The agent lives as long as the server process: both end with a crash of the node.
  world.node(node).process<Server>()->keep(std::move(agent));
  sim::spawn(world.executor(node), raw->run());
}

}  // namespace postgres
