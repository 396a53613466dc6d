#include "models/queue/cluster.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

namespace queue {
namespace {

bool fenced(const ClusterImage& image, int broker) { return image.fenced[static_cast<std::size_t>(broker)]; }

void set_leader(PartitionState& p, int leader) {
  p.leader = leader;
  ++p.leader_epoch;
  ++p.partition_epoch;
}

void fence(ClusterImage& image, int broker, bool unclean) {
  image.fenced[static_cast<std::size_t>(broker)] = true;
  for (PartitionState& p : image.partitions) {
    if (p.in_isr(broker) && p.isr.size() > 1) {
      std::erase(p.isr, broker);
      ++p.partition_epoch;
    }
    if (p.leader != broker) continue;
    int next = no_leader;
    for (int r : p.replicas)
      if (r != broker && p.in_isr(r) && !fenced(image, r)) next = next == no_leader ? r : next;
    if (next == no_leader && unclean)
      for (int r : p.replicas)
        if (r != broker && !fenced(image, r) && next == no_leader) {
          next = r;
          p.isr = {r};
        }
    set_leader(p, next);
  }
}

void unfence(ClusterImage& image, int broker, bool unclean) {
  image.fenced[static_cast<std::size_t>(broker)] = false;
  for (PartitionState& p : image.partitions) {
    if (p.leader != no_leader) continue;
    if (p.in_isr(broker)) {
      set_leader(p, broker);
    } else if (unclean && std::find(p.replicas.begin(), p.replicas.end(), broker) != p.replicas.end()) {
      p.isr = {broker};
      set_leader(p, broker);
    }
  }
}

bool alter(ClusterImage& image, std::istringstream& in) {
  int partition = 0;
  Epoch leader_epoch = 0;
  std::int32_t partition_epoch = 0;
  std::string members;
  in >> partition >> leader_epoch >> partition_epoch >> members;
  if (partition < 0 || partition >= static_cast<int>(image.partitions.size())) return false;
  PartitionState& p = image.partitions[static_cast<std::size_t>(partition)];
  if (p.leader_epoch != leader_epoch || p.partition_epoch != partition_epoch || p.leader == no_leader) return false;
  std::vector<int> isr;
  std::istringstream list(members);
  for (std::string item; std::getline(list, item, ',');) isr.push_back(std::stoi(item));
  // A fenced broker may not join an ISR (KIP-841).
  for (int b : isr)
    if (b != p.leader && fenced(image, b) && !p.in_isr(b)) return false;
  p.isr = isr;
  ++p.partition_epoch;
  return true;
}

}  // namespace

bool PartitionState::in_isr(int broker) const { return std::find(isr.begin(), isr.end(), broker) != isr.end(); }

std::vector<std::vector<int>> assign_replicas(int brokers, int partitions, int replication_factor) {
  std::vector<std::vector<int>> out;
  int shift = 0;
  for (int p = 0; p < partitions; ++p) {
    if (p > 0 && p % brokers == 0) ++shift;
    int first = p % brokers;
    std::vector<int> replicas{first};
    for (int j = 0; j < replication_factor - 1; ++j)
      replicas.push_back((first + 1 + (shift + j) % (brokers - 1)) % brokers);
    out.push_back(std::move(replicas));
  }
  return out;
}

ClusterImage initial_image(int brokers, int partitions, int replication_factor) {
  ClusterImage image;
  image.fenced.assign(static_cast<std::size_t>(brokers), false);
  for (std::vector<int>& replicas : assign_replicas(brokers, partitions, replication_factor)) {
    PartitionState p;
    p.leader = replicas.front();
    p.isr = replicas;
    p.replicas = std::move(replicas);
    image.partitions.push_back(std::move(p));
  }
  return image;
}

bool apply_record(ClusterImage& image, const std::string& record, bool unclean) {
  std::istringstream in(record);
  std::string verb;
  int broker = -1;
  in >> verb;
  if (verb == "alter") return alter(image, in);
  in >> broker;
  if (broker < 0 || broker >= static_cast<int>(image.fenced.size())) return false;
  if (verb == "fence") {
    if (fenced(image, broker)) return false;
    fence(image, broker, unclean);
    return true;
  }
  if (verb == "unfence") {
    if (!fenced(image, broker)) return false;
    unfence(image, broker, unclean);
    return true;
  }
  return false;
}

std::string fence_record(int broker) { return fmt::format("fence {}", broker); }
std::string unfence_record(int broker) { return fmt::format("unfence {}", broker); }

std::string alter_record(int partition, Epoch leader_epoch, std::int32_t partition_epoch, const std::vector<int>& isr) {
  return fmt::format("alter {} {} {} {}", partition, leader_epoch, partition_epoch, fmt::join(isr, ","));
}

}  // namespace queue
