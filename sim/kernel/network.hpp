// The simulated network: packets between nodes with per-link latency drawn from a
// distribution, loss, duplication, FIFO connections, partitions and temporary link faults. A
// packet is an addressed body and nothing more; what a body means (a request, a reply, a
// stream) is for the layers above, which carry their own headers in it (sim/kernel/rpc.hpp).
//
// Fault model: a message is lost when its link is cut at sending or at delivery (a partition
// drops what is in flight, as a cut cable does), when the loss ratio says so, or when the
// receiver crashed or restarted since it was sent (its connections were reset). A message
// still in the sender's kernel (send_at) is lost when the sender's machine dies, not when only
// its process does. A paused
// receiver gets its messages when the pause ends, in order. Partitions may be symmetric
// (groups), one-way (A cannot reach B, B can reach A) or isolate one node; heal removes them.
//
// Determinism: every draw comes from the "net" stream, in sending order; FIFO is kept by
// never scheduling a message on a connection before the one sent ahead of it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "sim/kernel/network_options.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

/// What a packet carries. Models derive their message types from it.
class MessageBody {
public:
  virtual ~MessageBody() = default;
  /// Stable text for the trace.
  virtual std::string describe() const = 0;
};
using MessagePtr = std::shared_ptr<const MessageBody>;

/// `body` as a `T` when it is one, else null. `T` must be final, so a body is a `T` exactly when
/// its dynamic type is `T`: one comparison of type_info, where dynamic_cast walks the hierarchy.
template <class T>
const T* body_as(const MessageBody* body) {
  static_assert(std::is_final_v<T>, "body_as needs a final message type");
  return body != nullptr && typeid(*body) == typeid(T) ? static_cast<const T*>(body) : nullptr;
}

/// One message in flight.
struct Packet {
  NodeId from = no_node;
  NodeId to = no_node;
  std::uint64_t id = 0;  ///< unique per run, in sending order
  Instant sent;
  MessagePtr body;
  /// A word of the layer above's own, carried as it is and never read by the network (RPC keeps
  /// its call id and direction here, so that framing a message allocates nothing).
  std::uint64_t header = 0;
};

class Network {
public:
  using Receiver = std::function<void(const Packet&)>;
  using Selector = std::vector<NodeId>;

  Network(World& world, NetworkOptions options);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Where messages for `node` go. Called by whatever owns the node's inbox (the RPC layer).
  void set_receiver(NodeId node, Receiver receiver);
  /// Sends a packet; returns its id. Sending from a node that is not up sends nothing.
  std::uint64_t send(NodeId from, NodeId to, MessagePtr body, std::uint64_t header = 0);
  /// Hands a message to the sending machine's kernel, which puts it on the wire at `leaves`
  /// (not before now): it waits in the socket's send buffer meanwhile. A process crash or pause
  /// of the sender does not hold it back (the kernel still sends what the process wrote); a
  /// machine crash of the sender before `leaves` loses it, and a partition at `leaves` drops it
  /// as it drops any message sent then.
  void send_at(Instant leaves, NodeId from, NodeId to, MessagePtr body);

  // --- fault verbs ------------------------------------------------------------------------
  /// Nodes in different groups cannot talk. Returns an id for heal_partition.
  std::uint64_t partition(const std::vector<Selector>& groups);
  /// `from` cannot reach `to`; the other direction still works.
  std::uint64_t partition_one_way(const Selector& from, const Selector& to);
  /// `node` can reach no one and no one can reach it.
  std::uint64_t isolate(NodeId node);
  void heal_partition(std::uint64_t id);
  /// Removes every partition.
  void heal();
  /// Replaces the options of the links between `a` and `b` (both directions) until removed.
  std::uint64_t degrade(const Selector& a, const Selector& b, const LinkOptions& options);
  void restore(std::uint64_t id);

  bool can_reach(NodeId from, NodeId to) const;
  const LinkOptions& link(NodeId from, NodeId to) const;
  std::uint64_t sent_count() const { return sent_; }
  std::uint64_t dropped_count() const { return dropped_; }

private:
  struct Cut {
    std::uint64_t id;
    std::vector<std::pair<NodeId, NodeId>> pairs;  // directed (from, to) pairs that are cut
  };
  struct Degradation {
    std::uint64_t id;
    Selector a, b;
    LinkOptions options;
  };
  class Waiting;
  void resolve_links();
  void rebuild_cuts();
  std::size_t index(NodeId from, NodeId to) const { return static_cast<std::size_t>(from) * node_count_ + to; }
  void schedule_delivery(Packet packet, const LinkOptions& options);
  void deliver(const Packet& packet, std::uint32_t to_incarnation);
  void drop(const Packet& packet, const char* why);
  std::uint64_t transmit(Packet packet);

  World& world_;
  NetworkOptions options_;
  Rng rng_;
  std::size_t node_count_ = 0;
  std::vector<std::uint16_t> link_of_;       // index -> position in links_
  std::vector<LinkOptions> links_;
  std::vector<std::uint16_t> cut_count_;     // index -> number of partitions cutting it
  std::vector<std::int64_t> fifo_tail_;      // index -> latest delivery time scheduled
  std::vector<Cut> cuts_;
  std::vector<Degradation> degradations_;
  std::vector<Receiver> receivers_;
  std::uint64_t next_message_ = 1;
  std::uint64_t next_fault_id_ = 1;
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace sim
