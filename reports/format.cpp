#include "reports/format.hpp"

#include <fmt/format.h>

namespace sim::report {

std::string verdict_text(const CheckResult& check) { return check.held ? "held" : "VIOLATED"; }

std::string expected_text(const CheckOutcome& check) { return check.expected_violated ? "violated" : "held"; }

std::string required_text(const RequirementRow& row) {
  if (row.comparator.empty()) return row.threshold;
  return fmt::format("{} {}", row.comparator, row.threshold);
}

std::string measured_text(const RequirementRow& row) {
  if (!row.measured_text.empty()) return row.measured_text;
  if (row.measured) return number_text(*row.measured);
  return "not measured";
}

std::string check_failing_seeds_text(const CheckRate& rate) {
  std::string seeds;
  for (std::uint64_t seed : rate.failing_seeds) seeds += fmt::format("{}{}", seeds.empty() ? "" : ", ", seed);
  if (rate.failing_seeds.size() < rate.runs_violated)
    seeds += fmt::format(" (the lowest {} of {})", rate.failing_seeds.size(), rate.runs_violated);
  return seeds;
}

std::string interval_text(const WilsonInterval& interval) {
  return fmt::format("[{}, {}]", percent_text(interval.low), percent_text(interval.high));
}

std::string seed_range_text(std::uint64_t first_seed, std::uint64_t seed_count) {
  if (seed_count == 0) return "none";
  if (seed_count == 1) return fmt::format("{}", first_seed);
  return fmt::format("{}..{}", first_seed, first_seed + (seed_count - 1));
}

}  // namespace sim::report
