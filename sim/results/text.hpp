// How results are written as text: one spelling per kind of value, shared by the models'
// summaries, the run layer and every report, so that they agree with one another. Durations
// are written by the kernel's to_string (the spelling of the trace and the options); here is
// only the rounding a reader wants in a summary.
//
// Determinism: every function here is a pure function of its arguments, formats through fmt
// (which ignores the locale) and rounds to a fixed number of significant digits, so one value
// gives one text on every run and every machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/kernel/time.hpp"

namespace sim {

/// `d` rounded to `digits` significant digits (1..18), written as the kernel writes every
/// duration: to_string(1.234567ms, 4) is "1.235ms", 15 s stays "15s".
std::string to_string(Duration d, int digits);

/// `value` rounded to `digits` significant digits (1..17); NaN and infinities pass through.
double round_significant(double value, int digits = 6);
/// `value` with at most 6 significant digits: "0.25", "1.23457e+06", "nan".
std::string number_text(double value);
/// A ratio as a percentage with two decimals: 0.037 -> "3.70%".
std::string percent_text(double ratio);
/// 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t value);
/// "1 request", "4,600 requests".
std::string count_of(std::uint64_t count, const char* singular, const char* plural);

/// The trace hash as 16 lower-case hex digits.
std::string hash_text(std::uint64_t hash);
/// "designsim run FILE --seed N", with FILE quoted for a POSIX shell when it needs to be.
std::string replay_command(std::string_view scenario_file, std::uint64_t seed);

}  // namespace sim
