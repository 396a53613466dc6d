#include "models/ratelimiter/ratelimiter_model.hpp"

#include "models/ratelimiter/checks/findings.hpp"
#include "models/ratelimiter/placements/server.hpp"
#include "models/ratelimiter/text.hpp"
#include "models/ratelimiter/algorithms/units.hpp"
#include "models/redis/server/server.hpp"
#include "sim/kernel/assert.hpp"

namespace ratelimiter {

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> names{"over_admission", "false_rejections", "added_latency",
                                              "redis_unavailable", "redis_memory"};
  return names;
}

void RateLimiterModel::configure(sim::ParamReader& params) {
  options_ = read_options(params);
  configured_ = true;
}

std::vector<sim::NodeId> RateLimiterModel::add_servers(sim::World& world) const {
  // Every server draws its skew, overridden or not, so one override shifts no other.
  sim::Rng skews = world.rng("ratelimiter/skew");
  std::int64_t spread_ns = options_.skew_spread.ns();
  std::vector<sim::NodeId> servers;
  for (int i = 0; i < options_.server_count; ++i) {
    sim::ClockOptions clock;
    clock.skew = sim::Duration::nanoseconds(skews.between(-spread_ns, spread_ns));
    for (const auto& [index, skew] : options_.skews)
      if (index == i) clock.skew = skew;
    servers.push_back(world.add_node(options_.server_name(i), {"api"}, clock));
  }
  return servers;
}

void RateLimiterModel::build(sim::World& world, sim::Duration length) {
  SIM_ASSERT(!context_, "the rate limiter model was built twice");
  SIM_ASSERT(configured_, "the rate limiter model was built before it was configured");
  auto population =
      std::make_shared<const Population>(options_, world.rng("ratelimiter/tiers"), world.rng("ratelimiter/ips"));
  std::vector<sim::NodeId> servers = add_servers(world);
  std::shared_ptr<redis::Deployment> deployment;
  if (options_.uses_redis()) {
    deployment = std::make_shared<redis::Deployment>(options_.redis);
    deployment->build(world);
  }
  auto recorder = std::make_shared<Recorder>(world, population, servers, length);
  if (options_.placement == Placement::redis)
    recorder->observations().granularity = sim::Duration::nanoseconds(unit_ns(options_.now_unit));
  decisions_ = std::make_shared<DecisionStream>(recorder->observations());
  recorder->watch(decisions_);
  if (keep_history_) {
    history_ = std::make_shared<ReleaseHistory>(*population);
    recorder->watch(history_);
  }
  for (std::uint32_t i = 0; i < servers.size(); ++i)
    recorder->tally(i).configured_skew = world.node(servers[i]).clock().wall_offset(sim::Instant::zero());
  context_ = std::make_shared<Context>(Context{world, options_, population, recorder, deployment});
  for (std::uint32_t i = 0; i < servers.size(); ++i) {
    sim::NodeId node = servers[i];
    world.node(node).set_boot([context = context_, i, node] {
      context->world.node(node).set_process(std::make_shared<ApiServer>(context, i));
    });
  }
  if (deployment) {
    for (sim::NodeId node : deployment->servers())
      recorder->observations().redis.push_back(RedisMemory{world.node(node).name()});
    world.schedule_at(sim::Instant::zero(), sim::no_node, 0, [this] { sample_memory(); });
  }
  driver_ = std::make_unique<LoadDriver>(context_, length);
  driver_->start();
}

void RateLimiterModel::sample_memory() {
  const redis::Deployment& deployment = *context_->redis;
  std::vector<sim::NodeId> nodes = deployment.servers();
  std::vector<RedisMemory>& memory = context_->recorder->observations().redis;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    memory[i].peak_bytes = std::max(memory[i].peak_bytes, deployment.memory_bytes(nodes[i]));
  context_->world.schedule_at(context_->world.now() + sim::Duration::seconds(1), sim::no_node, 0,
                              [this] { sample_memory(); });
}

void RateLimiterModel::settle_end_figures(sim::World& world) {
  Recorder& recorder = *context_->recorder;
  for (std::uint32_t i = 0; i < recorder.server_count(); ++i) {
    sim::Node& node = world.node(recorder.server_node(i));
    ServerTally& tally = recorder.tally(i);
    tally.wall_offset_end = node.clock().wall_offset(world.now());
    const auto* process = node.state() == sim::NodeState::crashed ? nullptr : node.process<ApiServer>();
    tally.keys_held = process ? process->keys_held() : 0;
  }
  if (const redis::Deployment* deployment = context_->redis.get()) {
    std::vector<sim::NodeId> nodes = deployment->servers();
    std::vector<RedisMemory>& memory = recorder.observations().redis;
    redis::DeploymentStats stats = deployment->stats();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      memory[i].boots = stats.servers[i].figures.boots;
      const redis::Server* server = deployment->server(nodes[i]);
      memory[i].end_bytes = server ? server->memory_bytes() : 0;
      memory[i].end_keys = server ? server->key_count() : 0;
      memory[i].peak_bytes = std::max(memory[i].peak_bytes, memory[i].end_bytes);
    }
  }
  recorder.close();
}

sim::Table RateLimiterModel::redis_table() const {
  redis::DeploymentStats stats = context_->redis->stats();
  sim::Table table;
  table.title = "Redis servers";
  table.columns = {"server", "role at end", "commands served", "queue peak", "keys", "memory bytes"};
  for (const redis::ServerReport& server : stats.servers)
    table.rows.push_back({server.name, server.role, group_digits(server.figures.commands_served),
                          group_digits(server.figures.queue_peak), group_digits(server.keys),
                          group_digits(server.memory_bytes)});
  return table;
}

sim::Findings RateLimiterModel::finish(sim::World& world, const sim::FaultActivity&) {
  SIM_ASSERT(context_, "the rate limiter model finished before it was built");
  settle_end_figures(world);
  sim::Findings findings =
      judge(options_, context_->recorder->observations(), *decisions_, history_.get(), world.metrics());
  if (context_->redis) findings.tables.push_back(redis_table());
  return findings;
}

}  // namespace ratelimiter
