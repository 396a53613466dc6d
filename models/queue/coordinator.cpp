#include "models/queue/coordinator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "models/queue/assignor.hpp"
#include "models/queue/recorder.hpp"
#include "models/queue/sink.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

constexpr sim::Duration initial_rebalance_delay = sim::Duration::seconds(3);  // Kafka's default
constexpr sim::Duration session_check = sim::Duration::milliseconds(100);

}  // namespace

GroupCoordinator::GroupCoordinator(Context& context, sim::NodeId self) : context_(context), self_(self) {}

std::vector<Offset>& GroupCoordinator::committed() {
  return context_.disks[static_cast<std::size_t>(Context::coordinator)].committed;
}

int& GroupCoordinator::generation() {
  return context_.disks[static_cast<std::size_t>(Context::coordinator)].group_generation;
}

void GroupCoordinator::start() { sim::spawn(context_.world.executor(self_), run_sessions()); }

bool GroupCoordinator::receive(const sim::MessageBody* body, sim::Responder& responder) {
  if (const auto* join = dynamic_cast<const JoinGroupRequest*>(body)) {
    on_join(*join, std::move(responder));
  } else if (const auto* beat = dynamic_cast<const GroupHeartbeat*>(body)) {
    on_heartbeat(*beat, std::move(responder));
  } else if (const auto* leave = dynamic_cast<const LeaveGroupRequest*>(body)) {
    on_leave(*leave, std::move(responder));
  } else if (const auto* commit = dynamic_cast<const OffsetCommitRequest*>(body)) {
    on_commit(*commit, std::move(responder));
  } else if (const auto* txn = dynamic_cast<const TxnOffsetCommitRequest*>(body)) {
    on_txn_commit(*txn, std::move(responder));
  } else if (const auto* fetch = dynamic_cast<const OffsetFetchRequest*>(body)) {
    on_offset_fetch(*fetch, std::move(responder));
  } else {
    return false;
  }
  return true;
}

void GroupCoordinator::on_join(const JoinGroupRequest& request, sim::Responder responder) {
  bool known = members_.count(request.member) > 0;
  Member& m = members_[request.member];
  m.last_heartbeat = now();
  m.join = std::move(responder);
  bool current = known && request.generation == generation();
  m.owned = current && context_.options.rebalance_protocol == RebalanceProtocol::cooperative ? request.owned
                                                                                               : std::vector<int>{};
  if (!rebalancing_) {
    if (members_.size() == 1 && !known) not_before_ = now() + initial_rebalance_delay;
    prepare_rebalance(fmt::format("member {} joins", request.member + 1));
  }
  maybe_complete();
}

void GroupCoordinator::on_heartbeat(const GroupHeartbeat& request, sim::Responder responder) {
  auto reply = std::make_shared<GroupReply>();
  auto it = members_.find(request.member);
  if (it == members_.end()) {
    reply->error = Error::unknown_member_id;
  } else {
    it->second.last_heartbeat = now();
    if (rebalancing_)
      reply->error = Error::rebalance_in_progress;
    else if (request.generation != generation())
      reply->error = Error::illegal_generation;
  }
  responder.reply(std::move(reply));
}

void GroupCoordinator::on_leave(const LeaveGroupRequest& request, sim::Responder responder) {
  if (members_.count(request.member)) remove(request.member, "it left (max.poll.interval.ms passed)");
  responder.reply(std::make_shared<GroupReply>());
}

// Accepted only from a known member of the current generation; the offsets are kept on the
// coordinator's machine.
Error GroupCoordinator::refused(int member, int generation) {
  auto it = members_.find(member);
  Error error = it == members_.end()            ? Error::unknown_member_id
                : generation != this->generation() ? Error::illegal_generation
                                                    : Error::none;
  if (error != Error::none)
    context_.world.trace().record(now(), self_, "queue.commit_refused",
                                  fmt::format("member {} generation {}: {}", member + 1, generation, to_string(error)));
  else
    it->second.last_heartbeat = now();
  return error;
}

void GroupCoordinator::on_commit(const OffsetCommitRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<GroupReply>();
  reply->error = refused(request.member, request.generation);
  if (reply->error != Error::none) {
    responder.reply(std::move(reply));
    return;
  }
  for (const auto& [p, offset] : request.offsets) {
    committed()[static_cast<std::size_t>(p)] = offset;
    context_.recorder->committed(Commit{request.member, p, offset, now()});
  }
  responder.reply(std::move(reply));
}

