// Timing two contestants against each other: warm both up, size the batch so the slower one
// takes about the wanted time, then alternate timed batches and keep the median of each.
// The two must do the same work: after the same number of events they must have reached the
// same simulated time, which the harness checks.
#pragma once

#include <cstdint>

#include "bench/contestant.hpp"

namespace bench {

struct Plan {
  double seconds_per_batch = 0.5;  ///< wall time wanted for one timed batch of the slower one
  int batches = 5;                 ///< timed batches per contestant; the median is reported
  std::uint64_t warmup_events = 200'000;  ///< warm-up is the larger of this and 2 x pending
  std::uint64_t calibration_events = 50'000;
};

struct Timing {
  double median_ns = 0;  ///< per event
  double spread = 0;     ///< (max - min) / median over the batches
};

struct Comparison {
  Timing kernel;  ///< wall time (steady_clock)
  Timing baseline;
  Timing kernel_cpu;  ///< the same batches, this thread's CPU time: robust when the machine is shared
  Timing baseline_cpu;
  std::uint64_t events_per_batch = 0;
  double ratio() const { return kernel.median_ns / baseline.median_ns; }
  double cpu_ratio() const { return kernel_cpu.median_ns / baseline_cpu.median_ns; }
};

Comparison compare(Contestant& kernel, Contestant& baseline, std::uint64_t pending, const Plan& plan);

}  // namespace bench
