// What the lock model adds to a run's pictures: each client's belief that it held the lock, as
// a bar on its lane from the grant to its end.
#pragma once

#include <vector>

#include "models/lock/record.hpp"
#include "sim/results/pictures.hpp"

namespace lock {

/// One interval per grant, in grant order; a belief still held at the end runs to the run's end.
std::vector<sim::LaneInterval> belief_intervals(const Observations& observations);

}  // namespace lock
