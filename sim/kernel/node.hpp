// A node: one process on one machine. It has a name, role tags, clocks, a disk, a state (up,
// paused, crashed) and an incarnation number that a restart increases.
//
// Fault model: a crash destroys every pending continuation of the node and its volatile state
// (the process object); a restart boots the model's code again with only what the disk had
// synced. A pause freezes the node: work due to it waits, in order, until the pause ends.
//
// Determinism: nodes are numbered in the order they were added; nothing is keyed by address.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/kernel/clock.hpp"
#include "sim/kernel/disk.hpp"
#include "sim/kernel/queued_event.hpp"

namespace sim {

enum class NodeState { up, paused, crashed };
const char* to_string(NodeState state);

class Node {
public:
  Node(NodeId id, std::string name, std::vector<std::string> roles, const ClockOptions& clock)
      : id_(id), name_(std::move(name)), roles_(std::move(roles)), clock_(clock) {}

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& roles() const { return roles_; }
  bool has_role(std::string_view role) const;
  NodeState state() const { return state_; }
  bool is_up() const { return state_ == NodeState::up; }
  std::uint32_t incarnation() const { return incarnation_; }
  /// How many times the machine under the process died (a crash that lost unsynced writes):
  /// what its kernel still had to send went with it.
  std::uint32_t machine_crashes() const { return machine_crashes_; }
  Clock& clock() { return clock_; }
  const Clock& clock() const { return clock_; }
  Disk& disk() { return disk_; }

  /// The model's code for this node, run at the start and after every restart.
  void set_boot(std::function<void()> boot) { boot_ = std::move(boot); }
  /// The volatile state of the running process; dropped by a crash, after every continuation
  /// that could refer to it has been destroyed.
  void set_process(std::shared_ptr<void> process) { process_ = std::move(process); }
  template <class T>
  T* process() const { return static_cast<T*>(process_.get()); }

private:
  friend class World;

  NodeId id_;
  std::string name_;
  std::vector<std::string> roles_;
  Clock clock_;
  Disk disk_;
  NodeState state_ = NodeState::up;
  std::uint32_t incarnation_ = 0;
  std::uint32_t machine_crashes_ = 0;
  std::function<void()> boot_;
  std::shared_ptr<void> process_;
  std::vector<QueuedEvent> deferred_;  // work that came due while paused, in order
  Instant paused_until_;
};

}  // namespace sim
