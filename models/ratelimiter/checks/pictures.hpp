// What the rate limiter adds to a run's pictures: for the worst key, the requests it admitted
// in the trailing window at each admission, against its limit.
#pragma once

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/checks/key_times.hpp"
#include "sim/results/pictures.hpp"

namespace ratelimiter {

/// The plot of `worst`'s admissions per window over true time, at most about 800 points (the
/// busiest count of each of 400 slices of the run, and the slice's first), with its limit.
sim::Plot worst_key_plot(const Observations& observations, const KeyTimes& released, const KeyPeak& worst);

}  // namespace ratelimiter
