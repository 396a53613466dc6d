// Lost replies, the drop_response fault: while a drop is in force, every reply that `from`
// sends to `to` through the RPC responder is lost when sent, after its request was processed;
// requests and other messages pass. The fault injector sets and ends the drops; the RPC
// responder asks before it sends a reply.
//
// The drops belong to the run: the World's RPC layer owns its ReplyDrops (Rpc::reply_drops),
// so two runs on one thread, one after the other or interleaved, never see each other's drops,
// and nothing outlives the World. Kept out of Network so that the network's header, which most
// of the project includes, stays as it is. Lookups only: no order of the list reaches a run
// except the order in which drops were made.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

class ReplyDrops {
public:
  explicit ReplyDrops(World& world) : world_(world) {}
  ReplyDrops(const ReplyDrops&) = delete;
  ReplyDrops& operator=(const ReplyDrops&) = delete;

  /// Replies from any of `from` to any of `to` are lost until restore(id).
  std::uint64_t drop(std::vector<NodeId> from, std::vector<NodeId> to);
  void restore(std::uint64_t id);
  /// Ends every drop.
  void clear() { drops_.clear(); }
  bool empty() const { return drops_.empty(); }
  /// Whether a reply from `from` to `to` is lost now; when it is, records its loss in the trace
  /// ("net.drop", as the network records its drops).
  bool dropped(NodeId from, NodeId to, const MessageBody* body) const;

private:
  struct Drop {
    std::uint64_t id = 0;
    std::vector<NodeId> from, to;
  };
  World& world_;
  std::uint64_t next_id_ = 1;
  std::vector<Drop> drops_;
};

}  // namespace sim
