// The meaning of the keys the loader owns (the scenario's top level, `network:`, `expect:`,
// `requirements:`), of every fault kind and its fields, and of every duration distribution,
// with one sample of each fault and distribution. The samples are read by the loader's own
// readers to learn each field's type, default and range (models/catalog.hpp); they are also the
// examples `designsim new` writes. A test checks that every fault kind the loader knows has a
// sample and every field a line here.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/option_log.hpp"

namespace sim {

struct FaultSample {
  std::string kind;     ///< the item's fault key, or "random KIND"
  std::string yaml;     ///< one item of `faults:`, as a flow mapping
  std::string meaning;  ///< one line
};

/// One sample per fixed fault key (partition: one per shape) and per random kind.
const std::vector<FaultSample>& fault_samples();
/// One sample per distribution kind, `kind` being its `dist:` value.
const std::vector<FaultSample>& dist_samples();
/// Keys the loader owns, by path: "seed", "network.links[].from", "expect.violated".
const std::vector<OptionDoc>& scenario_option_docs();
/// Fields of fault items, by path within the item: "at", "pause.node", "random.kind".
const std::vector<OptionDoc>& fault_field_docs();
/// Fields of a distribution mapping: "dist", "min", "median".
const std::vector<OptionDoc>& dist_field_docs();
/// A scenario that visits every key the loader owns (its faults aside), for the log.
const std::string& scenario_sample();

}  // namespace sim
