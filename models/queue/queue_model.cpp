#include "models/queue/queue_model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/queue/broker.hpp"
#include "models/queue/checks.hpp"
#include "models/queue/consumer.hpp"
#include "models/queue/controller.hpp"
#include "models/queue/lag.hpp"
#include "models/queue/member.hpp"
#include "models/queue/sink.hpp"
#include "models/queue/partitioner.hpp"
#include "models/queue/producer.hpp"
#include "sim/kernel/assert.hpp"

namespace queue {

void QueueModel::configure(sim::ParamReader& params) { options_ = read_options(params); }

std::vector<std::string> QueueModel::check_names() const { return queue::check_names(); }

void QueueModel::add_nodes(sim::World& world) {
  for (int i = 0; i < options_.controllers; ++i)
    context_->controllers.push_back(world.add_node(options_.controller_name(i), {"controller"}));
  for (int i = 0; i < options_.brokers; ++i)
    context_->brokers.push_back(world.add_node(options_.broker_name(i), {"broker"}));
  context_->producer = world.add_node("producer-1", {"producer", "client"});
  if (options_.group_members == 0) context_->consumer = world.add_node("consumer-1", {"consumer", "client"});
  for (int i = 0; i < options_.group_members; ++i)
    context_->members.push_back(world.add_node(fmt::format("consumer-{}", i + 1), {"consumer", "client"}));
}

void QueueModel::build(sim::World& world, sim::Duration length) {
  SIM_ASSERT(!context_, "the queue model was built twice");
  context_ = std::make_shared<Context>(
      Context{world, options_, {}, {}, sim::no_node, sim::no_node, {}, nullptr, {}, nullptr});
  context_->sink = std::make_shared<Sink>(options_.sink, options_.partitions);
  add_nodes(world);
  BrokerDisk empty;
  empty.logs.assign(static_cast<std::size_t>(options_.partitions), PartitionLog(options_.retention));
  empty.high_watermarks.assign(static_cast<std::size_t>(options_.partitions), 0);
  empty.committed.assign(static_cast<std::size_t>(options_.partitions), -1);
  context_->disks.assign(static_cast<std::size_t>(options_.brokers), empty);
  context_->recorder = std::make_shared<Recorder>(world, options_.partitions);
  Observations& o = context_->recorder->observations();
  o.produce_start = sim::Instant::zero();
  o.produce_stop = sim::Instant::zero() + std::max(sim::Duration::zero(), length - options_.drain);
  o.run_end = sim::Instant::zero() + length;
  o.group = options_.group_members > 0;
  o.read_committed = options_.isolation == Isolation::read_committed;
  if (options_.keys > 0) o.keys_by_partition = KeyedRouting(options_.keys, options_.partitions).by_partition();
  install_controllers(context_);
  Broker::install(context_);
  Producer::install(context_);
  if (options_.group_members == 0) Consumer::install(context_);
  GroupMember::install(context_);
  if (o.group) sample_lag(context_, o.run_end);
  world.on_crash([this](sim::NodeId node) { on_crash(node); });
}

// A machine crash takes the page cache: each log keeps what was written back or fsynced.
void QueueModel::on_crash(sim::NodeId node) {
  int b = context_->broker_index(node);
  if (b < 0) return;
  sim::World& world = context_->world;
  BrokerDisk& disk = context_->disks[static_cast<std::size_t>(b)];
  std::uint32_t crashes = world.node(node).machine_crashes();
  if (crashes == disk.machine_crashes_seen) return;
  disk.machine_crashes_seen = crashes;
  for (std::size_t p = 0; p < disk.logs.size(); ++p) {
    PartitionLog& log = disk.logs[p];
    Offset before = log.end();
    std::int64_t lost = log.lose_unflushed(world.now(), options_.writeback);
    if (lost == 0) continue;
    world.metrics().add("page_cache_lost", lost);
    world.trace().record(world.now(), node, "queue.page_cache_lost",
                         fmt::format("p{}: offsets {} to {} were not on disk", p, log.end(), before));
  }
}

}  // namespace queue
