// Rates over the run's length. A generator with a backlog may still issue ids at the run's last
// instant (the run includes it), so rates count only ids issued within [0, length): a node at
// its ceiling measures exactly 4,096,000/s, never a millisecond more.
#pragma once

#include <cstdint>
#include <vector>

#include "models/snowflake/observations.hpp"

namespace snowflake {

/// Ids issued within [0, length), by node index.
std::vector<std::uint64_t> issued_within_length(const Observations& observations);
/// `count` events over `length`, per second.
double per_second(std::uint64_t count, sim::Duration length);

}  // namespace snowflake
