// Goal: random streams and distributions are our own, pinned by golden values, and draw from the
// distributions they claim to (moments checked on 200k samples with tolerances of at least five
// standard errors, so a correct implementation passes and a wrong formula fails).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

constexpr int sample_count = 200'000;

struct Moments {
  double mean = 0.0;
  double stddev = 0.0;
};

template <typename Draw>
std::vector<double> draw_many(Draw draw, int count = sample_count) {
  std::vector<double> xs;
  xs.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) xs.push_back(draw());
  return xs;
}

Moments moments_of(const std::vector<double>& xs) {
  double sum = 0.0;
  for (double x : xs) sum += x;
  double mean = sum / static_cast<double>(xs.size());
  double squares = 0.0;
  for (double x : xs) squares += (x - mean) * (x - mean);
  return {mean, std::sqrt(squares / static_cast<double>(xs.size() - 1))};
}

double median_of(std::vector<double> xs) {
  auto middle = xs.begin() + static_cast<std::ptrdiff_t>(xs.size() / 2);
  std::nth_element(xs.begin(), middle, xs.end());
  return *middle;
}

// P(rank) for Zipf(n, s), by direct summation.
double zipf_probability(std::uint64_t rank, std::uint64_t n, double s) {
  double total = 0.0;
  for (std::uint64_t k = n; k >= 1; --k) total += std::pow(static_cast<double>(k), -s);
  return std::pow(static_cast<double>(rank), -s) / total;
}

std::vector<std::uint64_t> zipf_counts(const Zipf& zipf, Rng& rng, int count = sample_count) {
  std::vector<std::uint64_t> counts(zipf.size() + 1, 0);
  for (int i = 0; i < count; ++i) {
    std::uint64_t k = zipf.sample(rng);
    REQUIRE(k >= 1);
    REQUIRE(k <= zipf.size());
    ++counts[k];
  }
  return counts;
}

double share(std::uint64_t hits, int count = sample_count) {
  return static_cast<double>(hits) / static_cast<double>(count);
}

}  // namespace

TEST_CASE("Rng golden values pin xoshiro256** seeded by SplitMix64", "[random]") {
  Rng root(42);
  CHECK(root.next_u64() == 0x15780b2e0c2ec716ULL);
  CHECK(root.next_u64() == 0x6104d9866d113a7eULL);
  CHECK(root.next_u64() == 0xae17533239e499a1ULL);

  Rng net = Rng::stream(7, "net");
  CHECK(net.next_u64() == 0xcac86b2d742df031ULL);
  CHECK(net.next_u64() == 0xfa432ac848410810ULL);
  CHECK(net.next_u64() == 0xf0d5d5ad1ba9420eULL);
}

TEST_CASE("Streams depend on the root seed and the name only", "[random]") {
  Rng net_a = Rng::stream(7, "net");
  Rng net_b = Rng::stream(7, "net");
  Rng faults = Rng::stream(7, "faults");
  Rng net_other_seed = Rng::stream(8, "net");
  for (int i = 0; i < 100; ++i) REQUIRE(net_a.next_u64() == net_b.next_u64());
  CHECK(Rng::stream(7, "net").next_u64() != faults.next_u64());
  CHECK(Rng::stream(7, "net").next_u64() != net_other_seed.next_u64());

  Rng parent = Rng::stream(7, "net");
  CHECK(parent.derive("node/redis-3").next_u64() == Rng::stream(parent.seed(), "node/redis-3").next_u64());
  CHECK(parent.derive("node/redis-3").next_u64() != parent.derive("node/redis-4").next_u64());
}

