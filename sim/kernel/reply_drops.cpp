#include "sim/kernel/reply_drops.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sim {
namespace {

bool contains(const std::vector<NodeId>& nodes, NodeId node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

}  // namespace

std::uint64_t ReplyDrops::drop(std::vector<NodeId> from, std::vector<NodeId> to) {
  drops_.push_back(Drop{next_id_++, std::move(from), std::move(to)});
  return drops_.back().id;
}

void ReplyDrops::restore(std::uint64_t id) {
  std::erase_if(drops_, [id](const Drop& drop) { return drop.id == id; });
}

bool ReplyDrops::dropped(NodeId from, NodeId to, const MessageBody* body) const {
  for (const Drop& drop : drops_) {
    if (!contains(drop.from, from) || !contains(drop.to, to)) continue;
    world_.trace().record(world_.now(), from, "net.drop",
                          fmt::format("{}->{} reply dropped: {}", world_.node(from).name(), world_.node(to).name(),
                                      body ? body->describe() : std::string("-")));
    return true;
  }
  return false;
}

}  // namespace sim
