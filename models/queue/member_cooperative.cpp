// The group member's side of the cooperative protocol (KIP-429; member.hpp): a JoinGroup that
// does not stop the poll loop, the new assignment taken between two polls, and partitions lost
// when the member's generation is gone.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/redirect_error.hpp>

#include "models/queue/member.hpp"
#include "models/queue/recorder.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

std::vector<int> without(const std::vector<int>& from, const std::vector<int>& taken) {
  std::vector<int> out;
  for (int p : from)
    if (std::find(taken.begin(), taken.end(), p) == taken.end()) out.push_back(p);
  return out;
}

}  // namespace

// JoinGroup with the partitions it owns, then OffsetFetch for those it gains; the poll loop
// takes the result. On a failure it waits the retry backoff and lets the poll loop join again.
sim::Task<void> GroupMember::join_cooperatively() {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  auto request = std::make_shared<JoinGroupRequest>();
  request->member = index_;
  request->owned = assigned_;
  request->generation = generation_;
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(ex, coordinator(), std::move(request),
                                                               o.max_poll_interval + o.request_timeout,
                                                               boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* reply = ec ? nullptr : dynamic_cast<const JoinGroupReply*>(answer.get());
  const GroupReply* offsets = nullptr;
  Joined joined;
  if (reply && reply->error == Error::none) {
    // The JoinGroup answer makes it a member of the new generation, as in Kafka's client.
    generation_ = reply->generation;
    joined.generation = reply->generation;
    joined.assigned = reply->assigned;
    auto fetch = std::make_shared<OffsetFetchRequest>();
    fetch->partitions = without(reply->assigned, assigned_);
    answer = co_await context_->world.rpc().call(ex, coordinator(), std::move(fetch), o.request_timeout,
                                                 boost::asio::redirect_error(sim::use_awaitable, ec));
    offsets = ec ? nullptr : dynamic_cast<const GroupReply*>(answer.get());
  }
  if (!offsets) {
    co_await sim::sleep(o.retry_backoff);
    joining_ = false;
    co_return;
  }
  joined.offsets = offsets->offsets;
  joined_ = std::move(joined);
  joining_ = false;
}

// Between two polls: commit, revoke what moved away (and rejoin for the second round), start
// fetching what was gained. Partitions kept go on as they were.
sim::Task<void> GroupMember::take_assignment() {
  Joined joined = std::move(*joined_);
  joined_.reset();
  std::vector<int> revoked = without(assigned_, joined.assigned);
  if (!revoked.empty()) co_await commit();
  if (lost_ || stopped_) co_return;  // the commit found the generation gone: lose_partitions drops them
  ++assignment_;
  for (int p : revoked) {
    tokens_[static_cast<std::size_t>(p)] = assignment_;
    buffers_[static_cast<std::size_t>(p)].clear();
    context_->recorder->released(p, index_);
  }
  if (!start_positions(joined.offsets)) co_return;
  for (const auto& [p, offset] : joined.offsets) {
    tokens_[static_cast<std::size_t>(p)] = assignment_;
    buffers_[static_cast<std::size_t>(p)].clear();
    sim::spawn(context_->world.executor(self_), run_fetcher(p, assignment_));
    context_->recorder->taken(p, index_);
  }
  generation_ = joined.generation;
  assigned_ = std::move(joined.assigned);
  rejoin_ = !revoked.empty();
  trace("queue.joined", revoked.empty() ? fmt::format("generation {}, {} partitions", generation_, assigned_.size())
                                        : fmt::format("generation {}, {} partitions; revoked {}, rejoining",
                                                      generation_, assigned_.size(), fmt::join(revoked, ",")));
}

// onPartitionsLost: the group moved on without this member; it drops what it held, uncommitted.
void GroupMember::lose_partitions() {
  if (!assigned_.empty()) trace("queue.partitions_lost", fmt::format("{}", fmt::join(assigned_, ",")));
  ++assignment_;
  for (int p : assigned_) {
    tokens_[static_cast<std::size_t>(p)] = assignment_;
    buffers_[static_cast<std::size_t>(p)].clear();
    context_->recorder->released(p, index_);
  }
  assigned_.clear();
  generation_ = -1;
  lost_ = false;
  joined_.reset();
}

}  // namespace queue
