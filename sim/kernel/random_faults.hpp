// A random fault generator: the Poisson process of one RandomFaultSpec, drawn lazily. It keeps
// one fault pending: the time of the next is drawn when the previous one applies, so a high
// rate over a long run holds one event in the queue, never a schedule drawn up front.
//
// Determinism: each generator draws from its own stream, in one fixed order per fault: the gap
// before it, then its target, then its own values. Drawn lazily or all at once, one seed gives
// the same faults at the same times.
#pragma once

#include <optional>
#include <vector>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/random.hpp"

namespace sim {

class RandomFaultGenerator {
public:
  /// `targets`: one resolved reference per distinct node the spec aims at (not empty);
  /// `everyone`: a reference resolved to every node, the far end of a link fault. Draws stop
  /// at the spec's stop, or at `run_length` when it has none.
  RandomFaultGenerator(const RandomFaultSpec& spec, Rng rng, std::vector<NodeRef> targets, NodeRef everyone,
                       Duration run_length);

  /// The time of the next fault, from the start of the run; nullopt once past the stop.
  std::optional<Duration> next_at();
  /// The fault due at the time next_at() gave: its target and its values.
  FaultAction draw();

private:
  struct Drawing;

  const RandomFaultSpec spec_;
  Rng rng_;
  std::vector<NodeRef> targets_;
  NodeRef everyone_;
  Duration stop_;
  double mean_gap_ns_;
  Duration at_;
};

}  // namespace sim
