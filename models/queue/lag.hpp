// The group's consumer lag over the run, as kafka-consumer-groups shows it: per partition, its
// leader's high watermark less the group's committed offset (none committed: 0). Read from
// outside the nodes, as an operator's monitoring would, at most 200 times a run (a slice of
// the run's length / 200, at least 100 ms), so the series stays small however long the run.
// The samples are events of no node: they change nothing and record nothing in the trace.
//
// Determinism: partitions and brokers by index; samples in time order.
#pragma once

#include <memory>

#include "models/queue/context.hpp"
#include "models/queue/recorder.hpp"
#include "sim/results/pictures.hpp"

namespace queue {

/// Samples the lag every slice from the run's start to `end`.
void sample_lag(const std::shared_ptr<Context>& context, sim::Instant end);

/// The largest lag sampled: how many messages, on which partition, when.
struct LagPeak {
  std::int64_t lag = 0;
  int partition = -1;  ///< -1: no sample
  sim::Instant at;
};
LagPeak lag_peak(const Observations& o);

/// The chart: one line per partition, the peak marked.
sim::Plot lag_plot(const Observations& o);

}  // namespace queue
