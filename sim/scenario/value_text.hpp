// Exact parsing of the number-like texts a scenario holds: integers, reals, booleans, ratios.
//
// Determinism: integers and ratios are parsed in integer arithmetic only (a decimal such as
// "0.001" becomes 1/1000 exactly); reals go through std::from_chars, which is locale-free and
// correctly rounded, so one text gives one value everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/kernel/random.hpp"

namespace sim {

enum class NumberStatus { ok, malformed, out_of_range };

/// "42", "-7", "+3", "1_000_000" (underscores only between digits).
NumberStatus parse_int64(std::string_view text, std::int64_t& out);
NumberStatus parse_uint64(std::string_view text, std::uint64_t& out);
/// "1.5", "-2", "+0.25", ".5", "1e-3". Infinite and NaN texts are malformed.
std::optional<double> parse_real(std::string_view text);
/// true/false, yes/no, on/off, in any letter case.
std::optional<bool> parse_boolean(std::string_view text);
/// "1/1000", "0.1%", "0.001", "0", "1". A decimal becomes a ratio over the smallest power of
/// ten that holds it exactly ("0.1%" is 1/1000, "0.50" is 5/10). Above 1 is out_of_range;
/// `detail` says what was wrong with malformed text.
NumberStatus parse_ratio(std::string_view text, Ratio& out, std::string* detail = nullptr);

/// Shortest text that reads back as the same double ("0.1", "1e+20").
std::string format_real(double value);

}  // namespace sim
