// The cluster's metadata as the controller keeps it (KRaft's partition and broker records): each
// partition's replicas, leader, leader epoch, partition epoch and in-sync replicas, and which
// brokers are fenced. The controller changes it only by applying committed records, here as
// pure functions, so every controller replica computes the same image.
//
// Determinism: vectors indexed by broker and partition.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/queue/log.hpp"

namespace queue {

inline constexpr int no_leader = -1;

struct PartitionState {
  std::vector<int> replicas;  ///< broker indexes, the preferred leader first
  int leader = no_leader;
  Epoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;  ///< bumped by every change, ISR changes included
  std::vector<int> isr;
  bool in_isr(int broker) const;
};

struct ClusterImage {
  std::uint64_t version = 0;  ///< the controller log index that made it
  std::vector<PartitionState> partitions;
  std::vector<bool> fenced;  ///< by broker
};
using ImagePtr = std::shared_ptr<const ClusterImage>;

/// Kafka's rack-unaware assignment (AdminUtils.assignReplicasToBrokers) with its random start
/// index and shift fixed at 0, so partition p's preferred leader is broker p mod n, as the
/// problem's picture draws it.
std::vector<std::vector<int>> assign_replicas(int brokers, int partitions, int replication_factor);

/// Every replica's first leader is its preferred one, with every replica in sync.
ClusterImage initial_image(int brokers, int partitions, int replication_factor);

/// A committed controller record applied to an image: what it changes, and whether it applied.
/// `fence B`: B missed its heartbeats; it leaves every ISR it is not the last member of, and
/// partitions it led get a new leader from the ISR (any live replica under unclean election),
/// or none. `unfence B`: B is back; leaderless partitions whose ISR holds B (any, unclean)
/// take it as leader. `alter P LE PE I,J,..`: a leader's AlterPartition, applied only when its
/// leader and partition epochs are current.
bool apply_record(ClusterImage& image, const std::string& record, bool unclean);

std::string fence_record(int broker);
std::string unfence_record(int broker);
std::string alter_record(int partition, Epoch leader_epoch, std::int32_t partition_epoch, const std::vector<int>& isr);

}  // namespace queue
