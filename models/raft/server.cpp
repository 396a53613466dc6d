#include "models/raft/server.hpp"

#include <fmt/format.h>

#include "models/raft/client_messages.hpp"
#include "sim/kernel/spawn.hpp"

namespace raft {

std::string ProposeReply::describe() const {
  return fmt::format("ProposeReply {} {}@{}", to_string(outcome.status), outcome.index, outcome.term);
}

Server::Server(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, const RaftOptions& options,
               std::unique_ptr<StateMachine> machine, std::shared_ptr<Observer> observer)
    : world_(world),
      self_(self),
      machine_(std::move(machine)),
      raft_(world, self, std::move(members), options, *machine_, std::move(observer)) {}

void Server::start() {
  world_.rpc().serve(self_, [this](const sim::RpcRequest& request, sim::Responder responder) {
    receive(request, std::move(responder));
  });
  raft_.start();
}

void Server::receive(const sim::RpcRequest& request, sim::Responder responder) {
  if (raft_.handle(request, responder)) return;
  if (const auto* propose = dynamic_cast<const ProposeRequest*>(request.body.get())) {
    sim::spawn(world_.executor(self_), serve_proposal(std::move(responder), propose->command));
    return;
  }
  if (extra_) extra_(request, responder);
}

sim::Task<void> Server::serve_proposal(sim::Responder responder, std::string command) {
  auto reply = std::make_shared<ProposeReply>();
  reply->outcome = co_await raft_.propose(std::move(command), sim::use_awaitable);
  responder.reply(std::move(reply));
}

}  // namespace raft
