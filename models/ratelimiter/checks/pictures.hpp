// What the rate limiter adds to a run's pictures: for the worst key, the requests it admitted
// in the trailing window at each admission, against its limit.
//
// The checks keep about one window of each key (decision_stream.hpp); the plot needs the worst
// key's whole run, and which key is worst is known only at the end. So a run that gathers
// pictures (and only such a run) keeps every admission's release time, 8 bytes each, in a
// ReleaseHistory watching the decisions beside the checks.
//
// Determinism: keys are dense integers; each key's times are sorted by value at the end.
#pragma once

#include <span>
#include <vector>

#include "models/ratelimiter/checks/decision_stream.hpp"
#include "models/ratelimiter/observations.hpp"
#include "sim/results/pictures.hpp"

namespace ratelimiter {

/// Every admission's release time, per key.
class ReleaseHistory final : public DecisionObserver {
public:
  explicit ReleaseHistory(const Population& population);
  void observe(const Decided& decision, sim::Instant now, sim::Instant horizon) override;
  /// `key`'s release times in ascending order.
  std::span<const sim::Instant> of(Key key) const;

private:
  const Population& population_;
  mutable std::vector<std::vector<sim::Instant>> released_;
  mutable std::vector<bool> sorted_;
};

/// The plot of `worst`'s admissions per window over true time, at most about 800 points (the
/// busiest count of each of 400 slices of the run, and the slice's first), with its limit.
sim::Plot worst_key_plot(const Observations& observations, const ReleaseHistory& released, const KeyPeak& worst);

}  // namespace ratelimiter
