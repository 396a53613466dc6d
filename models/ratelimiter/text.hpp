// Plain text for the rate limiter's summaries: shares of a whole. Counts and durations are
// written as every result writes them (sim/results/text.hpp). Locale-free, so a report reads
// the same on every machine.
#pragma once

#include <cstdint>
#include <string>

#include "sim/results/text.hpp"

namespace ratelimiter {

// The shared writers, by the short names the model's summaries have always used.
using sim::count_of;
using sim::group_digits;

/// part of whole as a percentage with up to three decimals: "0.125%"; "0%" when whole is 0.
std::string percent_of(std::uint64_t part, std::uint64_t whole);

}  // namespace ratelimiter
