#include "models/snowflake/load.hpp"

#include <cmath>

#include "models/snowflake/process.hpp"
#include "sim/kernel/assert.hpp"
#include "sim/kernel/distribution.hpp"

namespace snowflake {
namespace {

// The time of the k-th arrival at `rate`, exactly: floor(k * per / count).
sim::Duration constant_offset(const sim::Rate& rate, std::int64_t k) {
  auto ns = static_cast<__int128>(k) * rate.per.ns() / rate.count;
  return sim::Duration::nanoseconds(static_cast<std::int64_t>(ns));
}

}  // namespace

LoadDriver::LoadDriver(std::shared_ptr<Recorder> recorder, sim::Duration length)
    : recorder_(std::move(recorder)), end_(sim::Instant::zero() + length) {
  const SnowflakeOptions& options = recorder_->options();
  sim::World& world = recorder_->world();
  std::uint32_t count = recorder_->node_count();
  for (std::uint32_t i = 0; i < count; ++i) {
    sim::Rate rate = options.rate_of(static_cast<int>(i));
    sim::Duration gap = constant_offset(rate, 1);
    sim::Instant phase = sim::Instant::zero() + gap * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(count);
    sources_.push_back(Source{rate, world.rng("snowflake/arrivals/" + options.node_name(static_cast<int>(i))), phase});
  }
}

void LoadDriver::start() {
  for (std::uint32_t i = 0; i < sources_.size(); ++i) {
    Source& source = sources_[i];
    sim::Instant first =
        recorder_->options().arrival == Arrival::constant ? source.phase : next_arrival(source, sim::Instant::zero());
    schedule(i, first);
  }
}

void LoadDriver::schedule(std::uint32_t index, sim::Instant at) {
  if (at >= end_) return;
  recorder_->world().schedule_at(at, sim::no_node, 0, [this, index] { arrive(index); });
}

sim::Instant LoadDriver::next_arrival(Source& source, sim::Instant now) {
  if (recorder_->options().arrival == Arrival::constant) {
    ++source.arrivals;
    return source.phase + constant_offset(source.rate, source.arrivals);
  }
  double mean_ns = static_cast<double>(source.rate.per.ns()) / static_cast<double>(source.rate.count);
  auto gap = static_cast<std::int64_t>(std::llround(sim::sample_exponential(source.rng, mean_ns)));
  return now + sim::Duration::nanoseconds(gap);
}

void LoadDriver::arrive(std::uint32_t index) {
  sim::World& world = recorder_->world();
  Request request{next_request_++, world.now()};
  ++recorder_->tally(index).requests;
  sim::Node& node = world.node(recorder_->node_id(index));
  if (node.state() == sim::NodeState::crashed) {
    recorder_->record_failure(index, request, FailureKind::unavailable, 0);
  } else {
    auto* process = node.process<GeneratorProcess>();
    SIM_ASSERT(process != nullptr, "a generator node is up without its process: was the World booted?");
    process->accept(request);
  }
  schedule(index, next_arrival(sources_[index], world.now()));
}

}  // namespace snowflake
