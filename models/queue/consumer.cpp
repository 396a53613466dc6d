#include "models/queue/consumer.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include "models/queue/isolation.hpp"
#include "models/queue/offset_reset.hpp"
#include "models/queue/recorder.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {

Consumer::Consumer(std::shared_ptr<Context> context)
    : context_(std::move(context)),
      self_(context_->consumer),
      metadata_(*context_, self_),
      positions_(static_cast<std::size_t>(context_->options.partitions), 0),
      stopped_(static_cast<std::size_t>(context_->options.partitions), false) {}

void Consumer::install(const std::shared_ptr<Context>& context) {
  sim::NodeId node = context->consumer;
  context->world.node(node).set_boot([context, node] {
    auto consumer = std::make_shared<Consumer>(context);
    context->world.node(node).set_process(consumer);
    consumer->start();
  });
}

void Consumer::start() {
  metadata_.refresh();
  for (int p = 0; p < context_->options.partitions; ++p)
    sim::spawn(context_->world.executor(self_), run_partition(p));
}

sim::Task<void> Consumer::run_partition(int partition) {
  sim::Executor ex = context_->world.executor(self_);
  const QueueOptions& o = context_->options;
  while (!stopped_[static_cast<std::size_t>(partition)]) {
    int leader = metadata_.leader(partition);
    bool ok = false;
    if (leader != no_leader) {
      auto request = std::make_shared<FetchRequest>();
      request->read_committed = o.isolation == Isolation::read_committed;
      request->partitions.push_back(FetchPartition{partition, positions_[static_cast<std::size_t>(partition)], -1,
                                                   metadata_.leader_epoch(partition)});
      sim::error_code ec;
      sim::MessagePtr answer =
          co_await context_->world.rpc().call(ex, context_->brokers[static_cast<std::size_t>(leader)], request,
                                              o.request_timeout, boost::asio::redirect_error(sim::use_awaitable, ec));
      const auto* reply = ec ? nullptr : dynamic_cast<const FetchReply*>(answer.get());
      ok = reply && !reply->partitions.empty() && take(partition, reply->partitions.front());
    }
    if (ok) continue;
    metadata_.refresh();
    co_await sim::sleep(o.retry_backoff);
  }
}

bool Consumer::take(int partition, const FetchedPartition& got) {
  Offset& position = positions_[static_cast<std::size_t>(partition)];
  if (got.error == Error::offset_out_of_range) {
    ResetTarget target = reset_target(context_->options.auto_offset_reset, position, got);
    sim::Instant now = context_->world.now();
    if (!target.to) {
      context_->world.trace().record(now, self_, "queue.consumer_error",
                                     fmt::format("p{}: OFFSET_OUT_OF_RANGE at {} below the log start {}, and "
                                                 "auto.offset.reset is none: the consumer stops",
                                                 partition, position, got.log_start));
      context_->recorder->failed(ConsumerError{0, partition, position, got.log_start, now});
      stopped_[static_cast<std::size_t>(partition)] = true;
      return true;
    }
    context_->world.trace().record(now, self_, "queue.offset_reset", describe_reset(partition, position, target));
    context_->recorder->repositioned(Reposition{0, partition, position, *target.to, now, target.why});
    position = *target.to;
    return true;
  }
  if (got.error != Error::none) return false;
  bool read_committed = context_->options.isolation == Isolation::read_committed;
  for (const Batch& piece : take_visible(got, position, read_committed, *context_->recorder))
    context_->recorder->polled(partition, piece);
  return true;
}

}  // namespace queue
