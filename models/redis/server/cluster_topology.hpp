// The layout of one Redis deployment, shared by its servers, its failover monitor and its
// clients: which servers form each shard, which of them is the shard's master now, and the
// figures each server keeps across restarts. The deployment owns it; every incarnation of every
// process holds it, so it outlives crashes (it is the deployment's configuration, not any
// process's memory).
//
// Determinism: ordered containers; nodes in the order the deployment added them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/redis/server/cluster.hpp"
#include "models/redis/options.hpp"
#include "sim/kernel/event.hpp"

namespace redis {

/// A server's figures for reports, kept across its restarts.
struct ServerStats {
  std::uint64_t commands_served = 0;
  std::size_t queue_peak = 0;        ///< most commands waiting at once, the one in service included
  std::uint64_t writes_refused = 0;  ///< READONLY and NOREPLICAS answers
  std::uint32_t boots = 0;
  std::uint64_t aof_replayed = 0;    ///< commands replayed from the AOF at the last boot
  std::uint64_t full_syncs = 0;      ///< full resyncs this server loaded as a replica
};

struct Topology {
  RedisOptions options;
  /// The current master of each shard, as the failover monitor set it last.
  std::vector<sim::NodeId> shard_master;
  /// With discovery: sentinel, the master of each shard as each client last learned it from
  /// Sentinel, by client node (the client's connection pool: its configuration, kept when its
  /// process restarts).
  std::map<sim::NodeId, std::vector<sim::NodeId>> known_master;
  /// Questions to Sentinel under way, (client, shard) -> the client's incarnation that asked.
  std::map<std::pair<sim::NodeId, int>, std::uint32_t> asking;
  /// The servers of each shard, master first as built.
  std::vector<std::vector<sim::NodeId>> shard_servers;
  std::map<sim::NodeId, int> shard_of;
  std::map<sim::NodeId, ServerStats> stats;
  int failovers = 0;
  /// For observers outside the simulated system (a model's checkers): called on a server at the
  /// true time it has run a client's command, before the reply leaves. It reads, never changes.
  std::function<void(sim::NodeId server, const std::vector<std::string>& argv)> on_command_run;

  int shards() const { return static_cast<int>(shard_master.size()); }
  SlotRange slots_of(int shard) const { return shard_slots(shard, shards()); }
  sim::NodeId master_of_slot(int slot) const {
    return shard_master[static_cast<std::size_t>(shard_of_slot(slot, shards()))];
  }
};

}  // namespace redis
