#include "sim/kernel/time.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace sim {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};

constexpr std::array<Unit, 8> units{{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"min", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
}};

std::optional<std::int64_t> unit_ns(std::string_view name) {
  for (const Unit& u : units)
    if (u.name == name) return u.ns;
  return std::nullopt;
}

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// Parses "[+-]digits[.digits]" times `scale` nanoseconds, exactly. A fraction finer than one
// nanosecond is an error rather than silently rounded.
bool scaled_decimal(std::string_view number, std::int64_t scale, std::int64_t& out, std::string* error) {
  bool negative = false;
  if (!number.empty() && (number[0] == '+' || number[0] == '-')) {
    negative = number[0] == '-';
    number.remove_prefix(1);
  }
  auto dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (whole.empty() && frac.empty()) return fail(error, "expected a number");
  for (char c : whole)
    if (c < '0' || c > '9') return fail(error, "expected a number");
  for (char c : frac)
    if (c < '0' || c > '9') return fail(error, "expected a number");
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max();
  std::int64_t w = 0;
  for (char c : whole) {
    if (w > (limit - (c - '0')) / 10) return fail(error, "number too large");
    w = w * 10 + (c - '0');
  }
  if (scale != 0 && w > limit / scale) return fail(error, "duration too large (the limit is about 292 years)");
  std::int64_t total = w * scale;
  std::int64_t place = scale;
  for (char c : frac) {
    if (place % 10 != 0) {
      if (c != '0') return fail(error, "finer than one nanosecond");
      continue;
    }
    place /= 10;
    std::int64_t add = (c - '0') * place;
    if (total > limit - add) return fail(error, "duration too large (the limit is about 292 years)");
    total += add;
  }
  out = negative ? -total : total;
  return true;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string* error) {
  std::size_t split = text.size();
  while (split > 0 && ((text[split - 1] >= 'a' && text[split - 1] <= 'z'))) --split;
  std::string_view number = text.substr(0, split);
  std::string_view unit = text.substr(split);
  while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
  if (unit.empty()) {
    if (number == "0") return Duration::zero();
    fail(error, "a duration needs a unit (ns, us, ms, s, m, h, d), as in 250ms or 1.5s");
    return std::nullopt;
  }
  auto scale = unit_ns(unit);
  if (!scale) {
    fail(error, "unknown unit '" + std::string(unit) + "' (expected ns, us, ms, s, m, h or d)");
    return std::nullopt;
  }
  std::int64_t ns = 0;
  if (!scaled_decimal(number, *scale, ns, error)) return std::nullopt;
  return Duration::nanoseconds(ns);
}

std::optional<Rate> parse_rate(std::string_view text, std::string* error) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    fail(error, "a rate is written count/unit, as in 100/min or 5000/s");
    return std::nullopt;
  }
  std::string_view count_text = text.substr(0, slash);
  std::string_view per_text = text.substr(slash + 1);
  std::int64_t count = 0;
  auto [ptr, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (ec != std::errc{} || ptr != count_text.data() + count_text.size() || count < 0) {
    fail(error, "a rate's count must be a whole number of events, as in 100/min");
    return std::nullopt;
  }
  Rate rate{count, Duration::seconds(1)};
  bool starts_with_digit = !per_text.empty() && per_text[0] >= '0' && per_text[0] <= '9';
  if (starts_with_digit) {
    auto per = parse_duration(per_text, error);
    if (!per) return std::nullopt;
    rate.per = *per;
  } else if (per_text == "sec") {
    rate.per = Duration::seconds(1);
  } else if (auto scale = unit_ns(per_text)) {
    rate.per = Duration::nanoseconds(*scale);
  } else {
    fail(error, "unknown rate unit '" + std::string(per_text) + "' (expected /ns, /us, /ms, /s, /min or /h)");
    return std::nullopt;
  }
  if (rate.per <= Duration::zero()) {
    fail(error, "a rate's period must be positive");
    return std::nullopt;
  }
  return rate;
}

Duration Rate::mean_interval() const {
  if (count <= 0) return Duration::max();
  std::int64_t gap = per.ns() / count;
  return Duration::nanoseconds(gap > 0 ? gap : 1);
}

double Rate::per_second() const {
  return static_cast<double>(count) * 1e9 / static_cast<double>(per.ns());
}

std::string to_string(Duration d) {
  std::int64_t ns = d.ns();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  std::uint64_t mag = ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
  struct Shown { const char* name; std::uint64_t ns; };
  static constexpr Shown shown[] = {{"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};
  for (const Shown& u : shown) {
    if (mag < u.ns) continue;
    std::uint64_t whole = mag / u.ns;
    std::uint64_t rest = mag % u.ns;
    std::string text = sign + std::to_string(whole);
    if (rest != 0) {
      std::string frac = std::to_string(rest);
      std::size_t digits = std::to_string(u.ns).size() - 1;
      frac.insert(0, digits - frac.size(), '0');
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
      text += "." + frac;
    }
    return text + u.name;
  }
  return sign + std::to_string(mag) + "ns";
}

std::string to_string(Instant t) { return to_string(t.since_start()); }

std::string to_string(const Rate& r) {
  return std::to_string(r.count) + "/" + to_string(r.per);
}

}  // namespace sim
