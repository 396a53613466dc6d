// Faults written back as scenario YAML: the fixed fault item that `faults:` reads into the same
// FaultAction. Shrink uses it to turn the random faults that fired into fixed ones.
//
// Determinism: durations are written exactly (whole nanoseconds), so the item reads back into
// the action it was written from.
#pragma once

#include <yaml-cpp/yaml.h>

#include "sim/kernel/fault_spec.hpp"

namespace sim {

/// `{ at: <at>, <kind>: { ... } }`, node references by the names they were written with.
YAML::Node fault_item(Duration at, const FaultAction& action);

/// A duration distribution as `latency:` reads it: a bare duration when constant.
YAML::Node duration_dist_yaml(const DurationDist& dist);

}  // namespace sim
