#include "sim/kernel/fault.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"

namespace sim {
namespace {

std::string join_names(World& world, const std::vector<NodeId>& nodes) {
  std::string text;
  for (NodeId n : nodes) text += (text.empty() ? "" : ",") + world.node(n).name();
  return text;
}

/// The names of `nodes`, each once, in order.
std::vector<std::string> distinct_names(World& world, const std::vector<NodeId>& nodes) {
  std::vector<std::string> names;
  for (NodeId n : nodes) {
    std::string name = world.node(n).name();
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

std::string signed_text(Duration d) { return (d >= Duration::zero() ? "+" : "") + to_string(d); }

}  // namespace

FaultInjector::FaultInjector(World& world) : world_(world) { world_.watch_fault_windows(this); }

FaultInjector::~FaultInjector() {
  world_.watch_fault_windows(nullptr);
  if (reply_drops_) world_.rpc().reply_drops().clear();
}

std::vector<NodeId> FaultInjector::resolve(const NodeRef& ref) const {
  std::vector<NodeId> nodes;
  for (NodeId n = 0; n < world_.node_count(); ++n) {
    const Node& node = world_.node(n);
    bool match = ref.name == "*" ||
                 (ref.name.rfind("role:", 0) == 0 && node.has_role(std::string_view(ref.name).substr(5))) ||
                 node.name() == ref.name;
    if (match) nodes.push_back(n);
  }
  return nodes;
}

void FaultInjector::resolve_refs(std::vector<NodeRef*> refs) const {
  for (NodeRef* ref : refs) {
    ref->nodes = resolve(*ref);
    SIM_ASSERT(!ref->nodes.empty(), "the fault reference '" + ref->name + "' names no node");
  }
}

void FaultInjector::schedule(std::vector<FaultSpec> faults, std::vector<RandomFaultSpec> random, Duration run_length) {
  std::size_t drawn = 0;
  for (FaultSpec& fault : faults) {
    resolve_refs(node_refs(fault));
    if (fault.after) {
      triggers_.add(std::move(*fault.after), std::move(fault.action));
      continue;
    }
    Duration at = fault.at;
    if (fault.at_drawn) {
      // A stream of its own for each drawn time (numbered among them), so that drawing moves no
      // other stream of the run, and a fixed-time fault added or removed moves no draw.
      Rng rng = world_.rng(fmt::format("faults/at/{}", drawn++));
      at = fault.at_drawn->sample(rng);
      if (at > run_length) continue;
    }
    world_.schedule_at(Instant::zero() + at, no_node, 0, [this, action = std::move(fault.action)] { apply(action); });
  }
  for (std::size_t i = 0; i < random.size(); ++i) start_random(random[i], i, run_length);
}

void FaultInjector::start_random(RandomFaultSpec& spec, std::size_t index, Duration run_length) {
  std::vector<NodeRef> targets;
  for (NodeRef& ref : spec.targets) {
    resolve_refs({&ref});
    for (NodeId n : ref.nodes) {
      bool seen = std::any_of(targets.begin(), targets.end(), [n](const NodeRef& t) { return t.nodes.front() == n; });
      if (!seen) targets.push_back(NodeRef{world_.node(n).name(), ref.where, {n}});
    }
  }
  NodeRef everyone{"*", spec.where, {}};
  resolve_refs({&everyone});
  Rng rng = world_.rng(fmt::format("faults/random/{}", index));
  generators_.push_back(
      std::make_unique<RandomFaultGenerator>(spec, rng, std::move(targets), std::move(everyone), run_length));
  arm(*generators_.back());
}

// One fault pending per generator: when it applies, the next is drawn.
void FaultInjector::arm(RandomFaultGenerator& generator) {
  std::optional<Duration> at = generator.next_at();
  if (!at) return;
  world_.schedule_at(Instant::zero() + *at, no_node, 0, [this, &generator] {
    FaultAction action = generator.draw();
    std::size_t applied_before = applied_.size();
    apply(action);
    if (applied_.size() > applied_before) random_fired_.push_back(FiredRandomFault{world_.now(), std::move(action)});
    arm(generator);
  });
}

// `trace_kind` is the whole literal ("fault.pause"), so that the list of recorded kinds
// (cmake/event_kinds.cmake) has it; the fault's record keeps the part after "fault.".
void FaultInjector::note(NodeId node, std::string_view trace_kind, std::string detail) {
  constexpr std::string_view prefix = "fault.";
  SIM_ASSERT(trace_kind.substr(0, prefix.size()) == prefix, "a fault's trace kind starts with fault.");
  std::string name = node == no_node ? "" : world_.node(node).name();
  world_.trace().record(world_.now(), node, trace_kind, detail);
  windows_.touch(world_.now());
  applied_.push_back(FaultRecord{world_.now(), std::move(name), std::string(trace_kind.substr(prefix.size())),
                                 std::move(detail), std::nullopt});
}

// One mechanism per fault kind and no generic fallback: a kind added to FaultAction without
// its mechanism here does not compile. References were resolved when the schedule was built.
struct FaultInjector::Mechanism {
  FaultInjector& injector;

  void operator()(const PauseFault& f) const {
    for (NodeId n : f.node.nodes) injector.pause(n, f.duration);
  }
  void operator()(const ClockStepFault& f) const {
    for (NodeId n : f.node.nodes) injector.clock_step(n, f.by);
  }
  void operator()(const ClockDriftFault& f) const {
    for (NodeId n : f.node.nodes) injector.clock_drift(n, f.ppm);
  }
  void operator()(const CrashFault& f) const {
    for (NodeId n : f.node.nodes) injector.crash(n, f.restart_after, f.lose_unsynced);
  }
  void operator()(const RestartFault& f) const {
    for (NodeId n : f.node.nodes) injector.restart(n);
  }
  void operator()(const PartitionFault& f) const { injector.partition(f); }
  void operator()(const HealFault&) const { injector.heal(); }
  void operator()(const LinkFault& f) const { injector.link_fault(f); }
};

void FaultInjector::open_window(std::string_view kind) { windows_.open(kind, world_.now()); }

void FaultInjector::close_window(std::string_view kind) { windows_.close(kind, world_.now()); }

void FaultInjector::apply(const FaultAction& action) { std::visit(Mechanism{*this}, action); }

void FaultInjector::clock_step(NodeId node, Duration by) {
  note(node, "fault.clock_step", "wall clock " + signed_text(by));
  world_.clock_step(node, by);
}

void FaultInjector::clock_drift(NodeId node, std::int64_t ppm) {
  note(node, "fault.clock_drift", fmt::format("clocks now drift {:+}ppm", ppm));
  world_.clock_drift(node, ppm);
}

void FaultInjector::pause(NodeId node, Duration length) {
  if (!world_.node(node).is_up()) return;
  note(node, "fault.pause", "stop-the-world pause for " + to_string(length));
  std::uint64_t pause_id = applied_.size() - 1;  // its record, which its end completes
  open_pauses_[node] = pause_id;
  open_window("pause");
  world_.pause(node);
  world_.schedule_after(length, no_node, 0, [this, node, pause_id] {
    auto it = open_pauses_.find(node);
    if (it == open_pauses_.end() || it->second != pause_id) return;  // a crash ended it already
    end_pause(node);
    world_.resume(node);
  });
}

void FaultInjector::end_pause(NodeId node) {
  auto it = open_pauses_.find(node);
  if (it == open_pauses_.end()) return;
  applied_[it->second].until = world_.now();
  open_pauses_.erase(it);
  close_window("pause");
}

void FaultInjector::crash(NodeId node, std::optional<Duration> restart_after, bool lose_unsynced) {
  if (world_.node(node).state() == NodeState::crashed) return;
  note(node, "fault.crash", restart_after ? "restarts after " + to_string(*restart_after) : "stays down");
  end_pause(node);
  open_window("crash");
  crashed_.emplace_back(node, applied_.size() - 1);
  world_.crash(node, lose_unsynced);
  if (restart_after) world_.schedule_after(*restart_after, no_node, 0, [this, node] { restart(node); });
}

void FaultInjector::restart(NodeId node) {
  if (world_.node(node).state() != NodeState::crashed) return;
  note(node, "fault.restart", "boots again from its disk");
  auto crashed = [node](const std::pair<NodeId, std::size_t>& c) { return c.first == node; };
  if (auto it = std::find_if(crashed_.begin(), crashed_.end(), crashed); it != crashed_.end()) {
    applied_[it->second].until = world_.now();
    crashed_.erase(it);
    close_window("crash");
  }
  world_.restart(node);
}

void FaultInjector::partition(const PartitionFault& fault) {
  Network& net = world_.network();
  std::vector<std::uint64_t> cuts;
  std::string detail;
  std::vector<NodeId> touched;
  switch (fault.shape) {
    case PartitionFault::Shape::groups: {
      std::vector<Network::Selector> groups;
      for (const auto& group : fault.groups) {
        Network::Selector members;
        for (const NodeRef& ref : group) members.insert(members.end(), ref.nodes.begin(), ref.nodes.end());
        detail += (detail.empty() ? "" : " | ") + join_names(world_, members);
        touched.insert(touched.end(), members.begin(), members.end());
        groups.push_back(std::move(members));
      }
      cuts.push_back(net.partition(groups));
      detail = "groups " + detail;
      break;
    }
    case PartitionFault::Shape::one_way: {
      Network::Selector from, to;
      for (const NodeRef& ref : fault.from) from.insert(from.end(), ref.nodes.begin(), ref.nodes.end());
      for (const NodeRef& ref : fault.to) to.insert(to.end(), ref.nodes.begin(), ref.nodes.end());
      cuts.push_back(net.partition_one_way(from, to));
      detail = join_names(world_, from) + " cannot reach " + join_names(world_, to);
      touched = from;
      touched.insert(touched.end(), to.begin(), to.end());
      break;
    }
    case PartitionFault::Shape::isolate: {
      const std::vector<NodeId>& isolated = fault.node.nodes;
      for (NodeId n : isolated) cuts.push_back(net.isolate(n));
      detail = join_names(world_, isolated) + " isolated";
      touched = isolated;
      break;
    }
  }
  if (fault.duration) detail += " for " + to_string(*fault.duration);
  note(no_node, "fault.partition", detail);
  applied_.back().nodes = distinct_names(world_, touched);
  open_window("partition");
  std::uint64_t id = applied_.size() - 1;  // its record, which its heal completes
  open_partitions_.emplace(id, std::move(cuts));
  if (fault.duration) {
    world_.schedule_after(*fault.duration, no_node, 0, [this, id] {
      auto it = open_partitions_.find(id);
      if (it == open_partitions_.end()) return;  // healed already
      for (std::uint64_t cut : it->second) world_.network().heal_partition(cut);
      open_partitions_.erase(it);
      applied_[id].until = world_.now();
      close_window("partition");
      note(no_node, "fault.heal", "partition ends");
    });
  }
}

void FaultInjector::heal() {
  world_.network().heal();
  for (const auto& [record, cuts] : open_partitions_) {
    applied_[record].until = world_.now();
    close_window("partition");
  }
  open_partitions_.clear();
  note(no_node, "fault.heal", "every partition removed");
}

void FaultInjector::drop_response(const LinkFault& fault) {
  const Network::Selector& from = fault.from.nodes;
  const Network::Selector& to = fault.to.nodes;
  SIM_ASSERT(!from.empty() && !to.empty(), "a link fault between unknown nodes");
  std::string detail = "replies " + join_names(world_, from) + " -> " + join_names(world_, to) + " lost";
  if (fault.duration) detail += " for " + to_string(*fault.duration);
  std::uint64_t id = world_.rpc().reply_drops().drop(from, to);
  reply_drops_ = true;
  note(no_node, "fault.drop_response", detail);
  open_window("link");
  if (fault.duration) {
    world_.schedule_after(*fault.duration, no_node, 0, [this, id, record = applied_.size() - 1] {
      world_.rpc().reply_drops().restore(id);
      applied_[record].until = world_.now();
      close_window("link");
    });
  }
}

void FaultInjector::link_fault(const LinkFault& fault) {
  if (fault.kind == LinkFault::Kind::drop_response) {
    drop_response(fault);
    return;
  }
  Network& net = world_.network();
  const Network::Selector& a = fault.from.nodes;
  const Network::Selector& b = fault.to.nodes;
  SIM_ASSERT(!a.empty() && !b.empty(), "a link fault between unknown nodes");
  LinkOptions options = net.link(a.front(), b.front() != a.front() ? b.front() : b.back());
  std::string detail = join_names(world_, a) + " <-> " + join_names(world_, b) + ": ";
  const char* kind = "fault.slow_link";
  switch (fault.kind) {
    case LinkFault::Kind::slow_link:
      options.latency = fault.latency;
      detail += "latency " + fault.latency.describe();
      break;
    case LinkFault::Kind::loss:
      options.loss = fault.ratio;
      kind = "fault.loss";
      detail += fmt::format("loss {}/{}", fault.ratio.num, fault.ratio.den);
      break;
    case LinkFault::Kind::duplicate:
      options.duplicate = fault.ratio;
      kind = "fault.duplicate";
      detail += fmt::format("duplicate {}/{}", fault.ratio.num, fault.ratio.den);
      break;
    case LinkFault::Kind::drop_response: break;  // drop_response above
  }
  if (fault.duration) detail += " for " + to_string(*fault.duration);
  std::uint64_t id = net.degrade(a, b, options);
  note(no_node, kind, detail);
  std::vector<NodeId> ends = a;
  ends.insert(ends.end(), b.begin(), b.end());
  applied_.back().nodes = distinct_names(world_, ends);
  open_window("link");
  if (fault.duration) {
    world_.schedule_after(*fault.duration, no_node, 0, [this, id, record = applied_.size() - 1] {
      world_.network().restore(id);
      applied_[record].until = world_.now();
      close_window("link");
    });
  }
}

}  // namespace sim
