// Lost replies, the drop_response fault: while a drop is in force, every reply that `from`
// sends to `to` through the RPC responder is lost when sent, after its request was processed;
// requests and other messages pass. The fault injector sets and ends the drops of its World's
// network and forgets them when it goes; the RPC responder asks before it sends a reply.
//
// Kept beside the network rather than in it, per network and per thread (a sweep runs worlds
// on several threads, each run on one), so that the network's header, which most of the
// project includes, stays as it is. Lookups only: no order of the table reaches a run.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

/// Replies from any of `from` to any of `to` are lost until restore_replies(id). `world` is the
/// network's, for the trace records of lost replies.
std::uint64_t drop_replies(World& world, const Network& network, std::vector<NodeId> from, std::vector<NodeId> to);
void restore_replies(const Network& network, std::uint64_t id);
/// Ends every drop on `network` (the injector's destructor).
void forget_reply_drops(const Network& network);
/// Whether a reply from `from` to `to` is lost now; when it is, records its loss in the trace
/// ("net.drop", as the network records its drops).
bool reply_dropped(const Network& network, NodeId from, NodeId to, const MessageBody* body);

}  // namespace sim
