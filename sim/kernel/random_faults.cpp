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

// One way to draw per random kind and no generic fallback: a kind added without its drawing
// does not compile. The target is drawn first, then the kind's values, in field order.
struct RandomFaultGenerator::Drawing {
  Rng& rng;
  const NodeRef& target;
  const NodeRef& everyone;

  FaultAction operator()(const RandomPause& k) const { return PauseFault{target, k.duration.sample(rng)}; }
  FaultAction operator()(const RandomClockStep& k) const {
    int sign = k.sign != 0 ? k.sign : (rng.below(2) == 0 ? 1 : -1);
    return ClockStepFault{target, k.step.sample(rng) * sign};
  }
  FaultAction operator()(const RandomClockDrift& k) const {
    return ClockDriftFault{target, rng.between(-k.ppm, k.ppm)};
  }
  FaultAction operator()(const RandomCrash& k) const {
    return CrashFault{target, k.duration.sample(rng), k.lose_unsynced};
  }
  FaultAction operator()(const RandomIsolate& k) const {
    PartitionFault p;
    p.shape = PartitionFault::Shape::isolate;
    p.node = target;
    p.duration = k.duration.sample(rng);
    return p;
  }
  FaultAction operator()(const RandomSlowLink& k) const {
    LinkFault l = link(LinkFault::Kind::slow_link);
    l.latency = k.latency;
    l.duration = k.duration.sample(rng);
    return l;
  }
  FaultAction operator()(const RandomLoss& k) const {
    LinkFault l = link(LinkFault::Kind::loss);
    l.ratio = k.ratio;
    l.duration = k.duration.sample(rng);
    return l;
  }
  /// Between the target and every node.
  LinkFault link(LinkFault::Kind kind) const {
    LinkFault l;
    l.kind = kind;
    l.from = target;
    l.to = everyone;
    return l;
  }
};

FaultAction RandomFaultGenerator::draw() {
  const NodeRef& target = targets_[rng_.below(targets_.size())];
  return std::visit(Drawing{rng_, target, everyone_}, spec_.kind);
}

}  // namespace sim
