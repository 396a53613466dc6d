// The common case of Lua 5.1's string-to-number conversion, without strtod: a string of at most
// 15 decimal digits, with an optional leading minus sign and nothing else. Such a number is below
// 2^53, so the double is the integer itself, which is exactly what strtod returns for it (the
// correctly rounded value of an integer that a double holds exactly), -0 included. Every other
// string returns nullopt and goes to Lua's own conversion. tests/test_redis_lua.cpp compares the
// two on a large corpus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace redis::lua {

inline std::optional<double> plain_decimal(const char* text, std::size_t length) {
  constexpr std::size_t most_digits = 15;
  bool negative = length > 0 && text[0] == '-';
  std::size_t first = negative ? 1 : 0;
  if (length <= first || length - first > most_digits) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = first; i < length; ++i) {
    auto digit = static_cast<unsigned>(static_cast<unsigned char>(text[i])) - '0';
    if (digit > 9) return std::nullopt;
    value = value * 10 + digit;
  }
  double number = static_cast<double>(value);
  return negative ? -number : number;
}

}  // namespace redis::lua
