// How reports write a result's verdicts, requirements, intervals and seed ranges: one
// spelling per kind, shared by the JSON, Markdown and console reports so that they agree with
// one another. Numbers, counts, durations, hashes and replay commands are written by
// sim/results/text.hpp, as everywhere else.
//
// Determinism: every function here is a pure function of its arguments and formats through
// fmt (which ignores the locale), so one RunResult gives one text on every run.
#pragma once

#include <cstdint>
#include <string>

#include "sim/results/run_result.hpp"
#include "sim/results/sweep_result.hpp"
#include "sim/results/text.hpp"

namespace sim::report {

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
