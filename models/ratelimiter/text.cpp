#include "models/ratelimiter/text.hpp"

#include <fmt/format.h>

namespace ratelimiter {

std::string group_digits(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string count_of(std::uint64_t count, const char* singular, const char* plural) {
  return group_digits(count) + " " + (count == 1 ? singular : plural);
}

std::string percent_of(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0%";
  std::string text = fmt::format("{:.3f}", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "%";
}

std::string duration_text(sim::Duration d) {
  double ns = static_cast<double>(d.ns());
  if (d < sim::Duration::microseconds(1)) return fmt::format("{} ns", d.ns());
  if (d < sim::Duration::milliseconds(1)) return fmt::format("{:.2f} us", ns / 1e3);
  if (d < sim::Duration::seconds(1)) return fmt::format("{:.2f} ms", ns / 1e6);
  return fmt::format("{:.3f} s", ns / 1e9);
}

}  // namespace ratelimiter
