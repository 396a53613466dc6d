// Timing contestants against each other: warm each up, size the batch so the slowest takes
// about the wanted time, then run timed batches in turn (one of each contestant per round) and
// keep the median of each. All must do the same work: after the same number of events they
// must have reached the same simulated time, which the harness checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/contestant.hpp"

namespace bench {

struct Plan {
  double seconds_per_batch = 0.5;         ///< wall time wanted for one timed batch of the slowest
  int batches = 5;                        ///< timed batches per contestant; the median is reported
  std::uint64_t warmup_events = 200'000;  ///< warm-up is the larger of this and 2 x pending
  std::uint64_t calibration_events = 50'000;
};

struct Timing {
  double median_ns = 0;  ///< per event
  double spread = 0;     ///< (max - min) / median over the batches
};

/// Which clock a figure reads.
enum class ClockKind { wall, cpu };

struct Entrant {
  std::string name;
  Contestant* contestant;
};

struct Result {
  std::string name;
  Timing wall;  ///< steady_clock
  Timing cpu;   ///< the same batches, this thread's CPU time: robust when the machine is shared
  const Timing& on(ClockKind clock) const { return clock == ClockKind::wall ? wall : cpu; }
};

struct Comparison {
  std::vector<Result> results;  ///< in the order of the entrants: the kernel first
  std::uint64_t events_per_batch = 0;
  const Result& kernel() const { return results.front(); }
  /// The fastest of the baselines (every result but the first) on `clock`.
  const Result& best_baseline(ClockKind clock) const;
  const Result& named(const std::string& name) const;
  double ratio_to_best(ClockKind clock) const {
    return kernel().on(clock).median_ns / best_baseline(clock).on(clock).median_ns;
  }
};

/// Times `entrants` (the kernel first, then its baselines), each holding `pending` events.
Comparison compare(const std::vector<Entrant>& entrants, std::uint64_t pending, const Plan& plan);

}  // namespace bench
