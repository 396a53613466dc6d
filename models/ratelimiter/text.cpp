#include "models/ratelimiter/text.hpp"

#include <fmt/format.h>

namespace ratelimiter {

std::string percent_of(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0%";
  std::string text = fmt::format("{:.3f}", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + "%";
}

}  // namespace ratelimiter
