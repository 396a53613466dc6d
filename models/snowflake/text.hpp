// Plain text for the Snowflake model's summaries: counts with thousands separators, rates.
// Locale-free, so a report reads the same on every machine.
#pragma once

#include <cstdint>
#include <string>

#include "sim/kernel/time.hpp"

namespace snowflake {

/// 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t value);
/// "1 id", "4,600 ids".
std::string count_of(std::uint64_t count, const char* singular, const char* plural);
/// A rate per second, rounded to a whole number: "4,096,000/s".
std::string per_second_text(double per_second);
/// A duration in milliseconds with three decimals: "12.345 ms".
std::string ms_text(sim::Duration d);

}  // namespace snowflake