TEST_CASE("below() is unbiased and stays in range", "[random]") {
  Rng rng(1);
  std::vector<int> counts(6, 0);
  constexpr int rolls = 600'000;
  for (int i = 0; i < rolls; ++i) {
    std::uint64_t face = rng.below(6);
    REQUIRE(face < 6);
    ++counts[face];
  }
  // Each face expects 100k with a standard deviation of about 289.
  for (int c : counts) CHECK(std::abs(c - rolls / 6) < 1'500);

  CHECK(rng.below(1) == 0);
  constexpr std::uint64_t huge = (std::uint64_t{1} << 63) + 1;
  for (int i = 0; i < 1'000; ++i) REQUIRE(rng.below(huge) < huge);
}

TEST_CASE("between() covers both ends", "[random]") {
  Rng rng(2);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 10'000; ++i) {
    std::int64_t x = rng.between(-3, 3);
    REQUIRE(x >= -3);
    REQUIRE(x <= 3);
    saw_low = saw_low || x == -3;
    saw_high = saw_high || x == 3;
  }
  CHECK(saw_low);
  CHECK(saw_high);
}

TEST_CASE("chance() decides by an integer ratio", "[random]") {
  Rng rng(3);
  int hits = 0;
  for (int i = 0; i < sample_count; ++i) hits += rng.chance(Ratio{1, 4}) ? 1 : 0;
  // Standard error of the share is about 0.001.
  CHECK(std::abs(share(static_cast<std::uint64_t>(hits)) - 0.25) < 0.005);

  for (int i = 0; i < 1'000; ++i) {
    REQUIRE_FALSE(rng.chance(Ratio{0, 1}));
    REQUIRE(rng.chance(Ratio{1, 1}));
    REQUIRE(rng.chance(Ratio{5, 3}));
  }
}

TEST_CASE("unit() lies in [0, 1) and unit_open_low() in (0, 1]", "[random]") {
  Rng rng(4);
  for (int i = 0; i < 100'000; ++i) {
    double u = rng.unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    double v = rng.unit_open_low();
    REQUIRE(v > 0.0);
    REQUIRE(v <= 1.0);
  }
}

TEST_CASE("Exponential samples have the requested mean", "[distribution]") {
  Rng rng(10);
  Moments m = moments_of(draw_many([&] { return sample_exponential(rng, 2.0); }));
  // Standard error of the mean: 2 / sqrt(200k) = 0.0045.
  CHECK(std::abs(m.mean - 2.0) < 0.03);
  CHECK(std::abs(m.stddev - 2.0) < 0.05);
}

TEST_CASE("Normal samples have the requested mean and standard deviation", "[distribution]") {
  Rng rng(11);
  std::vector<double> xs = draw_many([&] { return sample_normal(rng, 5.0, 2.0); });
  Moments m = moments_of(xs);
  CHECK(std::abs(m.mean - 5.0) < 0.03);
  CHECK(std::abs(m.stddev - 2.0) < 0.02);
  // One standard deviation either side holds 68.27%.
  auto inside = std::count_if(xs.begin(), xs.end(), [](double x) { return std::abs(x - 5.0) < 2.0; });
  CHECK(std::abs(share(static_cast<std::uint64_t>(inside)) - 0.6827) < 0.006);
}

TEST_CASE("Lognormal samples have median exp(mu) and mean exp(mu + sigma^2 / 2)", "[distribution]") {
  Rng rng(12);
  std::vector<double> xs = draw_many([&] { return sample_lognormal(rng, std::log(10.0), 0.5); });
  // Standard error of the median is about 0.014, of the mean about 0.0135.
  CHECK(std::abs(median_of(xs) - 10.0) < 0.1);
  CHECK(std::abs(moments_of(xs).mean - 10.0 * std::exp(0.125)) < 0.1);
}

TEST_CASE("Pareto samples start at the scale and have mean alpha x_m / (alpha - 1)", "[distribution]") {
  Rng rng(13);
  std::vector<double> xs = draw_many([&] { return sample_pareto(rng, 1.0, 3.0); });
  double smallest = *std::min_element(xs.begin(), xs.end());
  CHECK(smallest >= 1.0);
  CHECK(smallest < 1.0001);
  CHECK(std::abs(moments_of(xs).mean - 1.5) < 0.02);
  // P(X > 2) = 2^-3.
  auto above = std::count_if(xs.begin(), xs.end(), [](double x) { return x > 2.0; });
  CHECK(std::abs(share(static_cast<std::uint64_t>(above)) - 0.125) < 0.004);
}

TEST_CASE("Zipf with s = 1 over 1000 ranks matches 1 / (k H_n)", "[distribution]") {
  Rng rng(14);
  Zipf zipf(1000, 1.0);
  std::vector<std::uint64_t> counts = zipf_counts(zipf, rng);
  // P(1) = 0.1336 with a standard error of 0.00076.
  CHECK(std::abs(share(counts[1]) - zipf_probability(1, 1000, 1.0)) < 0.004);
  CHECK(std::abs(share(counts[2]) - zipf_probability(2, 1000, 1.0)) < 0.003);
  CHECK(std::abs(share(counts[10]) - zipf_probability(10, 1000, 1.0)) < 0.0015);
  CHECK(counts[1000] > 0);
}

TEST_CASE("Zipf with s = 0 is uniform", "[distribution]") {
  Rng rng(15);
  Zipf zipf(10, 0.0);
  std::vector<std::uint64_t> counts = zipf_counts(zipf, rng);
  // Each rank expects 20k with a standard deviation of about 134.
  for (std::uint64_t k = 1; k <= 10; ++k) CHECK(std::abs(static_cast<double>(counts[k]) - 20'000.0) < 700.0);
}

TEST_CASE("Zipf matches direct summation for other exponents, and near s = 1", "[distribution]") {
  for (double s : {0.5, 0.9999999, 1.0000001, 2.0}) {
    CAPTURE(s);
    Rng rng(16);
    Zipf zipf(100, s);
    std::vector<std::uint64_t> counts = zipf_counts(zipf, rng);
    for (std::uint64_t k : {1, 2, 5, 50}) {
      CAPTURE(k);
      double p = zipf_probability(k, 100, s);
      double tolerance = 6.0 * std::sqrt(p * (1.0 - p) / sample_count) + 1e-4;
      CHECK(std::abs(share(counts[k]) - p) < tolerance);
    }
  }
}

TEST_CASE("Zipf refuses an empty range and a negative exponent", "[distribution]") {
  CHECK_THROWS_AS(Zipf(0, 1.0), InternalError);
  CHECK_THROWS_AS(Zipf(10, -0.5), InternalError);
  Rng rng(18);
  Zipf single(1, 1.0);
  for (int i = 0; i < 100; ++i) REQUIRE(single.sample(rng) == 1);
}

TEST_CASE("Zipf stays O(1) and exact over ten million ranks", "[distribution]") {
  Rng rng(17);
  Zipf zipf(10'000'000, 1.0);
  std::uint64_t top = 0;
  std::uint64_t beyond_a_million = 0;
  for (int i = 0; i < sample_count; ++i) {
    std::uint64_t k = zipf.sample(rng);
    REQUIRE(k >= 1);
    REQUIRE(k <= 10'000'000);
    top += k == 1 ? 1 : 0;
    beyond_a_million += k > 1'000'000 ? 1 : 0;
  }
  constexpr double euler_gamma = 0.57721566490153286;
  double harmonic = std::log(1e7) + euler_gamma + 0.5e-7;
  CHECK(std::abs(share(top) - 1.0 / harmonic) < 0.003);
  // P(k > 10^6) = (H_10^7 - H_10^6) / H_10^7 = ln(10) / H_10^7.
  CHECK(std::abs(share(beyond_a_million) - std::log(10.0) / harmonic) < 0.004);
}

TEST_CASE("DurationDist samples whole, non-negative nanoseconds", "[distribution]") {
  Rng rng(20);

  SECTION("constant") {
    DurationDist d = DurationDist::constant(250_us);
    for (int i = 0; i < 100; ++i) REQUIRE(d.sample(rng) == 250_us);
    CHECK(d.median() == 250_us);
    CHECK(d.describe() == "constant(250us)");
  }

  SECTION("uniform") {
    DurationDist d{DurationDist::Kind::uniform, 1_ms, 3_ms, 0.0};
    std::vector<double> xs = draw_many([&] {
      Duration x = d.sample(rng);
      REQUIRE(x >= 1_ms);
      REQUIRE(x <= 3_ms);
      return static_cast<double>(x.ns());
    });
    CHECK(std::abs(moments_of(xs).mean - 2e6) < 1e4);
    CHECK(d.median() == 2_ms);
    CHECK(d.describe() == "uniform(min 1ms, max 3ms)");
  }

  SECTION("exponential") {
    DurationDist d{DurationDist::Kind::exponential, 2_ms, Duration::zero(), 0.0};
    std::vector<double> xs = draw_many([&] { return static_cast<double>(d.sample(rng).ns()); });
    CHECK(std::abs(moments_of(xs).mean - 2e6) < 3e4);
    CHECK(d.median() == Duration::nanoseconds(1'386'294));
    CHECK(d.describe() == "exponential(mean 2ms)");
  }

  SECTION("normal clamps negative samples to zero") {
    DurationDist d{DurationDist::Kind::normal, 1_ms, 2_ms, 0.0};
    std::vector<double> xs = draw_many([&] {
      Duration x = d.sample(rng);
      REQUIRE(x >= Duration::zero());
      return static_cast<double>(x.ns());
    });
    // P(N(1, 2) < 0) = Phi(-0.5) = 0.3085.
    auto zeros = std::count(xs.begin(), xs.end(), 0.0);
    CHECK(std::abs(share(static_cast<std::uint64_t>(zeros)) - 0.3085) < 0.006);
    CHECK(d.describe() == "normal(mean 1ms, stddev 2ms)");
  }

  SECTION("lognormal from median and p99") {
    DurationDist d{DurationDist::Kind::lognormal, 1_ms, 5_ms, 0.0};
    std::vector<double> xs = draw_many([&] { return static_cast<double>(d.sample(rng).ns()); });
    CHECK(std::abs(median_of(xs) - 1e6) < 2e4);
    auto below_p99 = std::count_if(xs.begin(), xs.end(), [](double x) { return x <= 5e6; });
    // Standard error of the share is 0.00022.
    CHECK(std::abs(share(static_cast<std::uint64_t>(below_p99)) - 0.99) < 0.0012);
    CHECK(d.median() == 1_ms);
    CHECK(d.describe() == "lognormal(median 1ms, p99 5ms)");
  }

  SECTION("pareto") {
    DurationDist d{DurationDist::Kind::pareto, 1_ms, Duration::zero(), 1.5};
    for (int i = 0; i < 10'000; ++i) REQUIRE(d.sample(rng) >= 1_ms);
    CHECK(d.median() == Duration::nanoseconds(1'587'401));
    CHECK(d.describe() == "pareto(min 1ms, shape 1.5)");
  }
}

TEST_CASE("DurationDist golden samples pin the algorithms", "[distribution]") {
  Rng rng(42);
  DurationDist d{DurationDist::Kind::lognormal, 1_ms, 5_ms, 0.0};
  std::vector<std::int64_t> got;
  for (int i = 0; i < 3; ++i) got.push_back(d.sample(rng).ns());
  CHECK(got == std::vector<std::int64_t>{327'562, 1'717'377, 1'011'041});

  Rng again(42);
  for (std::int64_t expected : got) CHECK(d.sample(again).ns() == expected);
}

TEST_CASE("DurationDist kinds have names", "[distribution]") {
  CHECK(std::string(to_string(DurationDist::Kind::constant)) == "constant");
  CHECK(std::string(to_string(DurationDist::Kind::uniform)) == "uniform");
  CHECK(std::string(to_string(DurationDist::Kind::exponential)) == "exponential");
  CHECK(std::string(to_string(DurationDist::Kind::normal)) == "normal");
  CHECK(std::string(to_string(DurationDist::Kind::lognormal)) == "lognormal");
  CHECK(std::string(to_string(DurationDist::Kind::pareto)) == "pareto");
}
