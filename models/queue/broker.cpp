#include "models/queue/broker.hpp"

#include <fmt/format.h>

#include "models/queue/recorder.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

Broker::Broker(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      index_(index),
      self_(context_->brokers[static_cast<std::size_t>(index)]),
      replicas_(static_cast<std::size_t>(context_->options.partitions)),
      fetching_from_(static_cast<std::size_t>(context_->options.brokers), false) {}

void Broker::install(const std::shared_ptr<Context>& context) {
  for (int i = 0; i < static_cast<int>(context->brokers.size()); ++i) {
    sim::NodeId node = context->brokers[static_cast<std::size_t>(i)];
    context->world.node(node).set_boot([context, i, node] {
      auto broker = std::make_shared<Broker>(context, i);
      context->world.node(node).set_process(broker);
      broker->start();
    });
  }
}

void Broker::trace(std::string_view kind, const std::string& detail) {
  context_->world.trace().record(now(), self_, kind, detail);
}

void Broker::start() {
  recover();
  // The topic exists when the run starts: at first boot every broker has its first image. After
  // a restart it waits for the controller's.
  if (context_->world.node(self_).incarnation() == 0) {
    registered_ = true;
    const QueueOptions& o = options();
    adopt(std::make_shared<const ClusterImage>(initial_image(o.brokers, o.partitions, o.replication_factor)));
  }
  context_->world.rpc().serve(self_, [this](const sim::RpcRequest& request, sim::Responder responder) {
    receive(request, std::move(responder));
  });
  sim::spawn(context_->world.executor(self_), run_heartbeats());
  sim::spawn(context_->world.executor(self_), run_isr_expiration());
  // The time rule cannot delete anything in a run shorter than log.retention.ms: no check then.
  const Observations& seen = context_->recorder->observations();
  if (options().retention.bytes || sim::Instant::zero() + options().retention.time < seen.run_end)
    sim::spawn(context_->world.executor(self_), run_retention());
  if (index_ == Context::coordinator && options().group_members > 0) {
    coordinator_ = std::make_unique<GroupCoordinator>(*context_, self_);
    coordinator_->start();
  }
  if (index_ == Context::txn_coordinator && options().transactions.enabled()) {
    txn_coordinator_ = std::make_unique<TxnCoordinator>(*context_, self_, [this](int partition) {
      return image_ ? image_->partitions[static_cast<std::size_t>(partition)].leader : no_leader;
    });
    txn_coordinator_->start();
  }
}

// A machine crash since the last boot took the page cache with it (the crash listener in
// queue_model.cpp truncated the logs then); before 0.11 every log is also cut back to its
// checkpointed high watermark at startup.
void Broker::recover() {
  for (int p = 0; p < options().partitions; ++p) {
    Offset& hw = high_watermark(p);
    hw = std::min(hw, log(p).end());
    if (options().truncation == Truncation::high_watermark && log(p).end() > hw) {
      trace("queue.truncate", fmt::format("p{} from {} to its high watermark {} at startup", p, log(p).end(), hw));
      log(p).truncate(hw);
    }
  }
}

void Broker::receive(const sim::RpcRequest& request, sim::Responder responder) {
  const sim::MessageBody* body = request.body.get();
  if (coordinator_ && coordinator_->receive(body, responder)) return;
  if (options().transactions.enabled() &&
      (txn_coordinator_ ? txn_coordinator_->receive(body, responder) : refuse_txn_request(body, responder)))
    return;
  if (dynamic_cast<const ProduceRequest*>(body)) {
    on_produce(std::static_pointer_cast<const ProduceRequest>(request.body), std::move(responder), false);
  } else if (dynamic_cast<const FetchRequest*>(body)) {
    on_fetch(std::static_pointer_cast<const FetchRequest>(request.body), std::move(responder));
  } else if (const auto* list = dynamic_cast<const ListOffsetsRequest*>(body)) {
    on_list_offsets(*list, std::move(responder));
  } else if (dynamic_cast<const InitProducerIdRequest*>(body)) {
    on_init_producer_id(std::move(responder));
  } else if (const auto* markers = dynamic_cast<const WriteTxnMarkersRequest*>(body)) {
    on_write_txn_markers(*markers, std::move(responder));
  } else if (dynamic_cast<const MetadataRequest*>(body)) {
    auto reply = std::make_shared<MetadataReply>();
    reply->image = image_;
    responder.reply(std::move(reply));
  } else if (const auto* push = dynamic_cast<const MetadataPush*>(body)) {
    if (registered_) adopt(push->image);
  }
}

void Broker::adopt(const ImagePtr& image) {
  if (!image || (image_ && image->version <= image_->version)) return;
  image_ = image;
  for (int p = 0; p < options().partitions; ++p) adopt_partition(p, image->partitions[static_cast<std::size_t>(p)]);
}

void Broker::adopt_partition(int partition, const PartitionState& state) {
  Replica& r = replica(partition);
  r.held = std::find(state.replicas.begin(), state.replicas.end(), index_) != state.replicas.end();
  if (!r.held) return;
  if (state.leader == index_) {
    if (!r.leader || r.epoch != state.leader_epoch) become_leader(partition, state);
    r.isr = state.isr;
    r.partition_epoch = state.partition_epoch;
    advance_high_watermark(partition);
    return;
  }
  if (r.leader || r.epoch != state.leader_epoch || r.leader_broker != state.leader) become_follower(partition, state);
  r.partition_epoch = state.partition_epoch;
}

void Broker::become_leader(int partition, const PartitionState& state) {
  Replica& r = replica(partition);
  r.leader = true;
  r.epoch = state.leader_epoch;
  r.leader_broker = index_;
  r.alter_pending = false;
  log(partition).begin_epoch(state.leader_epoch);
  r.followers.assign(static_cast<std::size_t>(options().brokers), FollowerState{});
  for (FollowerState& f : r.followers) {
    f.caught_up = now();
    f.previous_fetch = now();
  }
  trace("queue.leader",
        fmt::format("p{} epoch {} from offset {}", partition, state.leader_epoch, log(partition).end()));
}

void Broker::become_follower(int partition, const PartitionState& state) {
  Replica& r = replica(partition);
  if (r.leader) fail_waiting(partition, Error::not_leader_or_follower);
  r.leader = false;
  r.epoch = state.leader_epoch;
  r.leader_broker = state.leader;
  r.alter_pending = false;
  if (state.leader == no_leader) {
    trace("queue.offline", fmt::format("p{} epoch {}: no leader", partition, state.leader_epoch));
    return;
  }
  Offset hw = high_watermark(partition);
  if (options().truncation == Truncation::high_watermark && log(partition).end() > hw) {
    trace("queue.truncate", fmt::format("p{} from {} to its high watermark {} to follow broker-{}", partition,
                                        log(partition).end(), hw, state.leader + 1));
    log(partition).truncate(hw);
  }
  ensure_fetcher(state.leader);
}

void Broker::fail_waiting(int partition, Error error) {
  Replica& r = replica(partition);
  for (WaitingProduce& w : r.waiting) {
    auto reply = std::make_shared<ProduceReply>();
    reply->error = error;
    w.responder.reply(std::move(reply));
  }
  r.waiting.clear();
}

// Kafka's log retention task: every log.retention.check.interval.ms, each log on this broker.
sim::Task<void> Broker::run_retention() {
  for (;;) {
    co_await sim::sleep(options().retention_check_interval);
    for (int p = 0; p < options().partitions; ++p) {
      if (!replica(p).held) continue;
      for (const Deleted& d : log(p).apply_retention(now(), high_watermark(p)))
        trace("queue.retention", fmt::format("p{}: offsets {} to {} deleted by {}, log start now {}", p, d.from, d.to,
                                             d.reason, log(p).start()));
    }
  }
}

void Broker::append(int partition, Batch batch) {
  PartitionLog& l = log(partition);
  batch.base = l.end();
  batch.appended = now();
  l.append(batch);
  if (options().flush_messages && l.end() - l.flushed() >= *options().flush_messages) l.flush();
  context_->world.trace().fold(now(), self_, "queue.append", partition, l.end());
}

}  // namespace queue
