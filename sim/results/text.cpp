#include "sim/results/text.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/kernel/assert.hpp"

namespace sim {
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

std::string to_string(Duration d, int digits) {
  SIM_ASSERT(digits >= 1 && digits <= 18, "a duration keeps 1 to 18 significant digits");
  std::int64_t ns = d.ns();
  // The magnitude of INT64_MIN does not fit an int64, but it fits a uint64.
  std::uint64_t magnitude = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  std::uint64_t limit = 1;
  for (int i = 0; i < digits; ++i) limit *= 10;
  std::uint64_t step = 1;  // the place of the last digit kept
  for (std::uint64_t rest = magnitude; rest >= limit; rest /= 10) step *= 10;
  std::uint64_t rounded = (magnitude + step / 2) / step * step;
  if (rounded > static_cast<std::uint64_t>(INT64_MAX)) rounded = magnitude;
  auto value = static_cast<std::int64_t>(rounded);
  return to_string(Duration::nanoseconds(ns < 0 ? -value : value));
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

std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

std::string count_of(std::uint64_t count, const char* singular, const char* plural) {
  return group_digits(count) + " " + (count == 1 ? singular : plural);
}

std::string hash_text(std::uint64_t hash) { return fmt::format("{:016x}", hash); }

std::string replay_command(std::string_view scenario_file, std::uint64_t seed) {
  return fmt::format("designsim run {} --seed {}", shell_quote(scenario_file), seed);
}

}  // namespace sim
