// What the lock model's nodes share: the World, the options, the Redis deployments the lock
// lives on (one for design redis, one per node for Redlock), the fencing counter, the storage
// node, and the recorder the checkers read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/lock/options.hpp"
#include "models/lock/recorder.hpp"
#include "models/redis/server/deployment.hpp"
#include "sim/kernel/world.hpp"

namespace lock {

struct Context {
  sim::World& world;
  LockOptions options;
  std::vector<std::shared_ptr<redis::Deployment>> lock_redis;
  std::shared_ptr<redis::Deployment> counter;  ///< token: counter
  sim::NodeId storage = sim::no_node;
  std::shared_ptr<Recorder> recorder;
  std::vector<sim::NodeId> clients;
  std::vector<sim::NodeId> members;  ///< design: consensus
  std::string key = "lock:resource";
  std::string fence_key = "lock:resource:fence";
};

}  // namespace lock
