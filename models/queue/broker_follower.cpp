// The follower's side of a broker (fetching from leaders, truncating where logs diverged) and
// its conversation with the controller (heartbeats, AlterPartition).
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include "models/queue/broker.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

void Broker::ensure_fetcher(int leader) {
  if (leader == index_ || fetching_from_[static_cast<std::size_t>(leader)]) return;
  fetching_from_[static_cast<std::size_t>(leader)] = true;
  sim::spawn(context_->world.executor(self_), run_fetcher(leader));
}

std::shared_ptr<FetchRequest> Broker::follower_request(int leader) {
  auto request = std::make_shared<FetchRequest>();
  request->replica = index_;
  for (int p = 0; p < options().partitions; ++p) {
    const Replica& r = replica(p);
    if (!r.held || r.leader || r.leader_broker != leader) continue;
    const PartitionLog& l = log(p);
    Epoch last = l.batches().empty() ? -1 : l.batches().back().epoch;
    request->partitions.push_back(FetchPartition{p, l.end(), last, r.epoch});
  }
  return request;
}

// One fetcher per leader broker, as Kafka's replica fetcher threads run (num.replica.fetchers 1):
// it ends when this broker follows nothing on that leader any more.
sim::Task<void> Broker::run_fetcher(int leader) {
  sim::Executor ex = context_->world.executor(self_);
  sim::NodeId target = context_->brokers[static_cast<std::size_t>(leader)];
  for (;;) {
    std::shared_ptr<FetchRequest> request = follower_request(leader);
    if (request->partitions.empty()) break;
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(
        ex, target, request, options().request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
    bool back_off = ec.failed();
    if (const auto* reply = ec ? nullptr : dynamic_cast<const FetchReply*>(answer.get()))
      take_fetched(*request, *reply, back_off);
    if (back_off) co_await sim::sleep(options().replica_fetch_backoff);
  }
  fetching_from_[static_cast<std::size_t>(leader)] = false;
}

void Broker::take_fetched(const FetchRequest& request, const FetchReply& reply, bool& back_off) {
  for (std::size_t i = 0; i < reply.partitions.size() && i < request.partitions.size(); ++i)
    take_partition(request.partitions[i], reply.partitions[i], back_off);
}

void Broker::take_partition(const FetchPartition& asked, const FetchedPartition& got, bool& back_off) {
  int p = asked.partition;
  Replica& r = replica(p);
  PartitionLog& l = log(p);
  if (r.leader || r.epoch != asked.leader_epoch || l.end() != asked.offset) return;  // stale answer
  if (got.error == Error::offset_out_of_range && asked.offset < got.log_start) {
    // ReplicaFetcherThread: the leader's log starts past this log's end, so start over there.
    trace("queue.truncate", fmt::format("p{} fully, to start at the leader's log start {} (its log ended at {})", p,
                                        got.log_start, l.end()));
    l.restart_at(got.log_start);
    high_watermark(p) = std::max(high_watermark(p), l.end());
    return;
  }
  if (got.error == Error::offset_out_of_range || got.diverging_end != -1) {
    Offset to = std::min(l.end(), got.diverging_end);
    if (got.diverging_epoch != -1 || got.error == Error::none)
      to = std::min(to, l.end_offset_for(got.diverging_epoch).second);
    trace("queue.truncate", fmt::format("p{} from {} to {} (leader broker-{}, epoch {})", p, l.end(), to,
                                        r.leader_broker + 1, r.epoch));
    l.truncate(to);
    high_watermark(p) = std::min(high_watermark(p), l.end());
    return;
  }
  if (got.error != Error::none) {
    back_off = true;
    return;
  }
  for (const Batch& batch : got.batches)
    if (batch.base == l.end()) append(p, batch);
  high_watermark(p) = std::max(high_watermark(p), std::min(got.high_watermark, l.end()));
  if (got.log_start > l.start()) l.advance_start(std::min(got.log_start, high_watermark(p)));
}

void Broker::request_isr(int partition, std::vector<int> isr) {
  Replica& r = replica(partition);
  r.alter_pending = true;
  auto request = std::make_shared<AlterPartition>();
  request->broker = index_;
  request->partition = partition;
  request->leader_epoch = r.epoch;
  request->partition_epoch = r.partition_epoch;
  request->isr = std::move(isr);
  trace("queue.alter_partition", request->describe());
  sim::NodeId target = controller_guess();
  context_->world.rpc().call(context_->world.executor(self_), target, request, options().broker_heartbeat_interval,
                             [this, partition, epoch = r.epoch, target](sim::error_code ec, sim::MessagePtr answer) {
                               const auto* reply = ec ? nullptr : dynamic_cast<const ControllerReply*>(answer.get());
                               follow_controller_reply(target, reply);
                               Replica& now_r = replica(partition);
                               if (now_r.epoch == epoch) now_r.alter_pending = false;
                             });
}

sim::NodeId Broker::controller_guess() {
  if (controller_) return *controller_;
  return context_->controllers[controller_rotation_++ % context_->controllers.size()];
}

void Broker::follow_controller_reply(sim::NodeId asked, const ControllerReply* reply) {
  if (!reply || !reply->leader) {
    controller_ = reply && reply->hint && *reply->hint != asked ? reply->hint : std::nullopt;
    return;
  }
  controller_ = asked;
  if (reply->refused) return;
  registered_ = true;
  if (reply->image) adopt(reply->image);
}

sim::Task<void> Broker::run_heartbeats() {
  sim::Executor ex = context_->world.executor(self_);
  for (;;) {
    auto beat = std::make_shared<BrokerHeartbeat>();
    beat->broker = index_;
    beat->known_version = image_ ? image_->version : 0;
    beat->has_image = image_ != nullptr;
    beat->incarnation = context_->world.node(self_).incarnation();
    sim::NodeId target = controller_guess();
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(
        ex, target, beat, options().broker_heartbeat_interval, boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* reply = ec ? nullptr : dynamic_cast<const ControllerReply*>(answer.get());
    follow_controller_reply(target, reply);
    if (reply && reply->leader) co_await sim::sleep(options().broker_heartbeat_interval);
    else if (!ec) co_await sim::sleep(sim::Duration::milliseconds(50));
  }
}

}  // namespace queue
