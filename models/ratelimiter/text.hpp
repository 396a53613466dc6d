// Plain text for the rate limiter's summaries: counts with thousands separators, shares,
// durations. Locale-free, so a report reads the same on every machine.
#pragma once

#include <cstdint>
#include <string>

#include "sim/kernel/time.hpp"

namespace ratelimiter {

/// 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t value);
/// "1 request", "4,600 requests".
std::string count_of(std::uint64_t count, const char* singular, const char* plural);
/// part of whole as a percentage with up to three decimals: "0.125%"; "0%" when whole is 0.
std::string percent_of(std::uint64_t part, std::uint64_t whole);
/// A duration in the largest unit that reads well, three significant decimals: "4.21 ms".
std::string duration_text(sim::Duration d);

}  // namespace ratelimiter
