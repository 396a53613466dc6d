#include "models/raft/node.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/disk_sync.hpp"
#include "sim/kernel/spawn.hpp"

namespace raft {

RaftNode::RaftNode(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, RaftOptions options,
                   StateMachine& machine, std::shared_ptr<Observer> observer)
    : world_(world),
      self_(self),
      ex_(world.executor(self)),
      members_(std::move(members)),
      options_(options),
      machine_(machine),
      observer_(std::move(observer)),
      storage_(world.node(self).disk()),
      rng_(world.rng(fmt::format("raft/{}/{}", world.node(self).name(), world.node(self).incarnation()))) {
  SIM_ASSERT(options_.election_timeout_min > sim::Duration::zero() &&
                 options_.election_timeout_min <= options_.election_timeout_max,
             "election timeouts must satisfy 0 < min <= max");
  SIM_ASSERT(options_.max_batch >= 1, "max_batch must be at least 1");
}

void RaftNode::start() {
  DurableState durable = storage_.load();
  term_ = durable.term;
  voted_for_ = durable.voted_for;
  log_ = std::move(durable.log);
  durable_ = log_.last_index();
  world_.trace().record(world_.now(), self_, "raft.recover",
                        fmt::format("term {} vote {} log {}@{}", term_,
                                    voted_for_ ? world_.node(*voted_for_).name() : std::string("-"),
                                    log_.last_index(), log_.last_term()));
  reset_election_deadline();
  sim::spawn(ex_, run_election_clock());
}

sim::MonoTime RaftNode::mono_now() const { return world_.node(self_).clock().mono(world_.now()); }

void RaftNode::reset_election_deadline() {
  std::int64_t timeout = rng_.between(options_.election_timeout_min.ns(), options_.election_timeout_max.ns());
  election_deadline_ = mono_now() + sim::Duration::nanoseconds(timeout);
}

void RaftNode::set_role(Role role) {
  if (role == role_) return;
  if (role_ == Role::leader) {
    fail_proposals(ProposeStatus::lost_leadership);
    leadership_.reset();
    reset_election_deadline();
  }
  role_ = role;
  if (role_listener_) role_listener_(role_, term_);
}

void RaftNode::become_follower(Term term) {
  SIM_ASSERT(term >= term_, fmt::format("{} would go back from term {} to {}", world_.node(self_).name(), term_, term));
  if (term > term_) {
    term_ = term;
    voted_for_.reset();
    leader_.reset();
    persist_term_and_vote();
    if (role_ == Role::follower && role_listener_) role_listener_(role_, term_);
  }
  set_role(Role::follower);
}

sim::MonoTime RaftNode::quorum_contact_mono() const {
  if (!leadership_) return sim::MonoTime::min();
  std::vector<sim::MonoTime> answered;
  for (const auto& progress : leadership_->peers) answered.push_back(progress->answered_sent_mono);
  std::sort(answered.begin(), answered.end(), std::greater<>());
  std::size_t peers_needed = majority() - 1;  // the leader counts itself
  if (peers_needed == 0) return mono_now();
  return answered[peers_needed - 1];
}

bool RaftNode::has_fresh_quorum() const {
  if (role_ != Role::leader) return false;
  sim::MonoTime contact = quorum_contact_mono();
  return contact != sim::MonoTime::min() && mono_now() - contact < options_.election_timeout_min;
}

bool RaftNode::in_leader_lease() const {
  if (role_ == Role::leader) return has_fresh_quorum();
  return leader_ && leader_contact_mono_ != sim::MonoTime::min() &&
         mono_now() - leader_contact_mono_ < options_.election_timeout_min;
}

void RaftNode::persist_term_and_vote() { storage_.save_term_and_vote(term_, voted_for_); }

void RaftNode::after_sync(std::function<void()> then) {
  sim::sync_disk(ex_, [then = std::move(then)](sim::error_code ec) {
    if (!ec) then();
  });
}

void RaftNode::reply_after_sync(sim::Responder responder, sim::MessagePtr reply, std::function<void()> then) {
  // The reply may rest on any write made so far (a vote, a term, entries of an earlier
  // request whose sync is still running): a sync started now covers all of them.
  sim::sync_disk(ex_, [responder = std::move(responder), reply = std::move(reply),
                       then = std::move(then)](sim::error_code ec) mutable {
    if (ec) return;
    if (then) then();
    responder.reply(std::move(reply));
  });
}

void RaftNode::append_own(Entry entry) {
  SIM_ASSERT(role_ == Role::leader && entry.term == term_,
             fmt::format("{} appended an entry of term {} as a non-leader of term {}", world_.node(self_).name(),
                         entry.term, term_));
  log_.append(std::move(entry));
  Index index = log_.last_index();
  storage_.save_entry(index, log_.at(index));
  after_sync([this, index, generation = log_generation_] { note_durable(index, generation); });
  wake_replicators();
}

void RaftNode::truncate_from(Index from) {
  SIM_ASSERT(from > commit_, fmt::format("{} would truncate committed entry {} (commit {})",
                                         world_.node(self_).name(), from, commit_));
  storage_.truncate(from, log_.last_index());
  log_.truncate_from(from);
  ++log_generation_;
  durable_ = std::min(durable_, from - 1);
}

void RaftNode::note_durable(Index up_to, std::uint64_t generation) {
  // A sync that started before a truncation may not cover the entries written after it.
  if (generation != log_generation_) return;
  durable_ = std::max(durable_, std::min(up_to, log_.last_index()));
  advance_commit();
}

void RaftNode::commit_to(Index index) {
  SIM_ASSERT(index > commit_ && index <= log_.last_index(),
             fmt::format("{} would move its commit index from {} to {} (log ends at {})", world_.node(self_).name(),
                         commit_, index, log_.last_index()));
  commit_ = index;
  apply_committed();
}

void RaftNode::apply_committed() {
  while (applied_ < commit_) {
    Index index = ++applied_;
    const Entry& entry = log_.at(index);
    std::string result;
    if (entry.kind == EntryKind::command) result = machine_.apply(index, entry.command);
    world_.trace().fold(world_.now(), self_, "raft.apply", static_cast<std::int64_t>(index),
                        static_cast<std::int64_t>(entry.term));
    if (observer_) observer_->on_applied(self_, ex_.incarnation(), index, entry, result, world_.now());
    settle_proposal(index, entry, result);
  }
}

}  // namespace raft

namespace raft {

bool RaftNode::handle(const sim::RpcRequest& request, sim::Responder& responder) {
  if (const auto* append = dynamic_cast<const AppendEntries*>(request.body.get())) {
    on_append_entries(*append, std::move(responder));
    return true;
  }
  if (const auto* vote = dynamic_cast<const RequestVote*>(request.body.get())) {
    on_request_vote(*vote, std::move(responder));
    return true;
  }
  return false;
}

}  // namespace raft
