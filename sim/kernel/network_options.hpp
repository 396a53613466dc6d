// Options of the simulated network, as a scenario's `network:` section writes them.
#pragma once

#include <string>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

namespace sim {

/// How one direction of a link behaves.
struct LinkOptions {
  DurationDist latency = DurationDist::constant(Duration::microseconds(500));  ///< one-way delay
  Ratio loss{0, 1};       ///< share of messages dropped
  Ratio duplicate{0, 1};  ///< share of messages delivered twice
  /// TCP-like: messages on one connection arrive in the order sent (a later message never
  /// overtakes an earlier one, it waits behind it). false: datagrams that may reorder.
  bool fifo = true;
  bool operator==(const LinkOptions&) const = default;
};

/// One override for the links between a node (or a role, written "role:NAME", or "*") and
/// another, in both directions.
struct LinkOverride {
  std::string from;
  std::string to;
  LinkOptions options;
};

struct NetworkOptions {
  LinkOptions defaults;
  std::vector<LinkOverride> links;  ///< later entries win over earlier ones
};

}  // namespace sim
