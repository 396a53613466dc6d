// What the Snowflake model adds to a run's pictures: the id timeline of the node whose clock
// moved (the timestamp field of each id it issued, against true time), where ids that go back
// in time are the duplicates and the disorder the checks count.
#pragma once

#include <optional>

#include "models/snowflake/observations.hpp"
#include "sim/results/pictures.hpp"

namespace snowflake {

/// The timeline of the node whose wall clock ended farthest from true time; none when every
/// clock ended where true time was, or that node issued nothing.
std::optional<sim::Plot> moved_clock_plot(const Observations& observations);

}  // namespace snowflake
