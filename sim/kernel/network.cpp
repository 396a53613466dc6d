#include "sim/kernel/network.hpp"

#include <algorithm>
#include <utility>
#include <fmt/format.h>

#include "sim/kernel/assert.hpp"

namespace sim {
namespace {

bool selected(const World& world, NodeId node, const std::string& selector) {
  if (selector == "*") return true;
  if (selector.rfind("role:", 0) == 0) return world.node(node).has_role(std::string_view(selector).substr(5));
  return world.node(node).name() == selector;
}

bool contains(const Network::Selector& set, NodeId node) {
  return std::find(set.begin(), set.end(), node) != set.end();
}

}  // namespace

/// A message waiting in a paused receiver's own queue. Freed without running (the receiver
/// crashed meanwhile), it counts as dropped, as any lost message does.
class Network::Waiting {
public:
  Waiting(Network& network, Packet packet, std::uint32_t incarnation)
      : world_(&network.world_), network_(&network), packet_(std::move(packet)), incarnation_(incarnation) {}
  Waiting(Waiting&& other) noexcept
      : world_(other.world_),
        network_(other.network_),
        packet_(std::move(other.packet_)),
        incarnation_(other.incarnation_),
        armed_(std::exchange(other.armed_, false)) {}
  Waiting& operator=(Waiting&&) = delete;
  ~Waiting() {
    // While the World shuts down the network may be gone already: nothing is traced then.
    if (armed_ && !world_->shutting_down()) network_->drop(packet_, "receiver crashed while paused");
  }
  void operator()() {
    armed_ = false;
    network_->deliver(packet_, incarnation_);
  }

private:
  World* world_;
  Network* network_;
  Packet packet_;
  std::uint32_t incarnation_;
  bool armed_ = true;
};

Network::Network(World& world, NetworkOptions options)
    : world_(world), options_(std::move(options)), rng_(world.rng("net")) {
  node_count_ = world_.node_count();
  receivers_.resize(node_count_);
  cut_count_.assign(node_count_ * node_count_, 0);
  fifo_tail_.assign(node_count_ * node_count_, 0);
  resolve_links();
}

void Network::resolve_links() {
  links_.clear();
  links_.push_back(options_.defaults);
  link_of_.assign(node_count_ * node_count_, 0);
  for (const LinkOverride& o : options_.links) {
    auto position = static_cast<std::uint16_t>(links_.size());
    links_.push_back(o.options);
    for (NodeId a = 0; a < node_count_; ++a) {
      for (NodeId b = 0; b < node_count_; ++b) {
        if (a == b) continue;
        if (selected(world_, a, o.from) && selected(world_, b, o.to)) link_of_[index(a, b)] = position;
        if (selected(world_, a, o.to) && selected(world_, b, o.from)) link_of_[index(a, b)] = position;
      }
    }
  }
}

void Network::set_receiver(NodeId node, Receiver receiver) { receivers_[node] = std::move(receiver); }

const LinkOptions& Network::link(NodeId from, NodeId to) const {
  for (auto it = degradations_.rbegin(); it != degradations_.rend(); ++it) {
    if ((contains(it->a, from) && contains(it->b, to)) || (contains(it->b, from) && contains(it->a, to)))
      return it->options;
  }
  return links_[link_of_[index(from, to)]];
}

bool Network::can_reach(NodeId from, NodeId to) const {
  return from == to || cut_count_[index(from, to)] == 0;
}

std::uint64_t Network::send(NodeId from, NodeId to, MessagePtr body, std::uint64_t header) {
  SIM_ASSERT(from < node_count_ && to < node_count_, "a message to or from an unknown node");
  if (!world_.node(from).is_up()) return 0;
  return transmit(Packet{from, to, next_message_++, world_.now(), std::move(body), header});
}

void Network::send_at(Instant leaves, NodeId from, NodeId to, MessagePtr body) {
  SIM_ASSERT(from < node_count_ && to < node_count_, "a message to or from an unknown node");
  if (!world_.node(from).is_up()) return;
  if (leaves <= world_.now()) {
    send(from, to, std::move(body));
    return;
  }
  // The kernel's, not the process's: it runs through a pause or a process crash of the sender.
  std::uint32_t machine = world_.node(from).machine_crashes();
  world_.schedule_at(leaves, no_node, 0, [this, from, to, machine, body = std::move(body)]() mutable {
    Packet packet{from, to, next_message_++, world_.now(), std::move(body), 0};
    if (world_.node(from).machine_crashes() != machine) {
      ++sent_;
      drop(packet, "the sender's machine crashed with it in its send buffer");
      return;
    }
    transmit(std::move(packet));
  });
}

std::uint64_t Network::transmit(Packet packet) {
  NodeId from = packet.from;
  NodeId to = packet.to;
  ++sent_;
  const LinkOptions& options = link(from, to);
  if (!can_reach(from, to)) {
    drop(packet, "partitioned");
    return packet.id;
  }
  if (rng_.chance(options.loss)) {
    drop(packet, "lost");
    return packet.id;
  }
  bool twice = rng_.chance(options.duplicate);
  std::uint64_t id = packet.id;
  if (twice) schedule_delivery(packet, options);
  schedule_delivery(std::move(packet), options);
  return id;
}

void Network::schedule_delivery(Packet packet, const LinkOptions& options) {
  Instant at = world_.now() + options.latency.sample(rng_);
  if (packet.from != packet.to && options.fifo) {
    std::int64_t& tail = fifo_tail_[index(packet.from, packet.to)];
    if (at.ns() < tail) at = Instant::from_ns(tail);
    tail = at.ns();
  }
  world_.trace().fold(world_.now(), packet.from, "net.send", packet.id,
                      static_cast<std::int64_t>(packet.to) << 32 | (at - world_.now()).ns());
  NodeId to = packet.to;
  std::uint32_t incarnation = world_.node(to).incarnation();
  // The delivery belongs to the kernel, not to the receiver's incarnation: a message to a
  // node that restarted meanwhile must be seen and dropped, not silently discarded.
  world_.schedule_at(at, no_node, 0, [this, packet = std::move(packet), incarnation]() mutable {
    NodeId dest = packet.to;
    if (world_.node(dest).state() == NodeState::paused) {
      // Hand it to the node's own queue so it waits out the pause in order.
      world_.post(dest, incarnation, Waiting(*this, std::move(packet), incarnation));
      return;
    }
    deliver(packet, incarnation);
  });
}

void Network::deliver(const Packet& packet, std::uint32_t to_incarnation) {
  const Node& dest = world_.node(packet.to);
  if (dest.state() == NodeState::crashed || dest.incarnation() != to_incarnation) {
    drop(packet, "receiver crashed");
    return;
  }
  if (!can_reach(packet.from, packet.to)) {
    drop(packet, "partitioned in flight");
    return;
  }
  world_.trace().fold(world_.now(), packet.to, "net.deliver", packet.id, packet.from);
  if (receivers_[packet.to]) receivers_[packet.to](packet);
}

void Network::drop(const Packet& packet, const char* why) {
  ++dropped_;
  world_.trace().record(world_.now(), packet.from, "net.drop",
                        fmt::format("#{} {}->{} {}: {}", packet.id, world_.node(packet.from).name(),
                                    world_.node(packet.to).name(), why,
                                    packet.body ? packet.body->describe() : std::string("-")));
}

void Network::rebuild_cuts() {
  std::fill(cut_count_.begin(), cut_count_.end(), 0);
  for (const Cut& cut : cuts_)
    for (auto [a, b] : cut.pairs) ++cut_count_[index(a, b)];
}

std::uint64_t Network::partition(const std::vector<Selector>& groups) {
  // Nodes named in no group form one more group.
  std::vector<int> group_of(node_count_, -1);
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (NodeId n : groups[g]) group_of[n] = static_cast<int>(g);
  Cut cut{next_fault_id_++, {}};
  for (NodeId a = 0; a < node_count_; ++a)
    for (NodeId b = 0; b < node_count_; ++b)
      if (a != b && group_of[a] != group_of[b]) cut.pairs.emplace_back(a, b);
  cuts_.push_back(std::move(cut));
  rebuild_cuts();
  return cuts_.back().id;
}

std::uint64_t Network::partition_one_way(const Selector& from, const Selector& to) {
  Cut cut{next_fault_id_++, {}};
  for (NodeId a : from)
    for (NodeId b : to)
      if (a != b) cut.pairs.emplace_back(a, b);
  cuts_.push_back(std::move(cut));
  rebuild_cuts();
  return cuts_.back().id;
}

std::uint64_t Network::isolate(NodeId node) {
  Cut cut{next_fault_id_++, {}};
  for (NodeId other = 0; other < node_count_; ++other) {
    if (other == node) continue;
    cut.pairs.emplace_back(node, other);
    cut.pairs.emplace_back(other, node);
  }
  cuts_.push_back(std::move(cut));
  rebuild_cuts();
  return cuts_.back().id;
}

void Network::heal_partition(std::uint64_t id) {
  std::erase_if(cuts_, [&](const Cut& c) { return c.id == id; });
  rebuild_cuts();
}

void Network::heal() {
  cuts_.clear();
  rebuild_cuts();
}

std::uint64_t Network::degrade(const Selector& a, const Selector& b, const LinkOptions& options) {
  degradations_.push_back(Degradation{next_fault_id_++, a, b, options});
  return degradations_.back().id;
}

void Network::restore(std::uint64_t id) {
  std::erase_if(degradations_, [&](const Degradation& d) { return d.id == id; });
}

}  // namespace sim
