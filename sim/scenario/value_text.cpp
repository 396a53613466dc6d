#include "sim/scenario/value_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace sim {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Drops underscores that sit between two digits; any other underscore makes the text malformed.
std::optional<std::string> without_digit_separators(std::string_view text) {
  std::string clean;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '_') {
      clean += text[i];
      continue;
    }
    bool between_digits = i > 0 && i + 1 < text.size() && is_digit(text[i - 1]) && is_digit(text[i + 1]);
    if (!between_digits) return std::nullopt;
  }
  return clean;
}

// Splits an optional sign off and checks that the rest is only digits.
bool split_sign(std::string_view& digits, bool& negative) {
  negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return false;
  for (char c : digits)
    if (!is_digit(c)) return false;
  return true;
}

template <class Int>
NumberStatus from_digits(std::string_view digits, Int& out) {
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec == std::errc::result_out_of_range) return NumberStatus::out_of_range;
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return NumberStatus::malformed;
  return NumberStatus::ok;
}

bool fail(std::string* detail, const char* message) {
  if (detail) *detail = message;
  return false;
}

// "12.5" -> mantissa 125, decimals 1. At most 18 significant digits so that 10^decimals and
// the mantissa both fit in 64 bits.
bool parse_decimal(std::string_view text, std::uint64_t& mantissa, int& decimals, std::string* detail) {
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return fail(detail, "not a number");
  mantissa = 0;
  int significant = 0;
  for (std::string_view part : {whole, frac}) {
    for (char c : part) {
      if (!is_digit(c)) return fail(detail, "not a number");
      if (mantissa != 0 || c != '0') ++significant;
      if (significant > 18) return fail(detail, "too many digits");
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
    }
  }
  decimals = static_cast<int>(frac.size());
  if (decimals > 18) return fail(detail, "too many decimal places");
  return true;
}

std::uint64_t power_of_ten(int exponent) {
  std::uint64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

NumberStatus parse_fraction(std::string_view text, Ratio& out, std::string* detail) {
  auto slash = text.find('/');
  std::uint64_t num = 0;
  std::uint64_t den = 0;
  if (parse_uint64(text.substr(0, slash), num) != NumberStatus::ok ||
      parse_uint64(text.substr(slash + 1), den) != NumberStatus::ok) {
    fail(detail, "a fraction is two whole numbers, as in 1/1000");
    return NumberStatus::malformed;
  }
  if (den == 0) {
    fail(detail, "the denominator is zero");
    return NumberStatus::malformed;
  }
  if (num > den) return NumberStatus::out_of_range;
  out = Ratio{num, den};
  return NumberStatus::ok;
}

}  // namespace

NumberStatus parse_int64(std::string_view text, std::int64_t& out) {
  auto clean = without_digit_separators(text);
  if (!clean) return NumberStatus::malformed;
  std::string_view digits = *clean;
  bool negative = false;
  if (!split_sign(digits, negative)) return NumberStatus::malformed;
  std::uint64_t magnitude = 0;
  NumberStatus status = from_digits(digits, magnitude);
  if (status != NumberStatus::ok) return status;
  constexpr std::uint64_t max_positive = static_cast<std::uint64_t>(INT64_MAX);
  if (magnitude > max_positive + (negative ? 1 : 0)) return NumberStatus::out_of_range;
  if (!negative) out = static_cast<std::int64_t>(magnitude);
  else out = magnitude == max_positive + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  return NumberStatus::ok;
}

NumberStatus parse_uint64(std::string_view text, std::uint64_t& out) {
  auto clean = without_digit_separators(text);
  if (!clean) return NumberStatus::malformed;
  std::string_view digits = *clean;
  bool negative = false;
  if (!split_sign(digits, negative)) return NumberStatus::malformed;
  std::uint64_t magnitude = 0;
  NumberStatus status = from_digits(digits, magnitude);
  if (status != NumberStatus::ok) return status;
  if (negative && magnitude != 0) return NumberStatus::out_of_range;
  out = magnitude;
  return NumberStatus::ok;
}

std::optional<double> parse_real(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> parse_boolean(std::string_view text) {
  std::string lower;
  for (char c : text) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

NumberStatus parse_ratio(std::string_view text, Ratio& out, std::string* detail) {
  if (text.find('/') != std::string_view::npos) return parse_fraction(text, out, detail);
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.remove_suffix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text[0] == '-') {
    fail(detail, "a ratio cannot be negative");
    return NumberStatus::out_of_range;
  }
  std::uint64_t mantissa = 0;
  int decimals = 0;
  if (!parse_decimal(text, mantissa, decimals, detail)) return NumberStatus::malformed;
  if (percent) decimals += 2;
  if (decimals > 18) {
    fail(detail, "too many decimal places");
    return NumberStatus::malformed;
  }
  Ratio ratio{mantissa, power_of_ten(decimals)};
  if (ratio.num > ratio.den) return NumberStatus::out_of_range;
  while (ratio.den > 1 && ratio.num % 10 == 0) {
    ratio.num /= 10;
    ratio.den /= 10;
  }
  out = ratio;
  return NumberStatus::ok;
}

std::string format_real(double value) {
  std::array<char, 32> buffer{};
  auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) return "?";
  return std::string(buffer.data(), ptr);
}

}  // namespace sim
