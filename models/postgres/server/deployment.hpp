// A simulated PostgreSQL deployment in a World: the server node "<prefix>-1" (roles "postgres"
// and "postgres-primary"), with `standbys` hot standbys "<prefix>-2", ... (roles "postgres" and
// "postgres-standby") streaming from it, its tables declared by the design before build().
// Models that keep their truth in PostgreSQL build one and open postgres::Connection's to
// primary(), or to servers() in order as libpq's target_session_attrs=read-write does. The
// options' promotions are run at their times on the named standby (pg_ctl promote), and the
// other standbys are pointed at it, as the operator would change their primary_conninfo; with a
// `patroni:` section a key service node "dcs-1" (role "dcs") is added and each server's node
// runs the failover manager's agent (patroni.hpp).
//
// Determinism: nodes are added in a fixed order; everything is kept in ordered containers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/postgres/server/shared.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

class Server;

class Deployment {
public:
  explicit Deployment(ServerOptions options, std::string prefix = "postgres");

  /// Declares a table and the rows it holds when the run starts (durable from the start, as a
  /// migration run before the service opened). Before build(); throws std::invalid_argument for
  /// a bad schema or rows that do not fit it.
  void add_table(const TableSchema& schema, std::vector<Row> rows = {});

  /// Adds the nodes and their boot code to `world`. Call once, before world.start_network().
  void build(sim::World& world);

  const ServerOptions& options() const { return shared_->options; }
  /// The first primary.
  sim::NodeId primary() const { return primary_; }
  /// Every server, the first primary first.
  const std::vector<sim::NodeId>& servers() const { return shared_->servers; }
  /// For observers: the server that is a primary on the latest timeline among those up; the
  /// first primary when none is up.
  sim::NodeId current_primary() const;
  /// The server process on `node`, or nullptr while it is down.
  Server* server(sim::NodeId node) const;
  const ServerStats& stats(sim::NodeId node) const;

private:
  void schedule_promotions(sim::World& world);

  std::shared_ptr<Shared> shared_;
  std::string prefix_;
  sim::World* world_ = nullptr;
  sim::NodeId primary_ = sim::no_node;
};

}  // namespace postgres
