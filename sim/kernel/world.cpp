#include "sim/kernel/world.hpp"

#include <cassert>
#include <fmt/format.h>
#include <boost/asio/detail/call_stack.hpp>
#include <boost/asio/detail/thread_context.hpp>
#include <boost/asio/detail/thread_info_base.hpp>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"

namespace sim {

namespace {
/// While the World runs, Asio's per-thread recycling allocator is active, as it is inside
/// io_context::run: coroutine frames and cancellation handlers reuse memory instead of
/// calling aligned operator new and delete each time. This leans on asio::detail, which is why
/// CMakeLists.txt pins Boost 1.81 exactly. The recycled blocks are only memory: nothing about
/// them reaches a run's order or output.
class AsioRecycling {
public:
  AsioRecycling() : context_(&key_, info_) {}

private:
  asio::detail::thread_context key_;
  asio::detail::thread_info_base info_;
  asio::detail::call_stack<asio::detail::thread_context, asio::detail::thread_info_base>::context context_;
};
}  // namespace

const char* to_string(NodeState state) {
  switch (state) {
    case NodeState::up: return "up";
    case NodeState::paused: return "paused";
    case NodeState::crashed: return "crashed";
  }
  return "?";
}

bool Node::has_role(std::string_view role) const {
  for (const auto& r : roles_)
    if (r == role) return true;
  return false;
}

World::World(std::uint64_t seed) : seed_(seed) {}

void World::start_network(const NetworkOptions& options) {
  SIM_ASSERT(!network_, "the network was started twice");
  network_ = std::make_unique<Network>(*this, options);
  rpc_ = std::make_unique<Rpc>(*this, *network_);
}

World::~World() {
  shutting_down_ = true;
  rpc_.reset();
  network_.reset();
  // Destroying queued work may post more (an awaitable's frame being unwound posts its own
  // destruction); while shutting down (set above), such work is destroyed at once instead of
  // queued.
  queue_.drain([this](QueuedEvent& e) { e.drop(pool_); });
  for (auto& node : nodes_) {
    for (QueuedEvent& e : node->deferred_) e.drop(pool_);
    node->deferred_.clear();
    node->process_.reset();
  }
}

NodeId World::add_node(std::string name, std::vector<std::string> roles, const ClockOptions& clock) {
  SIM_ASSERT(!find_node(name), "two nodes named " + name);
  SIM_ASSERT(nodes_.size() < QueuedEvent::max_nodes, "more nodes than a queue entry can name");
  auto node_id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(std::make_unique<Node>(node_id, std::move(name), std::move(roles), clock));
  return node_id;
}

std::optional<NodeId> World::find_node(std::string_view name) const {
  for (const auto& node : nodes_)
    if (node->name_ == name) return node->id_;
  return std::nullopt;
}

void World::boot_all() {
  for (auto& node : nodes_)
    if (node->boot_) node->boot_();
}

bool World::step() {
  if (queue_.empty()) return false;
  QueuedEvent next = queue_.pop();
  SIM_ASSERT(next.time >= now_.ns(), "time never moves back: the earliest event is due before now");
  now_ = Instant::from_ns(next.time);
  prefetch_next();
  run_event(next);
  return true;
}

void World::prefetch_next() {
  // What the next events point at (a pooled block, a coroutine's frames) was written long ago
  // and is likely cold: fetch it while this one runs (a miss costs more than one event's time,
  // so one step of warning is not enough). Work held in the entry needs nothing fetched.
  constexpr std::size_t prefetch_depth = 6;
  queue_.for_next(prefetch_depth, [](const QueuedEvent& e) {
    e.for_hot_pointers([](const void* pointer) {
      const char* hot = static_cast<const char*>(pointer);
      __builtin_prefetch(hot);
      __builtin_prefetch(hot + 64);
      // GCC 12 finds no side effect in a loop that only prefetches and deletes it whole (it
      // deleted this one before, so nothing was prefetched): the empty asm is one it keeps.
      asm volatile("" : : "r"(hot));
    });
  });
}

void World::run_event(QueuedEvent& entry) {
  if (NodeId node = entry.node(); node != no_node) {
    Node& n = *nodes_[node];
    // A crash sweeps its node's entries and later work of the old incarnation is never queued,
    // so every entry belongs to the node's running incarnation.
    SIM_ASSERT(n.state_ != NodeState::crashed, "an event of a crashed node was still queued");
    if (n.state_ == NodeState::paused) {
      n.deferred_.push_back(entry);
      return;
    }
  }
  ++events_run_;
  entry.run(pool_);
}

void World::run_until(Instant end) {
  SIM_ASSERT(end >= now_, "time never moves back: run_until a time already past");
  AsioRecycling recycling;
  stopped_ = false;
  while (!stopped_) {
    bool due = !queue_.empty() && queue_.next_time() <= end.ns();
    if (!due) break;
    step();
  }
  if (!stopped_ && now_ < end) now_ = end;
}

void World::run() {
  AsioRecycling recycling;
  stopped_ = false;
  while (!stopped_ && step()) {
  }
}

void World::drop_node_events(NodeId node_id) {
  // Taken out of the queue before any is dropped: dropping work may post (elsewhere, too).
  std::vector<QueuedEvent> doomed;
  queue_.remove_if([&](const QueuedEvent& e) {
    if (e.node() != node_id) return false;
    doomed.push_back(e);
    return true;
  });
  Node& n = *nodes_[node_id];
  doomed.insert(doomed.end(), n.deferred_.begin(), n.deferred_.end());
  n.deferred_.clear();
  // Freeing a continuation may post its own unwinding; the node is no longer current, so that
  // work is destroyed on the spot rather than queued.
  for (QueuedEvent& e : doomed) e.drop(pool_);
}

void World::crash(NodeId node_id, bool lose_unsynced) {
  Node& n = *nodes_[node_id];
  if (n.state_ == NodeState::crashed) return;
  n.state_ = NodeState::crashed;
  ++n.incarnation_;
  if (lose_unsynced) ++n.machine_crashes_;
  trace_.record(now_, node_id, "node.crash", lose_unsynced ? "unsynced writes lost" : "disk kept whole");
  drop_node_events(node_id);
  for (auto& listener : crash_listeners_) listener(node_id);
  n.process_.reset();
  n.disk_.crash(lose_unsynced);
}

void World::restart(NodeId node_id) {
  Node& n = *nodes_[node_id];
  if (n.state_ != NodeState::crashed) return;
  n.state_ = NodeState::up;
  // A new incarnation: work captured while the node was down (a message sent to it) belongs
  // to no running process and must not reach this one.
  ++n.incarnation_;
  trace_.record(now_, node_id, "node.restart", fmt::format("incarnation {}", n.incarnation_));
  if (n.boot_) n.boot_();
}

void World::pause(NodeId node_id) {
  Node& n = *nodes_[node_id];
  if (n.state_ != NodeState::up) return;
  n.state_ = NodeState::paused;
  trace_.record(now_, node_id, "node.pause", "");
}

void World::resume(NodeId node_id) {
  Node& n = *nodes_[node_id];
  if (n.state_ != NodeState::paused) return;
  n.state_ = NodeState::up;
  trace_.record(now_, node_id, "node.resume", fmt::format("{} deferred events", n.deferred_.size()));
  std::vector<QueuedEvent> deferred;
  deferred.swap(n.deferred_);
  for (QueuedEvent& e : deferred) {
    e.time = now_.ns();
    enqueue(e);
  }
}

void World::clock_step(NodeId node_id, Duration by) {
  Node& n = *nodes_[node_id];
  n.clock_.step(now_, by);
  trace_.record(now_, node_id, "clock.step", to_string(by));
}

void World::clock_drift(NodeId node_id, std::int64_t ppm) {
  Node& n = *nodes_[node_id];
  n.clock_.set_drift(now_, ppm);
  trace_.record(now_, node_id, "clock.drift", fmt::format("{}ppm", ppm));
}

}  // namespace sim
