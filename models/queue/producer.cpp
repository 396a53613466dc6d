#include "models/queue/producer.hpp"

#include "models/queue/recorder.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

Producer::Producer(std::shared_ptr<Context> context, std::uint32_t id)
    : context_(std::move(context)),
      id_(id),
      self_(context_->producer),
      metadata_(*context_, self_),
      lanes_(static_cast<std::size_t>(context_->options.partitions)),
      in_flight_(static_cast<std::size_t>(context_->options.brokers), 0) {}

void Producer::install(const std::shared_ptr<Context>& context) {
  sim::NodeId node = context->producer;
  context->world.node(node).set_boot([context, node] {
    auto producer = std::make_shared<Producer>(context, 1);
    context->world.node(node).set_process(producer);
    producer->start();
  });
}

void Producer::start() {
  metadata_.refresh();
  sim::spawn(context_->world.executor(self_), run_linger());
}

sim::Task<void> Producer::run_linger() {
  for (;;) {
    co_await sim::sleep(context_->options.linger);
    metadata_.refresh_if_old();
    close_batches();
    send_ready();
  }
}

// Message k arrives at k / rate after the start and goes to partition k mod n.
void Producer::close_batches() {
  const QueueOptions& o = context_->options;
  const Observations& seen = context_->recorder->observations();
  if (now() > seen.produce_stop) return;
  __int128 elapsed = (now() - seen.produce_start).ns();
  auto total = static_cast<std::int64_t>(elapsed * o.rate.count / o.rate.per.ns());
  auto n = static_cast<std::int64_t>(o.partitions);
  for (int p = 0; p < o.partitions; ++p) {
    auto upto = [&](std::int64_t k) { return (k + n - 1 - p) / n; };
    std::int64_t count = upto(total) - upto(arrived_);
    Lane& lane = lanes_[static_cast<std::size_t>(p)];
    while (count > 0) {
      Batch b;
      b.count = std::min(count, o.batch_messages());
      b.producer = id_;
      b.first_seq = lane.next_seq;
      b.created = now();
      lane.next_seq += b.count;
      count -= b.count;
      lane.queue.push_back(Queued{b, now()});
      context_->recorder->closed(b.count);
    }
  }
  arrived_ = total;
}

void Producer::send_ready() {
  bool sent = true;
  while (sent) {
    sent = false;
    for (int p = 0; p < context_->options.partitions; ++p) sent = send_one(p) || sent;
  }
}

bool Producer::send_one(int partition) {
  Lane& lane = lanes_[static_cast<std::size_t>(partition)];
  if (lane.queue.empty() || lane.queue.front().ready > now()) return false;
  if (now() > context_->recorder->observations().produce_stop) {
    // The producer is closed at the stop: what it still holds is given up, not sent.
    for (const Queued& q : lane.queue) context_->recorder->gave_up(q.batch.count);
    lane.queue.clear();
    return false;
  }
  int leader = metadata_.leader(partition);
  if (leader == no_leader) {
    metadata_.refresh();
    return false;
  }
  const QueueOptions& o = context_->options;
  if (o.acks != Acks::none && in_flight_[static_cast<std::size_t>(leader)] >= o.max_in_flight) return false;
  Batch batch = lane.queue.front().batch;
  lane.queue.pop_front();
  auto request = std::make_shared<ProduceRequest>();
  request->partition = partition;
  request->batch = batch;
  sim::NodeId target = context_->brokers[static_cast<std::size_t>(leader)];
  if (o.acks == Acks::none) {
    request->wants_reply = false;
    context_->world.network().send(self_, target, std::move(request));
    context_->recorder->sent_without_ack(batch.count);
    return true;
  }
  ++in_flight_[static_cast<std::size_t>(leader)];
  context_->world.rpc().call(context_->world.executor(self_), target, std::move(request), o.request_timeout,
                             [this, partition, leader, batch](sim::error_code ec, sim::MessagePtr answer) {
                               on_reply(partition, leader, batch, ec,
                                        ec ? nullptr : dynamic_cast<const ProduceReply*>(answer.get()));
                             });
  return true;
}

void Producer::on_reply(int partition, int broker, Batch batch, sim::error_code ec, const ProduceReply* reply) {
  --in_flight_[static_cast<std::size_t>(broker)];
  if (!ec && reply && reply->error == Error::none) {
    context_->recorder->acked(Ack{partition, batch.producer, batch.first_seq, batch.count, reply->base,
                                  batch.created, now()});
    context_->world.record_latency("produce", now() - batch.created);
  } else {
    retry(partition, batch);
  }
  send_ready();
}

void Producer::retry(int partition, Batch batch) {
  const QueueOptions& o = context_->options;
  if (now() - batch.created >= o.delivery_timeout) {
    context_->recorder->gave_up(batch.count);
    return;
  }
  metadata_.refresh();
  lanes_[static_cast<std::size_t>(partition)].queue.push_front(Queued{batch, now() + o.retry_backoff});
}

}  // namespace queue
