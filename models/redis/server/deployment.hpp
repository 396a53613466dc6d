// A simulated Redis deployment in a World: `masters` shards (more than one: Redis Cluster with
// the 16384 slots split evenly), each a master and `replicas` replicas, plus a Sentinel when
// failover is enabled. Models that use Redis build one, then send commands with redis::call to
// the node route(key) names.
//
// Nodes, in this order: for each shard i, the master "<prefix>-i" (roles "redis",
// "redis-master") and its replicas "<prefix>-i-r1", "<prefix>-i-r2", ... (roles "redis",
// "redis-replica"); then "<prefix>-sentinel" (role "redis-sentinel") when failover is enabled.
// Role tags name the role a server was built with; failover changes the role, not the tag.
//
// Simplification: routing. route() answers with the shard's master as the failover monitor last
// set it, so clients learn of a failover the moment it happens, as if every client asked
// Sentinel (or followed a MOVED) before each command. Commands already in flight to the old
// master still reach it.
//
// Determinism: nodes are added in a fixed order; everything is kept in ordered containers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/redis/server/cluster_topology.hpp"
#include "models/redis/options.hpp"
#include "sim/kernel/world.hpp"

namespace redis {

class Server;
class Sentinel;

/// One server's line in a report.
struct ServerReport {
  std::string name;
  int shard = 0;
  std::string role;  ///< "master", "replica" or "down" (crashed)
  ServerStats figures;
  std::size_t keys = 0;
  std::uint64_t memory_bytes = 0;
  std::uint64_t offset = 0;  ///< replication offset
};

struct DeploymentStats {
  std::vector<ServerReport> servers;  ///< in node order
  std::uint64_t commands_served = 0;  ///< by every server
  std::size_t queue_peak = 0;         ///< the largest of the servers' peaks
  std::size_t keys = 0;               ///< on the current masters
  std::uint64_t memory_bytes = 0;     ///< on every server that is up
  int failovers = 0;
};

class Deployment {
public:
  /// Masters are named "<prefix>-<first_index + shard>" (independent deployments side by side,
  /// as Redlock's nodes, take consecutive indexes).
  explicit Deployment(RedisOptions options, std::string prefix = "redis", int first_index = 0);

  /// A role every server also carries (a model's name for "the lock service", say). Before build.
  void add_role(std::string role) { extra_roles_.push_back(std::move(role)); }

  /// Adds the nodes and their boot code to `world`. Call once, before world.start_network().
  void build(sim::World& world);

  const RedisOptions& options() const { return topology_->options; }
  /// The master that serves `key` now: CRC16 slot of the key (or its {hash tag}) to its shard.
  sim::NodeId route(std::string_view key) const;
  /// The current master of each shard.
  std::vector<sim::NodeId> masters() const { return topology_->shard_master; }
  /// Every server, in node order.
  std::vector<sim::NodeId> servers() const { return servers_; }
  /// The servers of one shard, as built: its first master, then its replicas.
  const std::vector<sim::NodeId>& shard(int index) const;
  std::optional<sim::NodeId> sentinel_node() const { return sentinel_; }
  int failovers() const { return topology_->failovers; }

  /// The running server process on `node`, or nullptr while it is crashed.
  const Server* server(sim::NodeId node) const;
  const Sentinel* sentinel() const;
  /// Memory the server on `node` uses now (0 while crashed).
  std::uint64_t memory_bytes(sim::NodeId node) const;
  DeploymentStats stats() const;
  /// For observers outside the simulated system: told of every client command a server of this
  /// deployment has run, at the true time it ran (see Topology::on_command_run).
  void watch_commands(std::function<void(sim::NodeId, const std::vector<std::string>&)> watcher) {
    topology_->on_command_run = std::move(watcher);
  }

private:
  sim::NodeId add_server(sim::World& world, std::string name, int shard, const std::optional<std::string>& master);

  std::shared_ptr<Topology> topology_;
  std::string prefix_;
  int first_index_ = 0;
  std::vector<std::string> extra_roles_;
  sim::World* world_ = nullptr;
  std::vector<sim::NodeId> servers_;
  std::optional<sim::NodeId> sentinel_;
};

}  // namespace redis
