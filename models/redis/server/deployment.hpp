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
// Discovery: with `discovery: sentinel` (the default) a client sends to the master it last
// learned from Sentinel, and asks again (SENTINEL GET-MASTER-ADDR-BY-NAME, a real round trip that
// a partition or a down Sentinel stops) only after an error or a timeout, as Redis client
// libraries do: an old master cut off with some clients keeps their writes until they fail.
// Simplification: the question a client asks when it first connects is answered at once, with
// the master Sentinel names then. With `discovery: instant`, route() answers with the current
// master for every client, as if each asked before every command. In a cluster (masters > 1)
// the monitor stands in for the cluster's failure detection and the question for a client's
// refresh of its slot map after an error.
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

#include "models/redis/engine/reply.hpp"
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

/// Whether a client library asks Sentinel again after this outcome: no answer (a timeout, a
/// refused connection), or READONLY from a server that is no longer a master (redis-py's
/// Sentinel pool does so). `reply` null: no answer.
bool needs_rediscovery(const Reply* reply);

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
  /// What the deployment knows, not what any client knows: for observers and checkers.
  sim::NodeId route(std::string_view key) const;
  /// The master `client` sends `key` to: the one it learned (discovery: sentinel), or the
  /// current one (discovery: instant, or no Sentinel).
  sim::NodeId route(std::string_view key, sim::NodeId client) const;
  /// The same for a key whose slot the caller computed (key_slot()), to send with the command.
  sim::NodeId route_slot(int slot, sim::NodeId client) const;
  /// After an error or a timeout on `key`, `client` asks Sentinel for its shard's master (at
  /// most one question per client and shard at a time, each within `timeout`), and routes by the
  /// answer once it comes. Does nothing with instant discovery or without a Sentinel.
  void rediscover(sim::NodeId client, std::string_view key, sim::Duration timeout);
  /// The name Sentinel monitors a shard's master by: its first master's node name.
  const std::string& monitored_name(int shard) const;
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

  bool discovers() const;

  std::shared_ptr<Topology> topology_;
  std::string prefix_;
  int first_index_ = 0;
  std::vector<std::string> extra_roles_;
  sim::World* world_ = nullptr;
  std::vector<sim::NodeId> servers_;
  std::optional<sim::NodeId> sentinel_;
};

}  // namespace redis
