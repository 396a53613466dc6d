// Time as text: scenario durations and rates parse exactly, bad text is refused with a reason,
// and printing a Duration gives text that parses back to the same Duration.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/kernel/time.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

Duration parsed(const std::string& text) {
  std::string error;
  auto d = parse_duration(text, &error);
  INFO(text << ": " << error);
  REQUIRE(d.has_value());
  return *d;
}

/// The reason a text is refused; fails the test when the text is accepted.
std::string refusal(const std::string& text) {
  std::string error;
  auto d = parse_duration(text, &error);
  INFO(text << " parsed as " << (d ? to_string(*d) : std::string("nothing")));
  REQUIRE_FALSE(d.has_value());
  REQUIRE_FALSE(error.empty());
  return error;
}

std::string rate_refusal(const std::string& text) {
  std::string error;
  auto r = parse_rate(text, &error);
  INFO(text << " parsed as " << (r ? to_string(*r) : std::string("nothing")));
  REQUIRE_FALSE(r.has_value());
  REQUIRE_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("scenario durations parse to exact nanoseconds", "[time]") {
  CHECK(parsed("250ms") == 250_ms);
  CHECK(parsed("10s") == 10_s);
  CHECK(parsed("2m") == 2_min);
  CHECK(parsed("2min") == 2_min);
  CHECK(parsed("1.5s") == 1500_ms);
  CHECK(parsed("+15s") == 15_s);
  CHECK(parsed("-3s") == -(3_s));
  CHECK(parsed("100us") == 100_us);
  CHECK(parsed("7ns") == 7_ns);
  CHECK(parsed("1h") == 60_min);
  CHECK(parsed("7d") == 60_min * 24 * 7);
  CHECK(parsed("1.5d") == 60_min * 36);
  CHECK(parsed("0") == Duration::zero());
  CHECK(parsed("0.000000001s") == 1_ns);
  CHECK(parsed("1.25m") == 75_s);
  CHECK(parsed("9223372036.854775807s") == Duration::max());
  CHECK(parsed("9223372036854775807ns") == Duration::max());
}

TEST_CASE("bad duration text is refused with a reason", "[time]") {
  CHECK_THAT(refusal("10 parsecs"), Catch::Contains("parsecs"));
  CHECK_THAT(refusal("10"), Catch::Contains("unit"));
  CHECK_THAT(refusal("1.5ns"), Catch::Contains("nanosecond"));
  CHECK_THAT(refusal("0.0000000001s"), Catch::Contains("nanosecond"));
  refusal("abc");
  refusal("");
  refusal("s");
  refusal("-ms");
  refusal("1.2.3s");
  refusal("10S");
  CHECK_THAT(refusal("9223372037s"), Catch::Contains("too large"));
  CHECK_THAT(refusal("3000000h"), Catch::Contains("too large"));
  CHECK_THAT(refusal("9223372036854775808ns"), Catch::Contains("too large"));
  CHECK_THAT(refusal("99999999999999999999999s"), Catch::Contains("too large"));
}

TEST_CASE("a fraction that carries a duration past the limit is refused, not wrapped", "[time]") {
  // The whole part fits (9223372036 s); only the fraction pushes it one nanosecond past.
  CHECK_THAT(refusal("9223372036.854775808s"), Catch::Contains("too large"));
  CHECK_THAT(refusal("9223372036.9s"), Catch::Contains("too large"));
  CHECK_THAT(refusal("-9223372036.9s"), Catch::Contains("too large"));
}

TEST_CASE("a duration prints as the shortest exact text and parses back to itself", "[time]") {
  CHECK(to_string(1500_ms) == "1.5s");
  CHECK(to_string(250_ms) == "250ms");
  CHECK(to_string(Duration::zero()) == "0s");
  CHECK(to_string(-(15_s)) == "-15s");
  CHECK(to_string(2_min) == "120s");
  CHECK(to_string(100_us) == "100us");
  CHECK(to_string(7_ns) == "7ns");
  CHECK(to_string(1_s + 1_ns) == "1.000000001s");
  CHECK(to_string(1_ms + 20_us) == "1.02ms");
  CHECK(to_string(Instant::zero() + 350_ms) == "350ms");

  const std::vector<Duration> samples{
      Duration::zero(), 1_ns, 999_ns, 1_us, 1_us + 1_ns, 250_ms, 1500_ms, 2_min, 60_min,
      -(3_s), -(1_ns), -(1_ms + 500_us), 1_s + 1_ns, Duration::max(), -Duration::max()};
  for (Duration d : samples) {
    INFO(to_string(d));
    CHECK(parsed(to_string(d)) == d);
  }
}

TEST_CASE("rates parse to exact ratios of events per period", "[time]") {
  auto per_minute = parse_rate("100/min");
  REQUIRE(per_minute);
  CHECK(*per_minute == Rate{100, 1_min});
  CHECK(per_minute->mean_interval() == 600_ms);

  auto per_ms = parse_rate("4096/ms");
  REQUIRE(per_ms);
  CHECK(*per_ms == Rate{4096, 1_ms});
  CHECK(per_ms->mean_interval() == 244_ns);  // 1e6 / 4096 = 244.14, rounded down

  auto one_in_ten = parse_rate("1/10s");
  REQUIRE(one_in_ten);
  CHECK(*one_in_ten == Rate{1, 10_s});
  CHECK(one_in_ten->mean_interval() == 10_s);

  auto per_second = parse_rate("5/sec");
  REQUIRE(per_second);
  CHECK(*per_second == Rate{5, 1_s});
  CHECK(parse_rate("200000/s")->mean_interval() == 5_us);
  CHECK(Rate{0, 1_s}.mean_interval() == Duration::max());
  CHECK(Rate{5, 1_ns}.mean_interval() == 1_ns);

  CHECK(to_string(Rate{100, 1_min}) == "100/60s");
  CHECK(*parse_rate(to_string(Rate{100, 1_min})) == Rate{100, 1_min});
  CHECK(*parse_rate(to_string(Rate{3, 1500_ms})) == Rate{3, 1500_ms});
}

TEST_CASE("bad rate text is refused with a reason", "[time]") {
  CHECK_THAT(rate_refusal("100"), Catch::Contains("count/unit"));
  CHECK_THAT(rate_refusal("abc/s"), Catch::Contains("whole number"));
  CHECK_THAT(rate_refusal("-5/s"), Catch::Contains("whole number"));
  CHECK_THAT(rate_refusal("1.5/s"), Catch::Contains("whole number"));
  CHECK_THAT(rate_refusal("/s"), Catch::Contains("whole number"));
  CHECK_THAT(rate_refusal("5/parsec"), Catch::Contains("parsec"));
  CHECK_THAT(rate_refusal("5/0s"), Catch::Contains("positive"));
  CHECK_THAT(rate_refusal("5/10"), Catch::Contains("unit"));
  rate_refusal("5/");
  rate_refusal("5/-1s");
}
