#include "models/redis/server/deployment.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "models/redis/server/client.hpp"
#include "models/redis/server/persistence.hpp"
#include "models/redis/replication/sentinel.hpp"
#include "models/redis/server/server.hpp"
#include "sim/kernel/assert.hpp"

namespace redis {
namespace {

// A client takes Sentinel's answer as its master for the shard from now on.
void learn(sim::World& world, Topology& topology, sim::NodeId client, int shard, const std::string& master_name) {
  std::optional<sim::NodeId> master = world.find_node(master_name);
  if (!master) return;
  auto [known, added] = topology.known_master.try_emplace(client, topology.shard_master);
  (void)added;
  sim::NodeId& entry = known->second[static_cast<std::size_t>(shard)];
  if (entry == *master) return;
  world.trace().record(world.now(), client, "redis.discovered",
                       fmt::format("Sentinel names {} the master, not {}", master_name, world.node(entry).name()));
  entry = *master;
}

}  // namespace

bool needs_rediscovery(const Reply* reply) {
  return reply == nullptr || (reply->is_error() && reply->text.rfind("READONLY", 0) == 0);
}

Deployment::Deployment(RedisOptions options, std::string prefix, int first_index)
    : topology_(std::make_shared<Topology>()), prefix_(std::move(prefix)), first_index_(first_index) {
  topology_->options = std::move(options);
}

void Deployment::build(sim::World& world) {
  SIM_ASSERT(!world_, "a Redis deployment was built twice");
  world_ = &world;
  const RedisOptions& options = topology_->options;
  for (int shard = 0; shard < options.masters; ++shard) {
    std::string master_name = prefix_ + "-" + std::to_string(first_index_ + shard);
    sim::NodeId master = add_server(world, master_name, shard, std::nullopt);
    topology_->shard_master.push_back(master);
    topology_->shard_servers.push_back({master});
    for (int replica = 1; replica <= options.replicas; ++replica) {
      sim::NodeId node = add_server(world, master_name + "-r" + std::to_string(replica), shard, master_name);
      topology_->shard_servers.back().push_back(node);
    }
  }
  if (options.failover.enabled) {
    sim::NodeId node = world.add_node(prefix_ + "-sentinel", {"redis-sentinel"});
    sentinel_ = node;
    world.node(node).set_boot([&world, node, topology = topology_] { Sentinel::boot(world, node, topology); });
  }
}

sim::NodeId Deployment::add_server(sim::World& world, std::string name, int shard,
                                   const std::optional<std::string>& master) {
  std::vector<std::string> roles{"redis", master ? "redis-replica" : "redis-master"};
  roles.insert(roles.end(), extra_roles_.begin(), extra_roles_.end());
  sim::NodeId node = world.add_node(std::move(name), roles);
  servers_.push_back(node);
  topology_->shard_of[node] = shard;
  topology_->stats[node] = ServerStats{};
  // The configuration file the server starts from (and Sentinel rewrites on failover).
  write_replicaof(world.node(node).disk(), master);
  world.node(node).set_boot([&world, node, topology = topology_] { Server::boot(world, node, topology); });
  return node;
}

sim::NodeId Deployment::route(std::string_view key) const { return topology_->master_of_slot(key_slot(key)); }

bool Deployment::discovers() const {
  return world_ && sentinel_ && topology_->options.discovery == Discovery::sentinel;
}

sim::NodeId Deployment::route(std::string_view key, sim::NodeId client) const {
  return route_slot(key_slot(key), client);
}

sim::NodeId Deployment::route_slot(int slot, sim::NodeId client) const {
  if (!discovers()) return topology_->master_of_slot(slot);
  int shard = shard_of_slot(slot, topology_->shards());
  auto [known, added] = topology_->known_master.try_emplace(client, topology_->shard_master);
  (void)added;  // a client's first command: it connected, and Sentinel named the current masters
  return known->second[static_cast<std::size_t>(shard)];
}

const std::string& Deployment::monitored_name(int shard) const {
  return world_->node(topology_->shard_servers.at(static_cast<std::size_t>(shard)).front()).name();
}

void Deployment::rediscover(sim::NodeId client, std::string_view key, sim::Duration timeout) {
  if (!discovers()) return;
  int shard = shard_of_slot(key_slot(key), topology_->shards());
  std::uint32_t incarnation = world_->node(client).incarnation();
  auto [asking, added] = topology_->asking.try_emplace({client, shard}, incarnation);
  if (!added && asking->second == incarnation) return;  // a question is under way already
  asking->second = incarnation;
  std::vector<std::string> argv{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", monitored_name(shard)};
  call(world_->executor(client), *sentinel_, std::move(argv), timeout,
       [world = world_, topology = topology_, client, shard](sim::error_code ec, Reply reply) {
         topology->asking.erase({client, shard});
         if (ec || reply.type != Reply::Type::array || reply.elements.empty()) return;
         learn(*world, *topology, client, shard, reply.elements.front().text);
       });
}

const std::vector<sim::NodeId>& Deployment::shard(int index) const {
  return topology_->shard_servers.at(static_cast<std::size_t>(index));
}

const Server* Deployment::server(sim::NodeId node) const {
  SIM_ASSERT(world_ && topology_->shard_of.count(node), "not a server of this Redis deployment");
  const sim::Node& n = world_->node(node);
  if (n.state() == sim::NodeState::crashed) return nullptr;
  return n.process<Server>();
}

const Sentinel* Deployment::sentinel() const {
  if (!world_ || !sentinel_ || world_->node(*sentinel_).state() == sim::NodeState::crashed) return nullptr;
  return world_->node(*sentinel_).process<Sentinel>();
}

std::uint64_t Deployment::memory_bytes(sim::NodeId node) const {
  const Server* process = server(node);
  return process ? process->memory_bytes() : 0;
}

DeploymentStats Deployment::stats() const {
  DeploymentStats out;
  out.failovers = topology_->failovers;
  if (!world_) return out;
  for (sim::NodeId node : servers_) {
    ServerReport line;
    line.name = world_->node(node).name();
    line.shard = topology_->shard_of.at(node);
    line.figures = topology_->stats.at(node);
    const Server* process = server(node);
    line.role = !process ? "down" : process->is_master() ? "master" : "replica";
    if (process) {
      line.keys = process->key_count();
      line.memory_bytes = process->memory_bytes();
      line.offset = process->offset();
    }
    out.commands_served += line.figures.commands_served;
    out.queue_peak = std::max(out.queue_peak, line.figures.queue_peak);
    out.memory_bytes += line.memory_bytes;
    if (process && std::find(topology_->shard_master.begin(), topology_->shard_master.end(), node) !=
                       topology_->shard_master.end())
      out.keys += line.keys;
    out.servers.push_back(std::move(line));
  }
  return out;
}

}  // namespace redis
