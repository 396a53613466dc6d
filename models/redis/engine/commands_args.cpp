// Argument parsing and standard replies shared by every command family.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "models/redis/engine/command_table.hpp"

namespace redis {

namespace {

// What C's "%.*s" prints of a string: up to `max` bytes, and nothing from a NUL byte on.
std::string c_prefix(const std::string& text, std::size_t max) {
  std::string prefix = text.substr(0, max);
  return prefix.substr(0, prefix.find('\0'));
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) {
  constexpr std::size_t longest = 20;  // "-9223372036854775808"
  if (text.empty() || text.size() > longest) return std::nullopt;
  if (text == "0") return 0;
  bool negative = text.front() == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.front() < '1' || digits.front() > '9') return std::nullopt;
  std::uint64_t magnitude = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > max + 1) return std::nullopt;
    return static_cast<std::int64_t>(0 - magnitude);
  }
  if (magnitude > max) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> parse_float(std::string_view text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  std::string terminated(text);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(terminated.c_str(), &end);
  if (static_cast<std::size_t>(end - terminated.c_str()) != terminated.size()) return std::nullopt;
  if (errno == ERANGE && (std::isinf(value) || value == 0.0)) return std::nullopt;
  if (std::isnan(value)) return std::nullopt;
  return value;
}

bool is_option(std::string_view argument, std::string_view option) {
  if (argument.size() != option.size()) return false;
  for (std::size_t i = 0; i < argument.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(argument[i])) != std::tolower(static_cast<unsigned char>(option[i]))) {
      return false;
    }
  }
  return true;
}

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string format_double(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{:.17g}", value);
}

namespace replies {

Reply wrong_type() { return Reply::error("WRONGTYPE Operation against a key holding the wrong kind of value"); }
Reply not_integer() { return Reply::error("ERR value is not an integer or out of range"); }
Reply not_float() { return Reply::error("ERR value is not a valid float"); }
Reply syntax_error() { return Reply::error("ERR syntax error"); }
Reply overflow() { return Reply::error("ERR increment or decrement would overflow"); }

Reply wrong_arity(std::string_view command) {
  return Reply::error(fmt::format("ERR wrong number of arguments for '{}' command", command));
}

Reply invalid_expire_time(Version version, std::string_view command) {
  if (version == Version::v6_2) return Reply::error(fmt::format("ERR invalid expire time in {}", command));
  return Reply::error(fmt::format("ERR invalid expire time in '{}' command", command));
}

// Redis quotes arguments until the list reaches 128 bytes, each cut to what still fits.
Reply unknown_command(const Argv& argv, Version version) {
  constexpr std::size_t budget = 128;
  bool v6 = version == Version::v6_2;
  const char* open = v6 ? "`" : "'";
  const char* close = v6 ? "`, " : "' ";
  std::string args;
  for (std::size_t i = 1; i < argv.size() && args.size() < budget; ++i) {
    args += open + c_prefix(argv[i], budget - args.size()) + close;
  }
  std::string name = argv.empty() ? std::string() : c_prefix(argv[0], budget);
  return Reply::error(fmt::format("ERR unknown command {}{}{}, with args beginning with: {}", open, name, open, args));
}

}  // namespace replies

}  // namespace redis
