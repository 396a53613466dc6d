// What every part of one queue run shares: the World, the options, the node ids, the brokers'
// disks (which outlive their processes), and the recorder the checkers read.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/queue/log.hpp"
#include "models/queue/options.hpp"
#include "models/queue/txn_state.hpp"
#include "sim/kernel/world.hpp"

namespace queue {

class Recorder;
class Sink;

/// What a broker's machine keeps across a process crash: its logs, in the page cache or on disk,
/// and the high watermarks Kafka checkpoints (replication-offset-checkpoint, fsynced).
struct BrokerDisk {
  std::vector<PartitionLog> logs;           ///< by partition; empty for one it does not hold
  std::vector<Offset> high_watermarks;      ///< by partition
  std::uint32_t machine_crashes_seen = 0;
  /// Producer ids this broker handed out; Kafka takes them in blocks from the controller's
  /// committed records (KIP-730), so a restart never hands one out twice.
  std::int64_t producer_ids_given = 0;
  /// On the group coordinator's machine: the group's committed offsets by partition (-1: none),
  /// as __consumer_offsets keeps them.
  std::vector<Offset> committed;
  int group_generation = 0;  ///< the group's generation, kept with its offsets
  /// On the transaction coordinator's machine: each transactional id's state, as
  /// __transaction_state keeps it (ordered by id).
  std::map<std::string, TxnMetadata> transactions;
};

struct Context {
  sim::World& world;
  QueueOptions options;
  std::vector<sim::NodeId> brokers;
  std::vector<sim::NodeId> controllers;
  sim::NodeId producer = sim::no_node;
  sim::NodeId consumer = sim::no_node;   ///< outside a group
  std::vector<sim::NodeId> members;      ///< the group's consumers, by member index
  std::shared_ptr<Sink> sink;
  std::vector<BrokerDisk> disks;  ///< by broker
  std::shared_ptr<Recorder> recorder;

  /// The group coordinator: broker-1, fixed (it stands for the leader of the group's
  /// __consumer_offsets partition, which does not move here).
  static constexpr int coordinator = 0;
  /// The transaction coordinator: broker-1 too, standing for the leader of the transactional
  /// id's __transaction_state partition, which does not move here.
  static constexpr int txn_coordinator = 0;

  int broker_index(sim::NodeId node) const {
    for (std::size_t i = 0; i < brokers.size(); ++i)
      if (brokers[i] == node) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace queue
