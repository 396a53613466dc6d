#include "sim/kernel/fault_triggers.hpp"

#include <algorithm>

namespace sim {

FaultTriggers::FaultTriggers(World& world, Apply apply) : world_(world), apply_(std::move(apply)) {}

FaultTriggers::~FaultTriggers() {
  if (!waiting_.empty()) world_.trace().watch(nullptr);
}

void FaultTriggers::add(FaultTrigger trigger, FaultAction action) {
  if (waiting_.empty()) world_.trace().watch(this);
  waiting_.push_back(Waiting{std::move(trigger), std::move(action)});
}

bool FaultTriggers::matches(const Waiting& waiting, NodeId node, std::string_view kind) const {
  if (waiting.fired || kind != waiting.trigger.event) return false;
  const std::vector<NodeId>& nodes = waiting.trigger.node.nodes;
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

void FaultTriggers::traced(Instant, NodeId node, std::string_view kind) {
  for (std::size_t i = 0; i < waiting_.size(); ++i) {
    Waiting& waiting = waiting_[i];
    if (!matches(waiting, node, kind) || ++waiting.seen < waiting.trigger.occurrence) continue;
    waiting.fired = true;
    world_.schedule_after(waiting.trigger.delay, no_node, 0, [this, i] { apply_(waiting_[i].action); });
  }
}

bool is_event_kind(std::string_view text) {
  int words = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t dot = std::min(text.find('.', start), text.size());
    std::string_view word = text.substr(start, dot - start);
    bool good = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!good) return false;
    ++words;
    start = dot + 1;
  }
  return words >= 2;
}

}  // namespace sim
