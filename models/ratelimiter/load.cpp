#include "models/ratelimiter/load.hpp"

#include <cmath>

#include "models/ratelimiter/placements/server.hpp"
#include "sim/kernel/assert.hpp"

namespace ratelimiter {

LoadDriver::LoadDriver(std::shared_ptr<Context> context, sim::Duration length)
    : context_(std::move(context)),
      end_(sim::Instant::zero() + length),
      arrivals_(context_->world.rng("ratelimiter/arrivals")),
      users_(context_->world.rng("ratelimiter/users")),
      servers_(context_->world.rng("ratelimiter/servers")),
      zipf_(static_cast<std::uint64_t>(context_->options.user_count), context_->options.user_skew) {}

void LoadDriver::start() {
  sim::World& world = context_->world;
  sim::Instant first = next_arrival(sim::Instant::zero());
  if (first < end_) world.schedule_at(first, sim::no_node, 0, [this] { arrive(); });
  for (std::size_t b = 0; b < context_->options.bursts.size(); ++b) {
    sim::Instant at = burst_time(b, 0);
    if (at < end_) world.schedule_at(at, sim::no_node, 0, [this, b] { burst(b, 0); });
  }
}

sim::Instant LoadDriver::next_arrival(sim::Instant now) {
  const sim::Rate& rate = context_->options.rate;
  if (context_->options.arrival == Arrival::constant) {
    ++constant_arrivals_;
    auto ns = static_cast<__int128>(constant_arrivals_) * rate.per.ns() / rate.count;
    return sim::Instant::zero() + sim::Duration::nanoseconds(static_cast<std::int64_t>(ns));
  }
  double mean_ns = static_cast<double>(rate.per.ns()) / static_cast<double>(rate.count);
  auto gap = static_cast<std::int64_t>(std::llround(sim::sample_exponential(arrivals_, mean_ns)));
  return now + sim::Duration::nanoseconds(gap);
}

sim::Instant LoadDriver::burst_time(std::size_t index, std::int64_t k) const {
  const Burst& b = context_->options.bursts[index];
  std::int64_t total = b.users * b.requests;
  auto offset = static_cast<__int128>(b.over.ns()) * k / total;
  return sim::Instant::zero() + b.at + sim::Duration::nanoseconds(static_cast<std::int64_t>(offset));
}

void LoadDriver::arrive() {
  sim::World& world = context_->world;
  dispatch(static_cast<std::uint32_t>(zipf_.sample(users_) - 1));
  sim::Instant next = next_arrival(world.now());
  if (next < end_) world.schedule_at(next, sim::no_node, 0, [this] { arrive(); });
}

void LoadDriver::burst(std::size_t index, std::int64_t sent) {
  const Burst& b = context_->options.bursts[index];
  dispatch(static_cast<std::uint32_t>(sent % b.users));
  std::int64_t k = sent + 1;
  if (k >= b.users * b.requests) return;
  sim::Instant next = burst_time(index, k);
  if (next < end_) context_->world.schedule_at(next, sim::no_node, 0, [this, index, k] { burst(index, k); });
}

void LoadDriver::dispatch(std::uint32_t user) {
  sim::World& world = context_->world;
  Recorder& recorder = *context_->recorder;
  auto server = static_cast<std::uint16_t>(servers_.below(recorder.server_count()));
  Request request = recorder.dispatch(user, server);
  sim::NodeId node_id = recorder.server_node(server);
  sim::Node& node = world.node(node_id);
  if (node.state() == sim::NodeState::crashed) {
    recorder.record_unserved(request);
    return;
  }
  if (node.state() == sim::NodeState::paused) {
    // Node work: it waits, in order, for the pause to end.
    world.post(node_id, node.incarnation(), [&world, node_id, request] {
      world.node(node_id).process<ApiServer>()->handle(request);
    });
    return;
  }
  auto* process = node.process<ApiServer>();
  SIM_ASSERT(process != nullptr, "an API server is up without its process: was the World booted?");
  process->handle(request);
}

}  // namespace ratelimiter
