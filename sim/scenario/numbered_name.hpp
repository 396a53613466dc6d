// Node names that models number themselves ("gen-12", "api-3"), read back from a scenario.
#pragma once

#include <optional>
#include <string_view>

namespace sim {

/// 12 for "gen-12" with prefix "gen-", when below `count`; nullopt for anything else
/// (another prefix, no digits, a leading zero, a number too large).
inline std::optional<int> numbered_name_index(std::string_view name, std::string_view prefix, int count) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return std::nullopt;
  std::string_view digits = name.substr(prefix.size());
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
  int index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
    if (index >= count) return std::nullopt;
  }
  return index;
}

}  // namespace sim
