#include "sim/kernel/random_faults.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"

namespace sim {

RandomFaultGenerator::RandomFaultGenerator(const RandomFaultSpec& spec, Rng rng, std::vector<NodeRef> targets,
                                           NodeRef everyone, Duration run_length)
    : spec_(spec),
      rng_(rng),
      targets_(std::move(targets)),
      everyone_(std::move(everyone)),
      stop_(spec.stop ? std::min(*spec.stop, run_length) : run_length),
      mean_gap_ns_(static_cast<double>(spec.rate.per.ns()) / static_cast<double>(spec.rate.count)),
      at_(spec.start) {
  SIM_ASSERT(!targets_.empty(), "a random fault without targets");
}

std::optional<Duration> RandomFaultGenerator::next_at() {
  if (at_ >= stop_) return std::nullopt;
  at_ += Duration::nanoseconds(static_cast<std::int64_t>(sample_exponential(rng_, mean_gap_ns_)) + 1);
  if (at_ >= stop_) return std::nullopt;
  return at_;
}

FaultAction RandomFaultGenerator::draw() {
  const NodeRef& target = targets_[rng_.below(targets_.size())];
  switch (spec_.kind) {
    case RandomFaultSpec::Kind::pause:
      return PauseFault{target, spec_.duration.sample(rng_)};
    case RandomFaultSpec::Kind::clock_step: {
      int sign = spec_.step_sign != 0 ? spec_.step_sign : (rng_.below(2) == 0 ? 1 : -1);
      return ClockStepFault{target, spec_.step.sample(rng_) * sign};
    }
    case RandomFaultSpec::Kind::clock_drift:
      return ClockDriftFault{target, rng_.between(-spec_.drift_ppm, spec_.drift_ppm)};
    case RandomFaultSpec::Kind::crash:
      return CrashFault{target, spec_.duration.sample(rng_), true};
    case RandomFaultSpec::Kind::isolate: {
      PartitionFault p;
      p.shape = PartitionFault::Shape::isolate;
      p.node = target;
      p.duration = spec_.duration.sample(rng_);
      return p;
    }
    case RandomFaultSpec::Kind::slow_link:
    case RandomFaultSpec::Kind::loss: {
      LinkFault l;
      l.kind = spec_.kind == RandomFaultSpec::Kind::loss ? LinkFault::Kind::loss : LinkFault::Kind::slow_link;
      l.from = target;
      l.to = everyone_;
      l.latency = spec_.latency;
      l.ratio = spec_.ratio;
      l.duration = spec_.duration.sample(rng_);
      return l;
    }
  }
  SIM_ASSERT(false, "unknown random fault kind");
  return HealFault{};
}

}  // namespace sim
