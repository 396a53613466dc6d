#include "sim/kernel/reply_drops.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace sim {
namespace {

struct ReplyDrop {
  std::uint64_t id = 0;
  std::vector<NodeId> from, to;
};

struct Drops {
  World* world = nullptr;
  std::uint64_t next_id = 1;
  std::vector<ReplyDrop> drops;
};

std::map<const Network*, Drops>& table() {
  thread_local std::map<const Network*, Drops> drops;
  return drops;
}

bool contains(const std::vector<NodeId>& nodes, NodeId node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

}  // namespace

std::uint64_t drop_replies(World& world, const Network& network, std::vector<NodeId> from, std::vector<NodeId> to) {
  Drops& drops = table()[&network];
  drops.world = &world;
  drops.drops.push_back(ReplyDrop{drops.next_id++, std::move(from), std::move(to)});
  return drops.drops.back().id;
}

void restore_replies(const Network& network, std::uint64_t id) {
  auto found = table().find(&network);
  if (found == table().end()) return;
  std::erase_if(found->second.drops, [id](const ReplyDrop& drop) { return drop.id == id; });
}

void forget_reply_drops(const Network& network) { table().erase(&network); }

bool reply_dropped(const Network& network, NodeId from, NodeId to, const MessageBody* body) {
  auto found = table().find(&network);
  if (found == table().end()) return false;
  for (const ReplyDrop& drop : found->second.drops) {
    if (!contains(drop.from, from) || !contains(drop.to, to)) continue;
    World& world = *found->second.world;
    world.trace().record(world.now(), from, "net.drop",
                         fmt::format("{}->{} reply dropped: {}", world.node(from).name(), world.node(to).name(),
                                     body ? body->describe() : std::string("-")));
    return true;
  }
  return false;
}

}  // namespace sim
