#include "models/queue/producer.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "models/queue/recorder.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

Producer::Producer(std::shared_ptr<Context> context, std::uint32_t id)
    : context_(std::move(context)),
      id_(id),
      self_(context_->producer),
      metadata_(*context_, self_),
      lanes_(static_cast<std::size_t>(context_->options.partitions)),
      in_flight_(static_cast<std::size_t>(context_->options.brokers), 0),
      routing_(context_->options.keys, context_->options.partitions),
      rng_(context_->world.rng("queue/producer")) {}

void Producer::install(const std::shared_ptr<Context>& context) {
  sim::NodeId node = context->producer;
  context->world.node(node).set_boot([context, node] {
    // A restarted producer is another instance, with messages of its own.
    auto producer = std::make_shared<Producer>(context, context->world.node(node).incarnation() + 1);
    context->world.node(node).set_process(producer);
    producer->start();
  });
}

void Producer::start() {
  // Messages that arrived before this instance started are not its own (a restart).
  const Observations& seen = context_->recorder->observations();
  const QueueOptions& o = context_->options;
  __int128 elapsed = (std::min(now(), seen.produce_stop) - seen.produce_start).ns();
  arrived_ = static_cast<std::int64_t>(elapsed * o.rate.count / o.rate.per.ns());
  metadata_.refresh();
  sim::spawn(context_->world.executor(self_), run_linger());
  if (context_->options.enable_idempotence) sim::spawn(context_->world.executor(self_), run_init_producer_id());
}

// InitProducerId to the brokers in turn until one answers; with a transactional id, to the
// transaction coordinator.
sim::Task<void> Producer::run_init_producer_id() {
  sim::Executor ex = context_->world.executor(self_);
  for (std::size_t attempt = 0;; ++attempt) {
    sim::NodeId broker = context_->brokers[transactional() ? static_cast<std::size_t>(Context::txn_coordinator)
                                                           : attempt % context_->brokers.size()];
    auto request = std::make_shared<InitProducerIdRequest>();
    request->transactional_id = context_->options.transactions.id;
    sim::error_code ec;
    sim::MessagePtr answer = co_await context_->world.rpc().call(ex, broker, std::move(request),
                                                                 context_->options.request_timeout,
                                                                 boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* reply = ec ? nullptr : dynamic_cast<const InitProducerIdReply*>(answer.get());
    if (reply && reply->error == Error::none && reply->producer_id >= 0) {
      producer_id_ = reply->producer_id;
      adopt_epoch(reply->producer_epoch);
      txn_.initialising = false;
      send_ready();
      co_return;
    }
    co_await sim::sleep(context_->options.retry_backoff);
  }
}

sim::Task<void> Producer::run_linger() {
  for (;;) {
    co_await sim::sleep(context_->options.linger);
    metadata_.refresh_if_old();
    close_batches();
    send_ready();
    if (transactional()) maybe_end_txn();
  }
}

// Message g arrives at g / rate after the start; where it goes is the partitioner's (arrivals()).
void Producer::close_batches() {
  const QueueOptions& o = context_->options;
  const Observations& seen = context_->recorder->observations();
  if (now() > seen.produce_stop) {
    if (transactional() && txn_.record >= 0) txn_.ending = true;
    return;
  }
  __int128 elapsed = (now() - seen.produce_start).ns();
  auto total = static_cast<std::int64_t>(elapsed * o.rate.count / o.rate.per.ns());
  if (transactional()) total = transaction_room(total);
  std::vector<std::int64_t> counts = arrivals(arrived_, total);
  for (int p = 0; p < o.partitions; ++p) {
    std::int64_t count = counts[static_cast<std::size_t>(p)];
    Lane& lane = lanes_[static_cast<std::size_t>(p)];
    while (count > 0) {
      Batch b;
      b.count = std::min(count, o.batch_messages());
      b.producer = id_;
      b.first_seq = lane.next_seq;
      b.created = now();
      lane.next_seq += b.count;
      count -= b.count;
      lane.queue.push_back(Queued{b, now(), false});
      context_->recorder->closed(b.count);
      if (transactional()) note_closed(p, b);
    }
  }
  arrived_ = total;
}

// How many of messages [from, to) go to each partition: by key (murmur2), round robin (the k-th
// to partition k mod n), or sticky (batch.size bytes to one partition, then to another at random).
std::vector<std::int64_t> Producer::arrivals(std::int64_t from, std::int64_t to) {
  const QueueOptions& o = context_->options;
  auto n = static_cast<std::int64_t>(o.partitions);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n), 0);
  for (int p = 0; p < o.partitions; ++p) {
    auto upto = [&](std::int64_t k) {
      return o.keys > 0 ? routing_.count_below(p, k) : (k + n - 1 - p) / n;
    };
    if (o.keys > 0 || o.null_key_partitioner == NullKeyPartitioner::round_robin)
      counts[static_cast<std::size_t>(p)] = upto(to) - upto(from);
  }
  if (o.keys > 0 || o.null_key_partitioner == NullKeyPartitioner::round_robin) return counts;
  for (std::int64_t left = to - from; left > 0;) {
    if (sticky_left_ == 0) {
      // Another partition than the last one, as Kafka's sticky partitioner picks.
      bool other = sticky_ >= 0 && n > 1;
      auto next = static_cast<int>(rng_.below(static_cast<std::uint64_t>(other ? n - 1 : n)));
      sticky_ = other && next >= sticky_ ? next + 1 : next;
      sticky_left_ = o.batch_messages();
    }
    std::int64_t take = std::min(left, sticky_left_);
    counts[static_cast<std::size_t>(sticky_)] += take;
    sticky_left_ -= take;
    left -= take;
  }
  return counts;
}

