// The fault injector: resolves a scenario's node references to node ids once, when it builds
// its schedule, then applies the faults to the World and its network at their times. Random
// faults are drawn lazily, one pending per generator (random_faults.hpp). Every applied fault
// goes into the trace and into the list that reports show; each opens and closes the fault
// window that latencies are split by.
//
// Determinism: fixed faults are queued before the first event runs, in the order the scenario
// lists them, so faults at one time apply in that order; a fault that waits for an event is
// queued when the trace records it (fault_triggers.hpp); each random generator draws from its
// own stream ("faults/random/<index>").
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/fault_triggers.hpp"
#include "sim/kernel/fault_windows.hpp"
#include "sim/kernel/random_faults.hpp"
#include "sim/kernel/world.hpp"

namespace sim {

struct FaultRecord {
  Instant at;
  std::string node;  ///< "" for faults that concern no single node
  std::string kind;
  std::string detail;
  /// When a fault that lasts ended (a pause, a crash until its restart, a partition until its
  /// heal, a link fault until restored); absent for a fault of an instant or one still on.
  std::optional<Instant> until;
  /// Every node a fault of the network touches (a partition's members, an isolated node, a
  /// degraded link's ends), in the order the fault names them; empty for the others.
  std::vector<std::string> nodes{};
};

/// A fault a random generator drew that changed something when it applied (a pause of a node
/// already down does not), as it was drawn: what shrink turns into a fixed fault.
struct FiredRandomFault {
  Instant at;
  FaultAction action;
};

/// The injector keeps the fault windows: the World asks it, as a FaultWindowView, which one is
/// open when it files a latency, for as long as the injector lives.
class FaultInjector final : public FaultWindowView {
public:
  explicit FaultInjector(World& world);
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  /// Nodes a reference names: one node, every node with a role ("role:redis"), or all ("*").
  /// Empty when it names nothing.
  std::vector<NodeId> resolve(const NodeRef& ref) const;

  /// Resolves every node reference (each must name a node: the run checks them first),
  /// schedules the fixed faults, sets those with a trigger waiting for their event, and starts
  /// the random ones over [0, run_length).
  void schedule(std::vector<FaultSpec> faults, std::vector<RandomFaultSpec> random, Duration run_length);
  const std::vector<FaultRecord>& applied() const { return applied_; }
  const std::vector<FiredRandomFault>& random_fired() const { return random_fired_; }
  /// "pause" while any pause lasts, else "partition", else "other_fault", else "no_fault".
  std::string_view fault_window() const override { return windows_.current(); }
  /// When the faults last changed anything, and whether one is still in force: what the run
  /// hands the checkers that judge recovery.
  FaultActivity activity() const override { return windows_.activity(); }

private:
  struct Mechanism;
  void resolve_refs(std::vector<NodeRef*> refs) const;
  void apply(const FaultAction& action);
  void note(NodeId node, std::string_view trace_kind, std::string detail);
  void pause(NodeId node, Duration length);
  void clock_step(NodeId node, Duration by);
  void clock_drift(NodeId node, std::int64_t ppm);
  void crash(NodeId node, std::optional<Duration> restart_after, bool lose_unsynced);
  void restart(NodeId node);
  void partition(const PartitionFault& fault);
  void link_fault(const LinkFault& fault);
  void drop_response(const LinkFault& fault);
  void heal();
  void start_random(RandomFaultSpec& spec, std::size_t index, Duration run_length);
  void arm(RandomFaultGenerator& generator);

  void end_pause(NodeId node);

  void open_window(std::string_view kind);
  void close_window(std::string_view kind);

  World& world_;
  FaultWindows windows_;
  std::vector<FaultRecord> applied_;
  std::vector<FiredRandomFault> random_fired_;
  /// Each partition fault, as the network cuts it made (one per node for a role isolated).
  /// Keyed by the partition's index in applied_, which its heal completes.
  std::map<std::uint64_t, std::vector<std::uint64_t>> open_partitions_;
  /// The pause each paused node is in, by its index in applied_: its end applies only to it.
  std::map<NodeId, std::uint64_t> open_pauses_;
  std::vector<std::pair<NodeId, std::size_t>> crashed_;  // nodes whose "crash" window is open, and their record
  bool reply_drops_ = false;  // a drop_response applied: its drops are forgotten with the injector
  std::vector<std::unique_ptr<RandomFaultGenerator>> generators_;  // queued events point at them
  FaultTriggers triggers_{world_, [this](const FaultAction& action) { apply(action); }};
};

}  // namespace sim
