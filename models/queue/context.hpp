// What every part of one queue run shares: the World, the options, the node ids, the brokers'
// disks (which outlive their processes), and the recorder the checkers read.
#pragma once

#include <memory>
#include <vector>

#include "models/queue/log.hpp"
#include "models/queue/options.hpp"
#include "sim/kernel/world.hpp"

namespace queue {

class Recorder;

/// What a broker's machine keeps across a process crash: its logs, in the page cache or on disk,
/// and the high watermarks Kafka checkpoints (replication-offset-checkpoint, fsynced).
struct BrokerDisk {
  std::vector<PartitionLog> logs;           ///< by partition; empty for one it does not hold
  std::vector<Offset> high_watermarks;      ///< by partition
  std::uint32_t machine_crashes_seen = 0;
};

struct Context {
  sim::World& world;
  QueueOptions options;
  std::vector<sim::NodeId> brokers;
  std::vector<sim::NodeId> controllers;
  sim::NodeId producer = sim::no_node;
  sim::NodeId consumer = sim::no_node;
  std::vector<BrokerDisk> disks;  ///< by broker
  std::shared_ptr<Recorder> recorder;

  int broker_index(sim::NodeId node) const {
    for (std::size_t i = 0; i < brokers.size(); ++i)
      if (brokers[i] == node) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace queue
