#include "reports/format.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace sim::report {

std::string hash_text(std::uint64_t hash) { return fmt::format("{:016x}", hash); }

namespace {

bool shell_safe(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == ',' || c == ':' ||
                 c == '@' || c == '%' || c == '=';
    if (!plain) return false;
  }
  return true;
}

// Single quotes keep everything literal; a single quote itself closes, escapes and reopens.
std::string shell_quote(std::string_view text) {
  if (shell_safe(text)) return std::string(text);
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += "'\\''";
    else quoted += c;
  }
  return quoted + "'";
}

}  // namespace

std::string replay_command(std::string_view scenario_file, std::uint64_t seed) {
  return fmt::format("designsim run {} --seed {}", shell_quote(scenario_file), seed);
}

double round_significant(double value, int digits) {
  if (!std::isfinite(value)) return value;
  std::string text = fmt::format("{:.{}e}", value, digits - 1);
  double rounded = value;
  std::from_chars(text.data(), text.data() + text.size(), rounded);
  return rounded;
}

std::string number_text(double value) { return fmt::format("{:.6g}", value); }

std::string percent_text(double ratio) { return fmt::format("{:.2f}%", ratio * 100.0); }

std::string short_duration(std::int64_t ns) {
  std::uint64_t magnitude = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::uint64_t step = 1;  // keeps the 4 leading digits
  for (std::uint64_t rest = magnitude; rest >= 10'000; rest /= 10) step *= 10;
  std::uint64_t rounded = (magnitude + step / 2) / step * step;
  if (rounded > static_cast<std::uint64_t>(INT64_MAX)) rounded = magnitude;
  auto value = static_cast<std::int64_t>(rounded);
  return to_string(Duration::nanoseconds(ns < 0 ? -value : value));
}

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
