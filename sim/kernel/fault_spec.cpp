#include "sim/kernel/fault_spec.hpp"

#include <type_traits>

namespace sim {
namespace {

const char* link_fault_name(LinkFault::Kind kind) {
  switch (kind) {
    case LinkFault::Kind::slow_link: return "slow_link";
    case LinkFault::Kind::loss: return "loss";
    case LinkFault::Kind::duplicate: return "duplicate";
    case LinkFault::Kind::drop_response: return "drop_response";
  }
  return "link_fault";
}

// The YAML key each fault is written under, so messages and traces use the scenario's words.
struct FaultNamer {
  const char* operator()(const PauseFault&) const { return "pause"; }
  const char* operator()(const ClockStepFault&) const { return "clock_step"; }
  const char* operator()(const ClockDriftFault&) const { return "clock_drift"; }
  const char* operator()(const CrashFault&) const { return "crash"; }
  const char* operator()(const RestartFault&) const { return "restart"; }
  const char* operator()(const PartitionFault&) const { return "partition"; }
  const char* operator()(const HealFault&) const { return "heal"; }
  const char* operator()(const LinkFault& fault) const { return link_fault_name(fault.kind); }
};

struct RandomFaultNamer {
  const char* operator()(const RandomPause&) const { return "pause"; }
  const char* operator()(const RandomClockStep&) const { return "clock_step"; }
  const char* operator()(const RandomClockDrift&) const { return "clock_drift"; }
  const char* operator()(const RandomCrash&) const { return "crash"; }
  const char* operator()(const RandomIsolate&) const { return "isolate"; }
  const char* operator()(const RandomSlowLink&) const { return "slow_link"; }
  const char* operator()(const RandomLoss&) const { return "loss"; }
};

// Lists a fault's references; `Ref` is NodeRef, or const NodeRef for a const fault. One
// overload per kind and no fallback: a kind added without its references does not compile.
template <class Ref>
struct RefLister {
  template <class T>
  using Like = std::conditional_t<std::is_const_v<Ref>, const T, T>;
  std::vector<Ref*>& refs;

  void operator()(Like<PauseFault>& f) const { refs.push_back(&f.node); }
  void operator()(Like<ClockStepFault>& f) const { refs.push_back(&f.node); }
  void operator()(Like<ClockDriftFault>& f) const { refs.push_back(&f.node); }
  void operator()(Like<CrashFault>& f) const { refs.push_back(&f.node); }
  void operator()(Like<RestartFault>& f) const { refs.push_back(&f.node); }
  void operator()(Like<HealFault>&) const {}
  void operator()(Like<LinkFault>& f) const {
    refs.push_back(&f.from);
    refs.push_back(&f.to);
  }
  void operator()(Like<PartitionFault>& f) const {
    for (auto& group : f.groups)
      for (auto& ref : group) refs.push_back(&ref);
    for (auto& ref : f.from) refs.push_back(&ref);
    for (auto& ref : f.to) refs.push_back(&ref);
    if (f.shape == PartitionFault::Shape::isolate) refs.push_back(&f.node);
  }
};

}  // namespace

std::vector<NodeRef*> node_refs(FaultAction& action) {
  std::vector<NodeRef*> refs;
  std::visit(RefLister<NodeRef>{refs}, action);
  return refs;
}

std::vector<const NodeRef*> node_refs(const FaultAction& action) {
  std::vector<const NodeRef*> refs;
  std::visit(RefLister<const NodeRef>{refs}, action);
  return refs;
}

std::vector<NodeRef*> node_refs(FaultSpec& fault) {
  std::vector<NodeRef*> refs = node_refs(fault.action);
  if (fault.after) refs.push_back(&fault.after->node);
  return refs;
}

std::vector<const NodeRef*> node_refs(const FaultSpec& fault) {
  std::vector<const NodeRef*> refs = node_refs(fault.action);
  if (fault.after) refs.push_back(&fault.after->node);
  return refs;
}

std::string SourceMark::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char* fault_name(const FaultAction& action) { return std::visit(FaultNamer{}, action); }

const char* random_fault_name(const RandomFaultKind& kind) { return std::visit(RandomFaultNamer{}, kind); }

}  // namespace sim