// The output and the offsets of one transaction, both or neither.
void GroupCoordinator::on_txn_commit(const TxnOffsetCommitRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<GroupReply>();
  reply->error = refused(request.member, request.generation);
  if (reply->error == Error::none) {
    for (const auto& [p, base, count] : request.writes)
      context_.recorder->processed(Processing{request.member, request.generation, p, base, count,
                                              context_.sink->apply(p, base, count), now()});
    for (const auto& [p, offset] : request.offsets) {
      committed()[static_cast<std::size_t>(p)] = offset;
      context_.recorder->committed(Commit{request.member, p, offset, now()});
    }
  }
  responder.reply(std::move(reply));
}

void GroupCoordinator::on_offset_fetch(const OffsetFetchRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<GroupReply>();
  for (int p : request.partitions) reply->offsets.emplace_back(p, committed()[static_cast<std::size_t>(p)]);
  responder.reply(std::move(reply));
}

sim::Task<void> GroupCoordinator::run_sessions() {
  for (;;) {
    co_await sim::sleep(session_check);
    expire_sessions();
    if (rebalancing_ && now() >= rebalance_deadline_) {
      std::vector<int> late;
      for (const auto& [index, m] : members_)
        if (!m.join) late.push_back(index);
      for (int index : late) remove(index, "it did not rejoin within the rebalance timeout");
    }
    maybe_complete();
  }
}

// A member waiting in JoinGroup is alive; any other whose last heartbeat is older than the
// session timeout is removed.
void GroupCoordinator::expire_sessions() {
  std::vector<int> expired;
  for (const auto& [index, m] : members_)
    if (!m.join && now() - m.last_heartbeat > context_.options.session_timeout) expired.push_back(index);
  for (int index : expired) remove(index, "its session timed out");
}

void GroupCoordinator::remove(int member, const std::string& why) {
  context_.world.trace().record(now(), self_, "queue.member_removed", fmt::format("member {}: {}", member + 1, why));
  members_.erase(member);
  context_.recorder->member_removed(member);
  prepare_rebalance(fmt::format("member {} removed", member + 1));
}

void GroupCoordinator::prepare_rebalance(const std::string& why) {
  if (rebalancing_) return;
  rebalancing_ = true;
  rebalance_started_ = now();
  rebalance_deadline_ = now() + context_.options.max_poll_interval;
  context_.world.trace().record(now(), self_, "queue.rebalance", fmt::format("generation {}: {}", generation(), why));
}

void GroupCoordinator::maybe_complete() {
  if (!rebalancing_ || now() < not_before_) return;
  for (const auto& [index, m] : members_)
    if (!m.join) return;
  complete();
}

void GroupCoordinator::complete() {
  ++generation();
  rebalancing_ = false;
  // From the rebalance's start to its new generation. With the eager protocol every member gave
  // up its partitions when it rejoined, so this is the group's pause; with the cooperative one
  // members keep consuming meanwhile, and the pause is the moved partitions' (partition_pause).
  context_.world.metrics().histogram("rebalance").record((now() - rebalance_started_).ns());
  std::vector<int> indexes;
  std::map<int, std::vector<int>> owned;
  for (const auto& [index, m] : members_) {
    indexes.push_back(index);
    if (!m.owned.empty()) owned[index] = m.owned;
  }
  CooperativeAssignment a;
  if (context_.options.rebalance_protocol == RebalanceProtocol::cooperative)
    a = cooperative_owners(indexes, owned, context_.options.partitions);
  else
    a.owner = range_owners(indexes, context_.options.partitions);
  for (auto& [index, m] : members_) {
    auto reply = std::make_shared<JoinGroupReply>();
    reply->generation = generation();
    for (int p = 0; p < context_.options.partitions; ++p)
      if (a.owner[static_cast<std::size_t>(p)] == index) reply->assigned.push_back(p);
    m.join->reply(std::move(reply));
    m.join.reset();
    m.last_heartbeat = now();
  }
  std::string detail = fmt::format("{}: owners {}", generation(), fmt::join(a.owner, ","));
  if (std::any_of(a.revoking.begin(), a.revoking.end(), [](int r) { return r >= 0; }))
    detail += fmt::format("; to revoke first {}", fmt::join(a.revoking, ","));
  context_.world.trace().record(now(), self_, "queue.generation", detail);
  context_.recorder->assigned(Assignment{generation(), now(), a.owner, a.revoking});
}

}  // namespace queue
