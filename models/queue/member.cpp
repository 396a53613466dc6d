#include "models/queue/member.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "models/queue/isolation.hpp"
#include "models/queue/offset_reset.hpp"
#include "models/queue/recorder.hpp"
#include "models/queue/sink.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

// How often an idle poll loop, or a fetcher whose buffer is still full, looks again.
constexpr sim::Duration idle_poll = sim::Duration::milliseconds(50);

}  // namespace

GroupMember::GroupMember(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      index_(index),
      self_(context_->members[static_cast<std::size_t>(index)]),
      metadata_(*context_, self_),
      tokens_(static_cast<std::size_t>(context_->options.partitions), 0),
      positions_(static_cast<std::size_t>(context_->options.partitions), 0),
      fetch_positions_(static_cast<std::size_t>(context_->options.partitions), 0),
      buffers_(static_cast<std::size_t>(context_->options.partitions)) {}

void GroupMember::install(const std::shared_ptr<Context>& context) {
  for (int i = 0; i < static_cast<int>(context->members.size()); ++i) {
    sim::NodeId node = context->members[static_cast<std::size_t>(i)];
    context->world.node(node).set_boot([context, i, node] {
      auto member = std::make_shared<GroupMember>(context, i);
      context->world.node(node).set_process(member);
      member->start();
    });
  }
}

void GroupMember::trace(std::string_view kind, const std::string& detail) {
  context_->world.trace().record(now(), self_, kind, detail);
}

void GroupMember::start() {
  metadata_.refresh();
  sim::spawn(context_->world.executor(self_), run_poll_loop());
  sim::spawn(context_->world.executor(self_), run_heartbeats());
}

sim::Task<void> GroupMember::run_heartbeats() {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  while (!stopped_) {
    co_await sim::sleep(o.heartbeat_interval);
    if (stopped_ || generation_ < 0 || rejoin_) continue;
    if (now() - last_poll_ > o.max_poll_interval) {
      // The heartbeat thread's own check: the application stopped polling, so the member leaves.
      trace("queue.poll_timeout", fmt::format("no poll for {}: leaving the group", sim::to_string(now() - last_poll_)));
      auto leave = std::make_shared<LeaveGroupRequest>();
      leave->member = index_;
      context_->world.rpc().call(ex, coordinator(), std::move(leave), o.request_timeout,
                                 [](sim::error_code, sim::MessagePtr) {});
      generation_ = -1;
      rejoin_ = true;
      continue;
    }
    auto beat = std::make_shared<GroupHeartbeat>();
    beat->member = index_;
    beat->generation = generation_;
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(ex, coordinator(), std::move(beat), o.request_timeout,
                                                                 boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* reply = ec ? nullptr : dynamic_cast<const GroupReply*>(answer.get());
    if (reply && reply->error != Error::none) on_group_error(reply->error);
  }
}

sim::Task<void> GroupMember::run_poll_loop() {
  const QueueOptions& o = context_->options;
  while (!stopped_) {
    if (rejoin_ && cooperative()) {
      if (lost_ && !joining_) lose_partitions();
      if (!joining_ && !joined_) {
        joining_ = true;
        sim::spawn(context_->world.executor(self_), join_cooperatively());
      }
    } else if (rejoin_) {
      for (int p : assigned_) context_->recorder->released(p, index_);  // the eager protocol stops them all
      if (o.commit == CommitMode::automatic && generation_ >= 0) co_await commit();
      if (!co_await join()) {
        co_await sim::sleep(o.retry_backoff);
        continue;
      }
    }
    if (joined_) co_await take_assignment();
    if (o.seek && !seek_done_ && now() >= sim::Instant::zero() + o.seek->at) co_await seek();
    last_poll_ = now();
    if (o.commit == CommitMode::automatic && now() >= next_auto_commit_) {
      commit_async();
      next_auto_commit_ = now() + o.auto_commit_interval;
    }
    std::vector<Piece> pieces = poll();
    if (pieces.empty()) {
      co_await sim::sleep(idle_poll);
      continue;
    }
    if (o.commit == CommitMode::before_processing) co_await commit();
    co_await process(pieces, generation_);
    if (o.sink == SinkKind::transactional)
      co_await commit_transaction(pieces);
    else if (o.commit == CommitMode::after_processing)
      co_await commit();
  }
}

// JoinGroup (held by the coordinator until the rebalance completes), then OffsetFetch for the
// partitions it got; fetchers of the previous assignment stop.
sim::Task<bool> GroupMember::join() {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  auto request = std::make_shared<JoinGroupRequest>();
  request->member = index_;
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(ex, coordinator(), std::move(request),
                                                               o.max_poll_interval + o.request_timeout,
                                                               boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* joined = ec ? nullptr : dynamic_cast<const JoinGroupReply*>(answer.get());
  if (!joined || joined->error != Error::none) co_return false;
  int generation = joined->generation;
  std::vector<int> assigned = joined->assigned;
  auto fetch = std::make_shared<OffsetFetchRequest>();
  fetch->partitions = assigned;
  answer = co_await context_->world.rpc().call(ex, coordinator(), std::move(fetch), o.request_timeout,
                                               boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* offsets = ec ? nullptr : dynamic_cast<const GroupReply*>(answer.get());
  if (!offsets) co_return false;
  ++assignment_;
  std::fill(tokens_.begin(), tokens_.end(), assignment_);
  for (std::deque<Batch>& buffer : buffers_) buffer.clear();
  if (!start_positions(offsets->offsets)) co_return false;
  for (const auto& [p, offset] : offsets->offsets) {
    sim::spawn(ex, run_fetcher(p, assignment_));
    context_->recorder->taken(p, index_);
  }
  generation_ = generation;
  assigned_ = std::move(assigned);
  rejoin_ = false;
  trace("queue.joined", fmt::format("generation {}, {} partitions", generation_, assigned_.size()));
  co_return true;
}

// Each partition's position from its committed offset. Nothing committed: earliest fetches from
// 0 (OFFSET_OUT_OF_RANGE brings it to the log start if retention moved it), latest leaves -1 for
// the fetcher to ask ListOffsets, none stops the consumer (false).
bool GroupMember::start_positions(const std::vector<std::pair<int, Offset>>& offsets) {
  const QueueOptions& o = context_->options;
  for (const auto& [p, offset] : offsets) {
    if (offset < 0 && o.auto_offset_reset == OffsetReset::none) stop(p, -1, 0);
    Offset start = offset >= 0 || o.auto_offset_reset == OffsetReset::earliest ? std::max<Offset>(offset, 0) : -1;
    positions_[static_cast<std::size_t>(p)] = start;
    fetch_positions_[static_cast<std::size_t>(p)] = start;
  }
  return !stopped_;
}

// A group error: rejoin. With the cooperative protocol, a generation the coordinator no longer
// knows means the partitions are lost (onPartitionsLost), not revoked.
void GroupMember::on_group_error(Error error) {
  rejoin_ = true;
  if (cooperative() && (error == Error::unknown_member_id || error == Error::illegal_generation)) lost_ = true;
}

std::shared_ptr<OffsetCommitRequest> GroupMember::commit_request() const {
  auto request = std::make_shared<OffsetCommitRequest>();
  request->member = index_;
  request->generation = generation_;
  for (int p : assigned_)
    if (positions_[static_cast<std::size_t>(p)] >= 0)
      request->offsets.emplace_back(p, positions_[static_cast<std::size_t>(p)]);
  return request;
}

bool GroupMember::take_commit_reply(sim::error_code ec, const sim::MessagePtr& answer) {
  const auto* reply = ec ? nullptr : dynamic_cast<const GroupReply*>(answer.get());
  if (reply && reply->error == Error::none) return true;
  // CommitFailedException: the group moved on without this member.
  if (reply) {
    trace("queue.commit_failed", to_string(reply->error));
    on_group_error(reply->error);
  }
  return false;
}

sim::Task<bool> GroupMember::commit() {
  if (generation_ < 0 || assigned_.empty()) co_return false;
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(context_->world.executor(self_), coordinator(),
                                                               commit_request(), context_->options.request_timeout,
                                                               boost::asio::redirect_error(sim::use_awaitable, ec));
  co_return take_commit_reply(ec, answer);
}

void GroupMember::commit_async() {
  if (generation_ < 0 || assigned_.empty()) return;
  context_->world.rpc().call(context_->world.executor(self_), coordinator(), commit_request(),
                             context_->options.request_timeout,
                             [this](sim::error_code ec, sim::MessagePtr answer) { take_commit_reply(ec, answer); });
}

// One partition's fetcher: fetches from the leader while the buffer is empty, for as long as
// the assignment it was started for lasts.
sim::Task<void> GroupMember::run_fetcher(int partition, std::uint64_t assignment) {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  auto index = static_cast<std::size_t>(partition);
  while (assignment == tokens_[index] && !stopped_) {
    if (!buffers_[index].empty()) {
      co_await sim::sleep(idle_poll);
      continue;
    }
    int leader = metadata_.leader(partition);
    bool ok = false;
    if (fetch_positions_[index] < 0) {
      // auto.offset.reset latest with nothing committed: the high watermark (read_committed: the
      // last stable offset), from ListOffsets.
      Offset found = -1;
      ok = co_await list_offset(partition, sim::Instant::max(), found);
      if (ok && assignment == tokens_[index]) {
        context_->recorder->repositioned(Reposition{index_, partition, -1, found, now(), "latest"});
        trace("queue.offset_reset", fmt::format("p{}: nothing committed, to the {} {} (latest)", partition,
                                                o.isolation == Isolation::read_committed ? "last stable offset"
                                                                                         : "high watermark",
                                                found));
        fetch_positions_[index] = found;
        positions_[index] = found;
      }
    } else if (leader != no_leader) {
      auto request = std::make_shared<FetchRequest>();
      request->read_committed = o.isolation == Isolation::read_committed;
      request->partitions.push_back(
          FetchPartition{partition, fetch_positions_[index], -1, metadata_.leader_epoch(partition)});
      sim::error_code ec;
      sim::MessagePtr answer =
          co_await context_->world.rpc().call(ex, context_->brokers[static_cast<std::size_t>(leader)], request,
                                              o.request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
      const auto* reply = ec ? nullptr : dynamic_cast<const FetchReply*>(answer.get());
      ok = assignment != tokens_[index] ||
           (reply && !reply->partitions.empty() && take_fetched(partition, reply->partitions.front()));
    }
    if (ok) continue;
    metadata_.refresh();
    co_await sim::sleep(o.retry_backoff);
  }
}

bool GroupMember::take_fetched(int partition, const FetchedPartition& got) {
  auto index = static_cast<std::size_t>(partition);
  Offset& position = fetch_positions_[index];
  if (got.error == Error::offset_out_of_range) {
    ResetTarget target = reset_target(context_->options.auto_offset_reset, position, got);
    if (!target.to) {
      stop(partition, position, got.log_start);
      return true;
    }
    trace("queue.offset_reset", describe_reset(partition, position, target));
    context_->recorder->repositioned(Reposition{index_, partition, position, *target.to, now(), target.why});
    position = *target.to;
    positions_[index] = position;
    return true;
  }
  if (got.error != Error::none) return false;
  bool read_committed = context_->options.isolation == Isolation::read_committed;
  for (const Batch& piece : take_visible(got, position, read_committed, *context_->recorder))
    buffers_[index].push_back(piece);
  return true;
}

// Up to max.poll.records from the buffers, the partitions taken in turn.
std::vector<GroupMember::Piece> GroupMember::poll() {
  std::vector<Piece> out;
  auto left = static_cast<std::int64_t>(context_->options.max_poll_records);
  for (std::size_t k = 0; k < assigned_.size() && left > 0; ++k) {
    int p = assigned_[(poll_rotation_ + k) % assigned_.size()];
    std::deque<Batch>& buffer = buffers_[static_cast<std::size_t>(p)];
    while (!buffer.empty() && left > 0) {
      Batch piece = buffer.front();
      buffer.pop_front();
      if (piece.count > left) {
        Batch rest = piece;
        rest.base += left;
        rest.first_seq += left;
        rest.count -= left;
        buffer.push_front(rest);
        piece.count = left;
      }
      left -= piece.count;
      positions_[static_cast<std::size_t>(p)] = piece.end();
      context_->recorder->polled(p, piece, index_, generation_, seeks_);
      out.push_back(Piece{p, piece});
    }
  }
  ++poll_rotation_;
  return out;
}

// NoOffsetForPartitionException or OffsetOutOfRangeException reaches the application, which
// stops: no more polls, commits or heartbeats.
void GroupMember::stop(int partition, Offset position, Offset log_start) {
  trace("queue.consumer_error",
        position < 0
            ? fmt::format("p{}: nothing committed and auto.offset.reset is none: the consumer stops", partition)
            : fmt::format("p{}: OFFSET_OUT_OF_RANGE at {} below the log start {}, and auto.offset.reset is "
                          "none: the consumer stops",
                          partition, position, log_start));
  context_->recorder->failed(ConsumerError{index_, partition, position, log_start, now()});
  stopped_ = true;
}

// ListOffsets to the partition's leader: the first offset at or after `at`, or the high
// watermark when no record is that late (the consumer then seeks to the end).
sim::Task<bool> GroupMember::list_offset(int partition, sim::Instant at, Offset& found) {
  int leader = metadata_.leader(partition);
  if (leader == no_leader) co_return false;
  auto request = std::make_shared<ListOffsetsRequest>();
  request->partition = partition;
  request->timestamp = at;
  request->read_committed = context_->options.isolation == Isolation::read_committed;
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(
      context_->world.executor(self_), context_->brokers[static_cast<std::size_t>(leader)], request,
      context_->options.request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* reply = ec ? nullptr : dynamic_cast<const ListOffsetsReply*>(answer.get());
  if (!reply || reply->error != Error::none) co_return false;
  found = reply->offset >= 0 ? reply->offset : reply->high_watermark;
  co_return true;
}

// The application seeks every partition it holds, once, and replays from there.
sim::Task<void> GroupMember::seek() {
  if (generation_ < 0 || rejoin_) co_return;
  const Seek& s = *context_->options.seek;
  seek_done_ = true;
  ++seeks_;
  std::uint64_t mine = ++assignment_;
  std::fill(tokens_.begin(), tokens_.end(), mine);
  for (std::deque<Batch>& buffer : buffers_) buffer.clear();
  std::vector<int> partitions = assigned_;
  for (int p : partitions) {
    auto index = static_cast<std::size_t>(p);
    Offset to = s.to_offset.value_or(positions_[index]);
    if (s.to_time) {
      Offset found = -1;
      bool ok = co_await list_offset(p, sim::Instant::zero() + *s.to_time, found);
      if (mine != assignment_) co_return;  // a rebalance took over meanwhile
      if (ok) to = found;
    }
    trace("queue.seek", fmt::format("p{} from {} to {}", p, positions_[index], to));
    context_->recorder->repositioned(Reposition{index_, p, positions_[index], to, now(), "seek"});
    positions_[index] = to;
    fetch_positions_[index] = to;
  }
  if (mine != assignment_) co_return;
  for (int p : partitions) sim::spawn(context_->world.executor(self_), run_fetcher(p, mine));
}

sim::Task<void> GroupMember::process(const std::vector<Piece>& pieces, int generation) {
  for (const Piece& piece : pieces) {
    co_await sim::sleep(context_->options.processing_time * piece.batch.count);
    if (context_->options.sink == SinkKind::transactional) continue;  // its output waits for the commit
    std::vector<Span> effects = context_->sink->apply(piece.partition, piece.batch.base, piece.batch.count);
    context_->recorder->processed(
        Processing{index_, generation, piece.partition, piece.batch.base, piece.batch.count, effects, now()});
  }
}

// The transactional read-process-write: what this poll's records produced, and the offsets past
// them, in one transaction. Refused (the group moved on) or in doubt, it is aborted: the member
// rejoins and starts again from the committed offsets.
sim::Task<void> GroupMember::commit_transaction(const std::vector<Piece>& pieces) {
  if (generation_ < 0 || assigned_.empty()) co_return;
  auto request = std::make_shared<TxnOffsetCommitRequest>();
  request->member = index_;
  request->generation = generation_;
  request->offsets = commit_request()->offsets;
  for (const Piece& piece : pieces) request->writes.emplace_back(piece.partition, piece.batch.base, piece.batch.count);
  sim::error_code ec;
  sim::MessagePtr answer = co_await context_->world.rpc().call(context_->world.executor(self_), coordinator(),
                                                               std::move(request), context_->options.request_timeout,
                                                               boost::asio::redirect_error(sim::use_awaitable, ec));
  const auto* reply = ec ? nullptr : dynamic_cast<const GroupReply*>(answer.get());
  if (reply && reply->error == Error::none) co_return;
  trace("queue.txn_aborted", reply ? to_string(reply->error) : "no answer");
  on_group_error(reply ? reply->error : Error::unknown_member_id);
}

}  // namespace queue
