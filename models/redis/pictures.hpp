// What a Redis deployment with replicas adds to a run's pictures: for each shard that has
// replicas, each replica's lag behind its shard's master (the master's replication offset less
// its own, in bytes) over the whole run, with each failover (a new master) marked. Built from
// samples of the servers (Model::sample_for_pictures), so a plot has at most one point per
// sample and server whatever the run's length.
//
// Determinism: shards and servers in the deployment's order; points in sample order.
#pragma once

#include <string>
#include <vector>

#include "models/redis/server/deployment.hpp"
#include "sim/results/pictures.hpp"

namespace redis {

class ReplicationSampler {
public:
  /// `name`: what the plots call the deployment ("the lock's Redis").
  ReplicationSampler(const Deployment& deployment, const sim::World& world, std::string name);

  /// The servers' offsets and the masters at `at`.
  void sample(sim::Instant at);

  /// One plot per shard with replicas; none when no shard has any.
  std::vector<sim::Plot> plots() const;

private:
  struct Shard {
    std::size_t index = 0;
    std::vector<sim::NodeId> servers;
    std::vector<std::string> names;
    std::vector<std::vector<std::pair<double, double>>> lag;  ///< by server: (s, bytes)
    std::vector<std::pair<double, std::string>> failovers;
    sim::NodeId master = sim::no_node;
  };

  const Deployment& deployment_;
  std::string name_;
  std::vector<Shard> shards_;
};

}  // namespace redis
