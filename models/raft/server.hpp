// A Raft group member's whole process: the Raft node, its state machine, and the network
// front that serves Raft's RPCs and clients' proposals. Built by the node's boot code, so a
// crash drops all of it and a restart starts again from the disk.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "models/raft/node.hpp"

namespace raft {

class Server {
public:
  /// Serves a request that is neither Raft's nor a proposal; false leaves it unanswered.
  using ExtraHandler = std::function<bool(const sim::RpcRequest& request, sim::Responder& responder)>;

  Server(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, const RaftOptions& options,
         std::unique_ptr<StateMachine> machine, std::shared_ptr<Observer> observer);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts serving and starts the Raft node.
  void start();
  void set_extra_handler(ExtraHandler handler) { extra_ = std::move(handler); }

  RaftNode& raft() { return raft_; }
  const RaftNode& raft() const { return raft_; }
  StateMachine& machine() { return *machine_; }

private:
  void receive(const sim::RpcRequest& request, sim::Responder responder);
  sim::Task<void> serve_proposal(sim::Responder responder, std::string command);

  sim::World& world_;
  sim::NodeId self_;
  std::unique_ptr<StateMachine> machine_;
  RaftNode raft_;
  ExtraHandler extra_;
};

}  // namespace raft
