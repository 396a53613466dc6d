#include "models/raft/group.hpp"

namespace raft {

void install_group(sim::World& world, const std::vector<sim::NodeId>& members, const RaftOptions& options,
                   MachineFactory factory, std::shared_ptr<Observer> observer, BootHook on_boot) {
  for (sim::NodeId node : members) {
    world.node(node).set_boot([&world, node, members, options, factory, observer, on_boot] {
      auto server = std::make_shared<Server>(world, node, members, options, factory(node), observer);
      world.node(node).set_process(server);
      server->start();
      if (on_boot) on_boot(*server);
    });
  }
}

Server* server_of(sim::World& world, sim::NodeId node) { return world.node(node).process<Server>(); }

}  // namespace raft
