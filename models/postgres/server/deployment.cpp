#include "models/postgres/server/deployment.hpp"

#include <stdexcept>

#include "models/postgres/engine.hpp"
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
  primary_ = world.add_node(prefix_ + "-1", {"postgres", "postgres-primary"});
  shared_->stats[primary_] = ServerStats{};
  std::shared_ptr<Shared> shared = shared_;
  sim::NodeId node = primary_;
  world.node(node).set_boot([&world, node, shared] { Server::boot(world, node, shared); });
}

Server* Deployment::server(sim::NodeId node) const { return world_->node(node).process<Server>(); }

const ServerStats& Deployment::stats(sim::NodeId node) const { return shared_->stats.at(node); }

}  // namespace postgres
