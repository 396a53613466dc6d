// A Raft group on a World: one Server process per member node, booted (and rebooted after
// each crash) by the node's boot code.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "models/raft/server.hpp"

namespace raft {

/// Makes a fresh, empty state machine for a booting member.
using MachineFactory = std::function<std::unique_ptr<StateMachine>(sim::NodeId node)>;
/// Runs after a member's server is built and started (the lock layer adds its handlers here).
using BootHook = std::function<void(Server& server)>;

/// Installs the boot code of each member. Call before World::boot_all().
void install_group(sim::World& world, const std::vector<sim::NodeId>& members, const RaftOptions& options,
                   MachineFactory factory, std::shared_ptr<Observer> observer, BootHook on_boot = {});

/// The running server of `node`; nullptr while the node is crashed.
Server* server_of(sim::World& world, sim::NodeId node);

}  // namespace raft
