// Client proposals on the leader: appended, replicated, and answered when applied.
#include "models/raft/node.hpp"

namespace raft {

const char* to_string(ProposeStatus status) {
  switch (status) {
    case ProposeStatus::committed: return "committed";
    case ProposeStatus::not_leader: return "not_leader";
    case ProposeStatus::lost_leadership: return "lost_leadership";
    case ProposeStatus::cancelled: return "cancelled";
  }
  return "?";
}

void RaftNode::start_proposal(std::string command, std::unique_ptr<detail::ProposalWaiter> waiter) {
  if (role_ != Role::leader) {
    ProposeOutcome outcome;
    outcome.status = ProposeStatus::not_leader;
    outcome.leader_hint = leader_;
    return waiter->complete(ex_, std::move(outcome));
  }
  Index index = log_.last_index() + 1;
  // Cancellation is posted, so the waiter is never completed from inside its own slot.
  waiter->on_cancel([this, index] {
    world_.post(self_, ex_.incarnation(), [this, index] { cancel_proposal(index); });
  });
  pending_.emplace(index, PendingProposal{term_, std::move(waiter)});
  append_own(Entry{term_, EntryKind::command, std::move(command)});
}

void RaftNode::cancel_proposal(Index index) {
  auto it = pending_.find(index);
  if (it == pending_.end()) return;
  std::unique_ptr<detail::ProposalWaiter> waiter = std::move(it->second.waiter);
  pending_.erase(it);
  ProposeOutcome outcome;
  outcome.status = ProposeStatus::cancelled;
  outcome.index = index;
  outcome.term = term_;
  waiter->complete(ex_, std::move(outcome));
}

void RaftNode::settle_proposal(Index index, const Entry& entry, const std::string& result) {
  auto it = pending_.find(index);
  if (it == pending_.end()) return;
  std::unique_ptr<detail::ProposalWaiter> waiter = std::move(it->second.waiter);
  Term term = it->second.term;
  pending_.erase(it);
  ProposeOutcome outcome;
  outcome.index = index;
  outcome.term = term;
  if (entry.term == term) {
    outcome.status = ProposeStatus::committed;
    outcome.result = result;
  } else {
    outcome.status = ProposeStatus::lost_leadership;
    outcome.leader_hint = leader_;
  }
  waiter->complete(ex_, std::move(outcome));
}

void RaftNode::fail_proposals(ProposeStatus status) {
  std::map<Index, PendingProposal> failed;
  failed.swap(pending_);
  for (auto& [index, proposal] : failed) {
    ProposeOutcome outcome;
    outcome.status = status;
    outcome.index = index;
    outcome.term = proposal.term;
    outcome.leader_hint = leader_;
    proposal.waiter->complete(ex_, std::move(outcome));
  }
}

}  // namespace raft
