#include "models/snowflake/text.hpp"

#include <cmath>
#include <fmt/format.h>

namespace snowflake {

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

std::string per_second_text(double rate) {
  double rounded = std::round(rate);
  return group_digits(rounded <= 0 ? 0 : static_cast<std::uint64_t>(rounded)) + "/s";
}

std::string ms_text(sim::Duration d) { return fmt::format("{:.3f} ms", static_cast<double>(d.ns()) / 1e6); }

}  // namespace snowflake
