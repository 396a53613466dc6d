// How reports write values as text: one spelling per kind of value, shared by the JSON,
// Markdown and console reports so that they agree with one another.
//
// Determinism: every function here is a pure function of its arguments, formats through fmt
// (which ignores the locale) and rounds doubles to a fixed number of significant digits, so
// one RunResult gives one text on every run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/run/result.hpp"
#include "sim/run/sweep_result.hpp"

namespace sim::report {

/// The trace hash as 16 lower-case hex digits.
std::string hash_text(std::uint64_t hash);

/// "designsim run FILE --seed N", with FILE quoted for a POSIX shell when it needs to be.
std::string replay_command(std::string_view scenario_file, std::uint64_t seed);

/// `value` rounded to `digits` significant digits (1..17); NaN and infinities pass through.
double round_significant(double value, int digits = 6);
/// `value` with at most 6 significant digits: "0.25", "1.23457e+06", "nan".
std::string number_text(double value);
/// A ratio as a percentage with two decimals: 0.037 -> "3.70%".
std::string percent_text(double ratio);

/// A nanosecond count for a human: rounded to 4 significant digits, then in the largest unit
/// that divides it ("1.235ms", "15s", "870ns").
std::string short_duration(std::int64_t ns);

/// "held" or "VIOLATED".
std::string verdict_text(const CheckResult& check);
/// What the scenario expected of a check: "violated" or "held".
std::string expected_text(const CheckOutcome& check);
/// "< 50ms": the comparator and the threshold as written.
std::string required_text(const RequirementRow& row);
/// The measured value as the model wrote it, else as a number, else "not measured".
std::string measured_text(const RequirementRow& row);

/// A 95% interval as percentages: "[2.69%, 5.08%]".
std::string interval_text(const WilsonInterval& interval);

/// A check's lowest failing seeds: "3, 17, 22" or "3, 17, 22 (the lowest 3 of 40)".
std::string check_failing_seeds_text(const CheckRate& rate);

/// The seeds a sweep ran, "1..1000" (or "7" for one seed, "none" for none).
std::string seed_range_text(std::uint64_t first_seed, std::uint64_t seed_count);

}  // namespace sim::report
