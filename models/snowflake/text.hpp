// Plain text for the Snowflake model's summaries: rates. Counts and durations are written as
// every result writes them (sim/results/text.hpp). Locale-free, so a report reads the same on
// every machine.
#pragma once

#include <string>

#include "sim/results/text.hpp"

namespace snowflake {

// The shared writers, by the short names the model's summaries have always used.
using sim::count_of;
using sim::group_digits;

/// A rate per second, rounded to a whole number: "4,096,000/s".
std::string per_second_text(double per_second);

}  // namespace snowflake
