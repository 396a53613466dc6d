#include "models/raft/client.hpp"

#include <boost/asio/redirect_error.hpp>

#include "models/raft/client_messages.hpp"
#include "sim/kernel/rpc.hpp"

namespace raft {

Client::Client(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, ClientOptions options)
    : world_(world), self_(self), members_(std::move(members)), options_(options) {
  SIM_ASSERT(!members_.empty(), "a client needs at least one member");
}

sim::NodeId Client::next_target() {
  if (guess_) return *guess_;
  return members_[rotation_++ % members_.size()];
}

sim::Task<ClientOutcome> Client::propose(std::string command, sim::Duration patience) {
  sim::Executor ex = world_.executor(self_);
  const sim::Clock& clock = world_.node(self_).clock();
  sim::MonoTime deadline = clock.mono(world_.now()) + patience;
  ClientOutcome outcome;
  while (clock.mono(world_.now()) < deadline) {
    ++outcome.attempts;
    sim::NodeId target = next_target();
    auto request = std::make_shared<ProposeRequest>();
    request->command = command;
    sim::error_code ec;
    sim::MessagePtr reply = co_await world_.rpc().call(ex, target, std::move(request), options_.attempt_timeout,
                                                       boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* answer = ec ? nullptr : dynamic_cast<const ProposeReply*>(reply.get());
    if (answer && answer->outcome.status == ProposeStatus::committed) {
      guess_ = target;
      outcome.committed = true;
      outcome.index = answer->outcome.index;
      outcome.term = answer->outcome.term;
      outcome.result = answer->outcome.result;
      co_return outcome;
    }
    // Follow a hint to another node; otherwise forget the guess and move on around the group.
    if (answer && answer->outcome.leader_hint && *answer->outcome.leader_hint != target) {
      guess_ = answer->outcome.leader_hint;
      continue;
    }
    // Forget the guess, and go on with the member after this one, not back to it.
    guess_.reset();
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (members_[i] == target) rotation_ = i + 1;
    co_await sim::sleep(options_.retry_delay);
  }
  co_return outcome;
}

}  // namespace raft
