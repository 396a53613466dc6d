// Faults that wait for an event: each fires `delay` after the n-th trace record of a kind on
// the nodes its trigger names (`after: {event: lock.granted, node: client-1, delay: 10ms}`),
// once. The injector owns them and hands each fault, when due, back to be applied.
//
// Determinism: the triggers watch the trace, so they count events in the trace's order, and a
// fault that fires is scheduled as an ordinary event (never applied inline), so equal runs fire
// it at the same moment and in the same place among the events of that moment.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

class FaultTriggers final : public TraceWatcher {
public:
  using Apply = std::function<void(const FaultAction&)>;
  FaultTriggers(World& world, Apply apply);
  ~FaultTriggers();
  FaultTriggers(const FaultTriggers&) = delete;
  FaultTriggers& operator=(const FaultTriggers&) = delete;

  /// Waits for the fault's trigger, whose node reference must already be resolved.
  void add(FaultTrigger trigger, FaultAction action);
  void traced(Instant time, NodeId node, std::string_view kind) override;

private:
  struct Waiting {
    FaultTrigger trigger;
    FaultAction action;
    std::uint64_t seen = 0;
    bool fired = false;
  };
  bool matches(const Waiting& waiting, NodeId node, std::string_view kind) const;

  World& world_;
  Apply apply_;
  std::vector<Waiting> waiting_;  // in the scenario's order; queued events point at them by index
};

/// Whether a text can name a trace record's kind: lowercase words of letters, digits and
/// underscores joined by dots, at least two of them ("lock.granted", "fault.pause").
bool is_event_kind(std::string_view text);

/// Every kind designsim's sources can record, sorted: the string literals of that shape in sim/
/// and models/, generated at build time (cmake/event_kinds.cmake). A superset of what a run
/// records, so a kind outside it is misspelt.
const std::vector<std::string>& recorded_event_kinds();

}  // namespace sim
