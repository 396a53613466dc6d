// Leader election (§5.2, §5.4.1): the election clock, RequestVote on both sides, and the
// start of a leadership.
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include "models/raft/node.hpp"
#include "sim/kernel/spawn.hpp"

namespace raft {

sim::Task<void> RaftNode::run_election_clock() {
  for (;;) {
    if (role_ == Role::leader) {
      // A leader never times out; under check_quorum it steps down once a majority has
      // stopped answering (after a first full timeout to gather answers).
      bool settled = mono_now() - leader_since_mono_ >= options_.election_timeout_min;
      if (!options_.check_quorum || !settled || has_fresh_quorum()) {
        co_await sim::sleep(options_.heartbeat_interval);
        continue;
      }
      world_.trace().record(world_.now(), self_, "raft.step_down", fmt::format("term {}: no quorum", term_));
      leader_.reset();
      set_role(Role::follower);
    }
    sim::MonoTime now = mono_now();
    if (now < election_deadline_) {
      co_await sim::sleep(election_deadline_ - now);
      continue;
    }
    if (role_ != Role::leader) start_election();
  }
}

void RaftNode::start_election() {
  SIM_ASSERT(role_ != Role::leader,
             fmt::format("{} leads term {} and started an election", world_.node(self_).name(), term_));
  term_ += 1;
  voted_for_ = self_;
  leader_.reset();
  votes_.clear();
  persist_term_and_vote();
  reset_election_deadline();
  role_ = Role::candidate;  // never from leader: a leader does not time out
  if (role_listener_) role_listener_(role_, term_);
  world_.trace().record(world_.now(), self_, "raft.election", fmt::format("term {}", term_));
  Term term = term_;
  // Its own vote counts only once it is durable: a candidate that crashed before the sync
  // could otherwise come back and vote for another in the same term.
  after_sync([this, term] {
    if (role_ != Role::candidate || term_ != term) return;
    votes_.insert(self_);
    if (votes_.size() >= majority()) return become_leader();
    for (sim::NodeId peer : members_)
      if (peer != self_) sim::spawn(ex_, ask_for_vote(peer, term));
  });
}

sim::Task<void> RaftNode::ask_for_vote(sim::NodeId peer, Term term) {
  // Resent after each timeout while the election lasts, as Figure 2 asks.
  while (role_ == Role::candidate && term_ == term) {
    auto request = std::make_shared<RequestVote>();
    request->term = term;
    request->candidate = self_;
    request->last_log_index = log_.last_index();
    request->last_log_term = log_.last_term();
    sim::error_code ec;
    sim::MessagePtr reply = co_await world_.rpc().call(ex_, peer, std::move(request), options_.rpc_timeout,
                                                       boost::asio::redirect_error(sim::use_awaitable, ec));
    if (ec) continue;
    if (const auto* vote = dynamic_cast<const VoteReply*>(reply.get())) on_vote_reply(peer, term, *vote);
    co_return;
  }
}

void RaftNode::on_vote_reply(sim::NodeId peer, Term term, const VoteReply& reply) {
  if (reply.term > term_) return become_follower(reply.term);
  if (role_ != Role::candidate || term_ != term || !reply.granted) return;
  votes_.insert(peer);
  if (votes_.size() >= majority()) become_leader();
}

void RaftNode::become_leader() {
  SIM_ASSERT(role_ == Role::candidate,
             fmt::format("{} became leader of term {} without standing", world_.node(self_).name(), term_));
  SIM_ASSERT(votes_.size() >= majority() && votes_.count(self_) == 1,
             fmt::format("{} became leader of term {} with {} of {} votes", world_.node(self_).name(), term_,
                         votes_.size(), members_.size()));
  leader_ = self_;
  leader_since_mono_ = mono_now();
  auto leadership = std::make_shared<Leadership>();
  leadership->term = term_;
  for (sim::NodeId peer : members_) {
    if (peer == self_) continue;
    auto progress = std::make_unique<Progress>();
    progress->peer = peer;
    progress->next_index = log_.last_index() + 1;
    leadership->peers.push_back(std::move(progress));
  }
  leadership_ = leadership;
  set_role(Role::leader);
  world_.trace().record(world_.now(), self_, "raft.leader", fmt::format("term {}", term_));
  if (observer_) observer_->on_elected(self_, term_, world_.now());
  // The no-op lets the leader commit, and so learn the commit point of earlier terms (§8).
  append_own(Entry{term_, EntryKind::noop, {}});
  term_start_ = log_.last_index();
  for (auto& progress : leadership->peers) sim::spawn(ex_, replicate(leadership, progress.get()));
}

void RaftNode::on_request_vote(const RequestVote& request, sim::Responder responder) {
  if (options_.check_quorum && request.term > term_ && in_leader_lease()) {
    // A leader is alive: this candidate was merely cut off. Ignored, term and all (§4.2.3).
    auto refusal = std::make_shared<VoteReply>();
    refusal->term = term_;
    return reply_after_sync(std::move(responder), std::move(refusal));
  }
  if (request.term > term_) become_follower(request.term);
  bool granted = false;
  if (request.term == term_ && (!voted_for_ || *voted_for_ == request.candidate) &&
      log_.candidate_is_up_to_date(request.last_log_term, request.last_log_index)) {
    voted_for_ = request.candidate;
    persist_term_and_vote();
    reset_election_deadline();
    granted = true;
  }
  auto reply = std::make_shared<VoteReply>();
  reply->term = term_;
  reply->granted = granted;
  reply_after_sync(std::move(responder), std::move(reply));
}

}  // namespace raft
