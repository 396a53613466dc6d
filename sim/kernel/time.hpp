// Simulated time: strong integer types over nanoseconds of true (simulation) time.
//
// Determinism: time is never floating point. Parsing "1.5s" is exact decimal arithmetic, so
// one text gives one Duration on every machine. Overflow in parsing is reported, never wrapped.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim {

class Duration {
public:
  constexpr Duration() = default;
  static constexpr Duration nanoseconds(std::int64_t n) { return Duration{n}; }
  static constexpr Duration microseconds(std::int64_t n) { return Duration{n * 1'000}; }
  static constexpr Duration milliseconds(std::int64_t n) { return Duration{n * 1'000'000}; }
  static constexpr Duration seconds(std::int64_t n) { return Duration{n * 1'000'000'000}; }
  static constexpr Duration minutes(std::int64_t n) { return seconds(n * 60); }
  static constexpr Duration zero() { return Duration{0}; }
  static constexpr Duration max() { return Duration{INT64_MAX}; }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr std::int64_t us() const { return ns_ / 1'000; }
  constexpr std::int64_t ms() const { return ns_ / 1'000'000; }
  /// For display and statistics only; never feeds back into a decision.
  constexpr double seconds_f() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration{ns_ + o.ns_}; }
  constexpr Duration operator-(Duration o) const { return Duration{ns_ - o.ns_}; }
  constexpr Duration operator-() const { return Duration{-ns_}; }
  constexpr Duration operator*(std::int64_t k) const { return Duration{ns_ * k}; }
  constexpr Duration operator/(std::int64_t k) const { return Duration{ns_ / k}; }
  constexpr std::int64_t operator/(Duration o) const { return ns_ / o.ns_; }
  constexpr Duration operator%(Duration o) const { return Duration{ns_ % o.ns_}; }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }

private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// A point in true (simulation) time, counted from the start of the run.
class Instant {
public:
  constexpr Instant() = default;
  static constexpr Instant from_ns(std::int64_t ns) { return Instant{ns}; }
  static constexpr Instant zero() { return Instant{0}; }
  static constexpr Instant max() { return Instant{INT64_MAX}; }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr Duration since_start() const { return Duration::nanoseconds(ns_); }

  constexpr auto operator<=>(const Instant&) const = default;
  constexpr Instant operator+(Duration d) const { return Instant{ns_ + d.ns()}; }
  constexpr Instant operator-(Duration d) const { return Instant{ns_ - d.ns()}; }
  constexpr Duration operator-(Instant o) const { return Duration::nanoseconds(ns_ - o.ns_); }
  constexpr Instant& operator+=(Duration d) { ns_ += d.ns(); return *this; }

private:
  constexpr explicit Instant(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// An exact rate: `count` events per `per`. "100/min" is {100, 1 min}; "4096/ms" is {4096, 1 ms}.
struct Rate {
  std::int64_t count = 0;
  Duration per = Duration::seconds(1);

  /// Mean gap between events, rounded down to whole nanoseconds (at least 1 ns).
  Duration mean_interval() const;
  /// Events per second, for display.
  double per_second() const;
  bool operator==(const Rate&) const = default;
};

/// Parses "250ms", "10s", "2m", "1.5s", "+15s", "-3s", "100us", "7ns", "1h".
/// Units: ns, us, ms, s, m or min, h. Returns nullopt (and sets `error`) on bad text.
std::optional<Duration> parse_duration(std::string_view text, std::string* error = nullptr);
/// Parses "100/min", "5/s", "4096/ms", "200000/s", "1/10s".
std::optional<Rate> parse_rate(std::string_view text, std::string* error = nullptr);

/// "1.5s", "250ms", "0s", "-15s": the shortest exact text in the largest unit that divides it.
std::string to_string(Duration d);
std::string to_string(Instant t);
std::string to_string(const Rate& r);

namespace literals {
constexpr Duration operator""_ns(unsigned long long n) { return Duration::nanoseconds(static_cast<std::int64_t>(n)); }
constexpr Duration operator""_us(unsigned long long n) { return Duration::microseconds(static_cast<std::int64_t>(n)); }
constexpr Duration operator""_ms(unsigned long long n) { return Duration::milliseconds(static_cast<std::int64_t>(n)); }
constexpr Duration operator""_s(unsigned long long n) { return Duration::seconds(static_cast<std::int64_t>(n)); }
constexpr Duration operator""_min(unsigned long long n) { return Duration::minutes(static_cast<std::int64_t>(n)); }
}  // namespace literals

}  // namespace sim
