// Wall-clock readings, monotonic readings and true time are three types: a design that compares
// or subtracts two of them must say how it converts, or it does not compile. Readings of one
// kind subtract to a Duration and move by one; raw integers come out only by name.
#include <catch2/catch.hpp>

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "sim/kernel/clock.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

template <class A, class B>
concept equality_with = requires(const A& a, const B& b) { a == b; } || requires(const A& a, const B& b) { a != b; };

template <class A, class B>
concept ordered_with = requires(const A& a, const B& b) { a < b; } || requires(const A& a, const B& b) { a <= b; } ||
                       requires(const A& a, const B& b) { a > b; } || requires(const A& a, const B& b) { a >= b; } ||
                       requires(const A& a, const B& b) { a <=> b; };

template <class A, class B>
concept subtracts_from = requires(const A& a, const B& b) { a - b; };

template <class A, class B>
concept adds_to = requires(const A& a, const B& b) { a + b; };

/// Mixing readings of kinds A and B: any comparison or subtraction, either way round.
template <class A, class B>
concept mixes = equality_with<A, B> || equality_with<B, A> || ordered_with<A, B> || ordered_with<B, A> ||
                subtracts_from<A, B> || subtracts_from<B, A>;

/// What a point in time of kind T offers: same-kind difference, a Duration either way, order.
template <class T>
concept time_point = requires(T t, const T& u, Duration d) {
  { u - u } -> std::same_as<Duration>;
  { u + d } -> std::same_as<T>;
  { u - d } -> std::same_as<T>;
  { t += d } -> std::same_as<T&>;
  { u < u } -> std::same_as<bool>;
  { u == u } -> std::same_as<bool>;
};

// The detector is not vacuous: readings of one kind do compare and subtract.
static_assert(mixes<WallTime, WallTime> && mixes<MonoTime, MonoTime> && mixes<Instant, Instant>);

static_assert(!mixes<WallTime, MonoTime>, "a wall-clock reading and a monotonic reading must not mix");
static_assert(!mixes<WallTime, Instant>, "a wall-clock reading and true time must not mix");
static_assert(!mixes<MonoTime, Instant>, "a monotonic reading and true time must not mix");

static_assert(time_point<WallTime> && time_point<MonoTime> && time_point<Instant>);

// Two readings do not add, and a reading moves by a Duration only, never by a bare number.
static_assert(!adds_to<WallTime, WallTime> && !adds_to<MonoTime, MonoTime>);
static_assert(!adds_to<WallTime, std::int64_t> && !adds_to<MonoTime, std::int64_t>);
static_assert(!mixes<WallTime, std::int64_t> && !mixes<MonoTime, std::int64_t>);

// No way in or out without a name: no conversion between the kinds or from and to integers.
static_assert(!std::is_convertible_v<WallTime, MonoTime> && !std::is_convertible_v<MonoTime, WallTime>);
static_assert(!std::is_constructible_v<WallTime, MonoTime> && !std::is_constructible_v<MonoTime, WallTime>);
static_assert(!std::is_constructible_v<WallTime, Instant> && !std::is_constructible_v<MonoTime, Instant>);
static_assert(!std::is_constructible_v<WallTime, std::int64_t> && !std::is_constructible_v<MonoTime, std::int64_t>);
static_assert(!std::is_convertible_v<WallTime, std::int64_t> && !std::is_convertible_v<MonoTime, std::int64_t>);

}  // namespace

TEST_CASE("a wall-clock reading converts to whole Unix units by rounding down, before 1970 too", "[clock]") {
  WallTime t = WallTime::from_unix_ns(1'767'225'601'999'999'999);
  CHECK(t.unix_ns() == 1'767'225'601'999'999'999);
  CHECK(t.unix_ms() == 1'767'225'601'999);
  CHECK(t.unix_s() == 1'767'225'601);
  CHECK(t.whole_ms() == WallTime::from_unix_ms(1'767'225'601'999));

  WallTime before_epoch = WallTime::from_unix_ns(-1);
  CHECK(before_epoch.unix_ms() == -1);
  CHECK(before_epoch.unix_s() == -1);
  CHECK(before_epoch.whole_ms() == WallTime::from_unix_ns(-1'000'000));
  CHECK(WallTime::from_unix_ms(-1'500).unix_s() == -2);
}

TEST_CASE("readings of one kind subtract to a Duration and move by one", "[clock]") {
  WallTime t1 = default_wall_start + 250_ms;
  WallTime t2 = t1 + 1_s;
  CHECK(t2 - t1 == 1_s);
  CHECK(t1 - t2 == -(1_s));
  CHECK(t2 - 1_s == t1);
  CHECK(t1 < t2);
  t1 += 1_s;
  CHECK(t1 == t2);

  MonoTime boot = MonoTime::boot();
  MonoTime later = boot + 3_s;
  CHECK(later.since_boot() == 3_s);
  CHECK(later - boot == 3_s);
  CHECK(MonoTime::min() < boot);
  later -= 3_s;
  CHECK(later == boot);
}
