#include "models/postgres/server/deployment.hpp"

#include <stdexcept>

#include "models/postgres/engine.hpp"
#include "models/postgres/server/dcs.hpp"
#include "models/postgres/server/patroni.hpp"
#include "models/postgres/server/server.hpp"

namespace postgres {

Deployment::Deployment(ServerOptions options, std::string prefix)
    : shared_(std::make_shared<Shared>()), prefix_(std::move(prefix)) {
  shared_->options = std::move(options);
}

void Deployment::add_table(const TableSchema& schema, std::vector<Row> rows) {
  if (world_) throw std::logic_error("postgres: add_table after build");
  // Checked now, on an engine of its own, so that a bad schema is the caller's error here.
  Engine check;
  for (const TableSchema& table : shared_->tables) check.create_table(table);
  check.create_table(schema);
  check.load(schema.name, rows);
  shared_->tables.push_back(schema);
  shared_->initial_rows.emplace_back(schema.name, std::move(rows));
}

void Deployment::build(sim::World& world) {
  world_ = &world;
  std::shared_ptr<Shared> shared = shared_;
  for (int i = 0; i <= shared->options.standbys; ++i) {
    std::string role = i == 0 ? "postgres-primary" : "postgres-standby";
    sim::NodeId node = world.add_node(prefix_ + "-" + std::to_string(i + 1), {"postgres", role});
    shared->servers.push_back(node);
    shared->stats[node] = ServerStats{};
    if (i > 0) shared->standby_of[node] = shared->servers.front();
    world.node(node).set_boot([&world, node, shared] {
      Server::boot(world, node, shared);
      if (shared->options.patroni.enabled) start_patroni(world, node, shared);
    });
  }
  primary_ = shared->servers.front();
  if (shared->options.patroni.enabled) {
    shared->dcs = world.add_node("dcs-1", {"dcs"});
    sim::NodeId dcs = shared->dcs;
    std::string first = world.node(primary_).name();
    sim::Duration ttl = shared->options.patroni.ttl;
    world.node(dcs).set_boot([&world, dcs, ttl, first] { KeyService::boot(world, dcs, ttl, first); });
  }
  schedule_promotions(world);
}

void Deployment::schedule_promotions(sim::World& world) {
  for (const Promotion& promotion : shared_->options.promote) {
    sim::NodeId node = sim::no_node;
    for (sim::NodeId server : shared_->servers)
      if (world.node(server).name() == promotion.node) node = server;
    if (node == sim::no_node) throw std::invalid_argument("promote: no server " + promotion.node);
    std::shared_ptr<Shared> shared = shared_;
    world.schedule_at(sim::Instant::zero() + promotion.at, sim::no_node, 0, [&world, node, shared] {
      world.trace().record(world.now(), node, "postgres.pg_ctl_promote", "");
      Server* promoted = world.node(node).process<Server>();
      if (!promoted) return;
      promoted->promote();
      // The operator points the other standbys at the new primary (primary_conninfo).
      for (sim::NodeId other : shared->servers)
        if (Server* server = world.node(other).process<Server>(); server && other != node) server->follow(node);
    });
  }
}

sim::NodeId Deployment::current_primary() const {
  sim::NodeId best = primary_;
  std::uint64_t timeline = 0;
  for (sim::NodeId node : shared_->servers) {
    const Server* s = server(node);
    if (s && s->role() == Server::Role::primary && s->timelines().current > timeline) {
      best = node;
      timeline = s->timelines().current;
    }
  }
  return best;
}

Server* Deployment::server(sim::NodeId node) const { return world_->node(node).process<Server>(); }

const ServerStats& Deployment::stats(sim::NodeId node) const { return shared_->stats.at(node); }

}  // namespace postgres