void Producer::send_ready() {
  bool sent = true;
  while (sent) {
    sent = false;
    for (int p = 0; p < context_->options.partitions; ++p) sent = send_one(p) || sent;
  }
}

// An idempotent producer waits for its id, and sends a retried batch only once every earlier
// batch of the partition is done, so it cannot land behind a later one.
bool Producer::may_send(const Lane& lane) const {
  if (!context_->options.enable_idempotence) return true;
  if (producer_id_ < 0) return false;
  const Queued& front = lane.queue.front();
  return !front.retry || lane.outstanding.empty() || *lane.outstanding.begin() == front.batch.first_seq;
}

bool Producer::send_one(int partition) {
  Lane& lane = lanes_[static_cast<std::size_t>(partition)];
  if (lane.queue.empty() || lane.queue.front().ready > now() || !may_send(lane)) return false;
  if (transactional() && !ready_to_write(lane)) return false;
  if (now() > context_->recorder->observations().produce_stop && !transactional()) {
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
  if (o.enable_idempotence) {
    batch.producer_id = producer_id_;
    batch.producer_epoch = producer_epoch_;
    batch.transactional = transactional();
    batch.epoch_first_seq = lane.epoch_first_seq;
    lane.outstanding.insert(batch.first_seq);
  }
  auto request = std::make_shared<ProduceRequest>();
  request->partition = partition;
  request->transactional_id = o.transactions.id;
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
                             [this, partition, leader, batch, txn = txn_.record](sim::error_code ec,
                                                                                 sim::MessagePtr answer) {
                               on_reply(partition, leader, batch, txn, ec,
                                        ec ? nullptr : dynamic_cast<const ProduceReply*>(answer.get()));
                             });
  return true;
}

void Producer::on_reply(int partition, int broker, Batch batch, std::int64_t txn, sim::error_code ec,
                        const ProduceReply* reply) {
  --in_flight_[static_cast<std::size_t>(broker)];
  if (!ec && reply && reply->error == Error::none) {
    context_->recorder->acked(Ack{partition, batch.producer, batch.first_seq, batch.count, reply->base,
                                  batch.created, now(), txn});
    context_->world.record_latency("produce", now() - batch.created);
    done(partition, batch);
  } else if (transactional() && txn != txn_.record) {
    done(partition, batch);  // its transaction was given up when the producer was fenced
  } else if (reply && reply->error == Error::invalid_producer_epoch) {
    done(partition, batch);
    context_->recorder->gave_up(batch.count);
    fenced(fmt::format("p{}: INVALID_PRODUCER_EPOCH", partition));
  } else if (transactional() && ((reply && reply->error == Error::invalid_txn_state) || txn_.failed)) {
    // KIP-890 part 1 refused it (an abortable error): the transaction can only be aborted, and
    // what it still holds fails with it.
    done(partition, batch);
    context_->recorder->gave_up(batch.count);
    abandon_txn();
  } else {
    retry(partition, batch);
  }
  send_ready();
  if (transactional()) maybe_end_txn();
}

void Producer::retry(int partition, Batch batch) {
  const QueueOptions& o = context_->options;
  if (now() - batch.created >= o.delivery_timeout) {
    context_->recorder->gave_up(batch.count);
    done(partition, batch);
    txn_.failed = true;
    return;
  }
  metadata_.refresh();
  std::deque<Queued>& queue = lanes_[static_cast<std::size_t>(partition)].queue;
  if (!o.enable_idempotence) {
    queue.push_front(Queued{batch, now() + o.retry_backoff, true});
    return;
  }
  // RecordAccumulator.insertInSequenceOrder: the retried batch goes back before every later one.
  auto at = std::find_if(queue.begin(), queue.end(),
                         [&](const Queued& q) { return q.batch.first_seq > batch.first_seq; });
  queue.insert(at, Queued{batch, now() + o.retry_backoff, true});
}

void Producer::done(int partition, const Batch& batch) {
  lanes_[static_cast<std::size_t>(partition)].outstanding.erase(batch.first_seq);
}

}  // namespace queue
