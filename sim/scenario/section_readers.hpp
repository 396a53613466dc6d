// The readers of a scenario's sections, one per top-level key the loader owns. Each takes the
// section's ParamReader, so every message names the section path ("faults[2].pause.node").
// Internal to the loader; models use ParamReader alone.
#pragma once

#include <vector>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/network_options.hpp"
#include "sim/kernel/time.hpp"
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

/// `network:`: default link options, then `links:` overrides. Every node a link names is also
/// appended to `link_nodes` with its place.
NetworkOptions read_network(ParamReader section, std::vector<NodeRef>& link_nodes);

/// `faults:`: each item is `at:` plus exactly one fault, or `random:` alone. Times must fall
/// within [0, run_length].
void read_faults(std::vector<ParamReader> items, Duration run_length, std::vector<FaultSpec>& faults,
                 std::vector<RandomFaultSpec>& random_faults);
/// One fixed-time fault item; `kind` is its fault key ("pause", "partition", ...).
FaultSpec read_fixed_fault(ParamReader& item, const std::string& kind, Duration run_length);
/// The `random:` mapping of one item.
RandomFaultSpec read_random_fault(ParamReader section, Duration run_length);

/// `expect:`: violated and held check names; no name in both.
Expect read_expect(ParamReader section);
/// `requirements:`: metric -> "< 50ms", ">= 0.99", "> 4000000/s", in document order. The value
/// is in the metric's base unit: durations in ns, rates per second, "99.9%" as 0.999, plain
/// numbers as written.
std::vector<Requirement> read_requirements(ParamReader section);

}  // namespace sim
