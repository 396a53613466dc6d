// One member of a Raft group, as Figure 2 of the extended Raft paper states it: leader
// election with randomized timeouts, log replication with the consistency check and conflict
// truncation, commitment by majority of entries of the leader's own term only (§5.4.2), a
// no-op at the start of each leader's term, in-order apply, and persistence of currentTerm,
// votedFor and the log before any reply that depends on them.
//
// Fault model: the node lives in its process; a crash destroys it with every coroutine it
// started, and a restart builds a new one that reads its durable state back (storage.hpp)
// and applies its log again from the start as entries are found committed. Timers (election
// timeout, heartbeats, RPC timeouts) run on the node's monotonic clock, so drift stretches
// them and a pause delays them.
//
// Determinism: election timeouts come from the stream "raft/<node>/<incarnation>"; peers are
// kept in member order; pending proposals in an ordered map.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "models/raft/log.hpp"
#include "models/raft/messages.hpp"
#include "models/raft/observer.hpp"
#include "models/raft/options.hpp"
#include "models/raft/proposal.hpp"
#include "models/raft/state_machine.hpp"
#include "models/raft/storage.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/timer.hpp"

namespace raft {

class RaftNode {
public:
  /// Called after the node's role or term changes (the lock layer refreshes leases then).
  using RoleListener = std::function<void(Role role, Term term)>;

  /// `members`: every node of the group, this one included, in a fixed order.
  RaftNode(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, RaftOptions options,
           StateMachine& machine, std::shared_ptr<Observer> observer);
  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  /// Reads the durable state back and starts the election clock. Call once, from boot code.
  void start();
  /// Handles a RequestVote or AppendEntries; false (and `responder` untouched) for any other
  /// message.
  bool handle(const sim::RpcRequest& request, sim::Responder& responder);

  /// Proposes `command`; must be called on this node's executor. Completion:
  /// void(ProposeOutcome). Cancellation through the token's slot completes it "cancelled".
  template <class Token>
  auto propose(std::string command, Token&& token) {
    return boost::asio::async_initiate<Token, void(ProposeOutcome)>(
        [this](auto handler, std::string c) {
          using Handler = std::decay_t<decltype(handler)>;
          start_proposal(std::move(c), std::make_unique<detail::TypedProposalWaiter<Handler>>(std::move(handler)));
        },
        token, std::move(command));
  }

  void set_role_listener(RoleListener listener) { role_listener_ = std::move(listener); }

  sim::NodeId id() const { return self_; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  std::optional<sim::NodeId> voted_for() const { return voted_for_; }
  std::optional<sim::NodeId> leader() const { return leader_; }
  Index commit_index() const { return commit_; }
  /// A leader whose state machine has caught up with everything committed before its term
  /// (its own no-op is applied): only then may it answer from that state.
  bool leader_ready() const { return role_ == Role::leader && applied_ >= term_start_; }
  /// A leader that a majority (itself included) answered within election_timeout_min,
  /// counting from when each answered request was sent. Under check_quorum no other leader
  /// can have been elected since, clocks running true.
  bool has_fresh_quorum() const;
  Index last_applied() const { return applied_; }
  const Log& log() const { return log_; }

private:
  /// A follower's replication state, as the leader keeps it.
  struct Progress {
    sim::NodeId peer = sim::no_node;
    Index next_index = 1;
    Index match_index = 0;
    sim::MonoTime answered_sent_mono = sim::MonoTime::min();  // send time of the latest answered request
    boost::asio::cancellation_signal wake;  // cuts the heartbeat wait short when entries arrive
  };
  /// Everything that lives only as long as one leadership: its replication coroutines hold it.
  struct Leadership {
    Term term = 0;
    std::vector<std::unique_ptr<Progress>> peers;  // in member order, self excluded
  };
  struct PendingProposal {
    Term term = 0;
    std::unique_ptr<detail::ProposalWaiter> waiter;
  };

  // node.cpp: time, roles, persistence, apply.
  sim::MonoTime mono_now() const;
  void reset_election_deadline();
  std::size_t majority() const { return members_.size() / 2 + 1; }
  /// The latest time by which a majority had answered the leader (see has_fresh_quorum).
  sim::MonoTime quorum_contact_mono() const;
  /// check_quorum: whether a RequestVote must be ignored, a leader being known and alive.
  bool in_leader_lease() const;
  void become_follower(Term term);
  void set_role(Role role);
  void persist_term_and_vote();
  /// After every write made so far is durable, runs `then` (on this node, unless it crashed).
  void after_sync(std::function<void()> then);
  /// Answers once every write so far is durable, after running `then` (if any).
  void reply_after_sync(sim::Responder responder, sim::MessagePtr reply, std::function<void()> then = {});
  void append_own(Entry entry);
  void truncate_from(Index from);
  void note_durable(Index up_to, std::uint64_t generation);
  /// Moves the commit index forward to `index`, never back, and applies up to it.
  void commit_to(Index index);
  void apply_committed();

  // election.cpp
  sim::Task<void> run_election_clock();
  void start_election();
  sim::Task<void> ask_for_vote(sim::NodeId peer, Term term);
  void on_vote_reply(sim::NodeId peer, Term term, const VoteReply& reply);
  void become_leader();
  void on_request_vote(const RequestVote& request, sim::Responder responder);

  // replication.cpp
  bool leads(const std::shared_ptr<Leadership>& leadership) const {
    return role_ == Role::leader && leadership_ == leadership;
  }
  sim::Task<void> replicate(std::shared_ptr<Leadership> leadership, Progress* progress);
  std::shared_ptr<AppendEntries> make_append(Index next_index) const;
  void on_append_reply(Progress& progress, const AppendEntries& request, const AppendReply& reply);
  void advance_commit();
  void wake_replicators();
  void on_append_entries(const AppendEntries& request, sim::Responder responder);
  /// Figure 2's receiver steps 3 and 4: drop conflicting entries, append the new ones.
  void merge_entries(const AppendEntries& request);

  // proposal.cpp
  void start_proposal(std::string command, std::unique_ptr<detail::ProposalWaiter> waiter);
  void cancel_proposal(Index index);
  void settle_proposal(Index index, const Entry& entry, const std::string& result);
  void fail_proposals(ProposeStatus status);

  sim::World& world_;
  sim::NodeId self_;
  sim::Executor ex_;
  std::vector<sim::NodeId> members_;
  RaftOptions options_;
  StateMachine& machine_;
  std::shared_ptr<Observer> observer_;
  Storage storage_;
  sim::Rng rng_;
  RoleListener role_listener_;

  // Persistent (Figure 2), mirrored on disk by storage_.
  Term term_ = 0;
  std::optional<sim::NodeId> voted_for_;
  Log log_;

  // Volatile.
  Role role_ = Role::follower;
  std::optional<sim::NodeId> leader_;
  Index commit_ = 0;
  Index applied_ = 0;
  sim::MonoTime election_deadline_;      // on this node's monotonic clock
  Index durable_ = 0;                    // the log is durable up to here
  Index term_start_ = 0;                 // leader: the index of its term's no-op
  sim::MonoTime leader_since_mono_;      // leader: when it won
  sim::MonoTime leader_contact_mono_ = sim::MonoTime::min();  // follower: when the leader last reached it
  std::uint64_t log_generation_ = 0;    // bumped by every truncation
  std::set<sim::NodeId> votes_;         // candidate: who granted this term's vote
  std::shared_ptr<Leadership> leadership_;
  std::map<Index, PendingProposal> pending_;
};

}  // namespace raft
