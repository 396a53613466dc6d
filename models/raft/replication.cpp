// Log replication (§5.3) and commitment (§5.4.2): the leader's replication loop per follower,
// AppendEntries on the follower's side, and the commit rule.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/redirect_error.hpp>

#include "models/raft/node.hpp"

namespace raft {

sim::Task<void> RaftNode::replicate(std::shared_ptr<Leadership> leadership, Progress* progress) {
  // One AppendEntries in flight per follower; a refusal or a backlog sends the next at once,
  // an idle follower gets a heartbeat every heartbeat_interval, new entries cut that short.
  while (leads(leadership)) {
    std::shared_ptr<AppendEntries> request = make_append(progress->next_index);
    sim::MonoTime sent = mono_now();
    sim::error_code ec;
    sim::MessagePtr reply = co_await world_.rpc().call(ex_, progress->peer, request, options_.rpc_timeout,
                                                       boost::asio::redirect_error(sim::use_awaitable, ec));
    if (!leads(leadership)) co_return;
    if (ec) continue;  // the call already waited its timeout: resend now
    if (const auto* append = dynamic_cast<const AppendReply*>(reply.get())) {
      if (append->term == term_) progress->answered_sent_mono = std::max(progress->answered_sent_mono, sent);
      on_append_reply(*progress, *request, *append);
    }
    if (!leads(leadership)) co_return;
    if (progress->next_index <= log_.last_index()) continue;
    co_await sim::sleep_for(ex_, options_.heartbeat_interval,
                            boost::asio::bind_cancellation_slot(progress->wake.slot(),
                                                                boost::asio::redirect_error(sim::use_awaitable, ec)));
  }
}

std::shared_ptr<AppendEntries> RaftNode::make_append(Index next_index) const {
  auto request = std::make_shared<AppendEntries>();
  request->term = term_;
  request->leader = self_;
  request->prev_log_index = next_index - 1;
  request->prev_log_term = log_.term_at(next_index - 1);
  request->entries = log_.slice(next_index, options_.max_batch);
  request->leader_commit = commit_;
  return request;
}

void RaftNode::on_append_reply(Progress& progress, const AppendEntries& request, const AppendReply& reply) {
  if (reply.term > term_) return become_follower(reply.term);
  if (reply.success) {
    progress.match_index = std::max(progress.match_index, reply.match_index);
    progress.next_index = std::max(progress.next_index, progress.match_index + 1);
    advance_commit();
    return;
  }
  // Back off to where the follower says its log could match; never past the request's own
  // previous entry, so every refusal makes progress.
  Index retry = std::min(reply.retry_index, request.prev_log_index);
  progress.next_index = std::max<Index>(1, retry);
}

void RaftNode::advance_commit() {
  if (role_ != Role::leader) return;
  // Only an entry of the leader's own term is committed by counting replicas (§5.4.2); the
  // entries before it commit with it. Terms only grow along the log, so stop at an older one.
  for (Index n = log_.last_index(); n > commit_ && log_.term_at(n) == term_; --n) {
    std::size_t replicas = durable_ >= n ? 1 : 0;
    for (const auto& progress : leadership_->peers)
      if (progress->match_index >= n) ++replicas;
    if (replicas >= majority()) return commit_to(n);
  }
}

void RaftNode::wake_replicators() {
  if (!leadership_) return;
  for (auto& progress : leadership_->peers) progress->wake.emit(boost::asio::cancellation_type::terminal);
}

void RaftNode::on_append_entries(const AppendEntries& request, sim::Responder responder) {
  auto reply = std::make_shared<AppendReply>();
  if (request.term < term_) {
    reply->term = term_;
    return reply_after_sync(std::move(responder), std::move(reply));
  }
  // A current leader exists: a candidate of this term, or anyone of an older one, follows it.
  become_follower(request.term);
  leader_ = request.leader;
  leader_contact_mono_ = mono_now();
  reset_election_deadline();
  reply->term = term_;
  if (request.prev_log_index > log_.last_index()) {
    reply->retry_index = log_.last_index() + 1;
  } else if (log_.term_at(request.prev_log_index) != request.prev_log_term) {
    reply->retry_index = log_.first_of_term_before(request.prev_log_index);
  } else {
    merge_entries(request);
    reply->success = true;
    reply->match_index = request.prev_log_index + request.entries.size();
    // Only up to the last entry this request vouches for: beyond it the log may still hold
    // entries of a deposed leader.
    Index commit = std::min(request.leader_commit, reply->match_index);
    if (commit > commit_) commit_to(commit);
    // Once this reply's sync is done, so is every entry it vouches for.
    Index durable = reply->match_index;
    return reply_after_sync(std::move(responder), std::move(reply),
                            [this, durable, generation = log_generation_] { note_durable(durable, generation); });
  }
  reply_after_sync(std::move(responder), std::move(reply));
}

void RaftNode::merge_entries(const AppendEntries& request) {
  Index index = request.prev_log_index;
  for (const Entry& entry : request.entries) {
    ++index;
    if (log_.has(index)) {
      // An entry already there with the same term is the same entry (Log Matching): keep it,
      // so a late, shorter request never cuts off what a newer one appended.
      if (log_.term_at(index) == entry.term) continue;
      truncate_from(index);
    }
    log_.append(entry);
    storage_.save_entry(index, entry);
  }
}

}  // namespace raft
