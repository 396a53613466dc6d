// Goal: a latency histogram answers any percentile within 1% of the exact order statistic, with
// fixed memory, and merges exactly; Metrics files latencies by name and by fault window.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/histogram.hpp"
#include "sim/kernel/metrics.hpp"
#include "sim/kernel/random.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

constexpr double percentiles[] = {0.1, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0};

// The order statistic of rank ceil(p/100 * n), as Histogram::percentile defines it.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

double relative_error(std::int64_t got, std::int64_t exact) {
  if (exact == 0) return got == 0 ? 0.0 : 1.0;
  return std::abs(static_cast<double>(got - exact)) / static_cast<double>(exact);
}

void check_against_exact(std::vector<std::int64_t> values) {
  Histogram histogram;
  for (std::int64_t v : values) histogram.record(v);
  std::sort(values.begin(), values.end());
  REQUIRE(histogram.count() == values.size());
  CHECK(histogram.min() == values.front());
  CHECK(histogram.max() == values.back());
  for (double p : percentiles) {
    CAPTURE(p);
    std::int64_t exact = exact_percentile(values, p);
    std::int64_t got = histogram.percentile(p);
    CAPTURE(exact, got);
    CHECK(relative_error(got, exact) < 0.01);
  }
}

template <typename Draw>
std::vector<std::int64_t> draw_values(Draw draw, int count = 200'000) {
  std::vector<std::int64_t> values;
  values.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) values.push_back(draw());
  return values;
}

}  // namespace

TEST_CASE("Histogram percentiles are within 1% on lognormal latencies", "[histogram]") {
  Rng rng(30);
  DurationDist latency{DurationDist::Kind::lognormal, 1_ms, 50_ms, 0.0};
  check_against_exact(draw_values([&] { return latency.sample(rng).ns(); }));
}

TEST_CASE("Histogram percentiles are within 1% on uniform values", "[histogram]") {
  Rng rng(31);
  check_against_exact(draw_values([&] { return rng.between(1, 1'000'000'000); }));
}

TEST_CASE("Histogram percentiles are within 1% on heavy-tailed values up to 2^62", "[histogram]") {
  Rng rng(32);
  check_against_exact(draw_values([&] {
    double x = sample_pareto(rng, 100.0, 0.05);
    return x >= 0x1p62 ? std::int64_t{1} << 62 : static_cast<std::int64_t>(x);
  }));
}

TEST_CASE("Every bucket is narrower than 1% of its values", "[histogram]") {
  // A single value between a 0 and INT64_MAX is the median: it is answered from its bucket
  // alone, with no clamping to min or max to hide the bucket's width.
  Rng rng(33);
  std::vector<std::int64_t> probes;
  for (int shift = 0; shift < 63; ++shift) {
    std::int64_t power = std::int64_t{1} << shift;
    probes.push_back(power);
    probes.push_back(power + (power - 1));
    probes.push_back(power + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(power))));
  }
  for (std::int64_t v : probes) {
    CAPTURE(v);
    Histogram histogram;
    histogram.record(0);
    histogram.record(v);
    histogram.record(INT64_MAX);
    CHECK(relative_error(histogram.percentile(50.0), v) < 0.005);
    std::vector<HistogramBucket> buckets = histogram.buckets();
    REQUIRE(buckets.size() == (v == INT64_MAX ? 2u : 3u));
    const HistogramBucket& own = buckets[1];
    CHECK(own.low <= v);
    CHECK(v <= own.high);
    CHECK(static_cast<double>(own.high - own.low) <= static_cast<double>(own.low) / 128.0);
  }
}

TEST_CASE("Small values are exact and values at or below zero count as zero", "[histogram]") {
  Histogram histogram;
  histogram.record(-5);
  histogram.record(0);
  histogram.record(7, 3);
  histogram.record(200);
  CHECK(histogram.count() == 6);
  CHECK(histogram.min() == 0);
  CHECK(histogram.max() == 200);
  CHECK(histogram.mean() == Approx((7.0 * 3 + 200.0) / 6.0));
  CHECK(histogram.percentile(0.0) == 0);
  CHECK(histogram.percentile(50.0) == 7);
  CHECK(histogram.percentile(100.0) == 200);
  std::vector<HistogramBucket> expected{{0, 0, 2}, {7, 7, 3}, {200, 200, 1}};
  CHECK(histogram.buckets() == expected);
}

TEST_CASE("An empty histogram answers zero", "[histogram]") {
  Histogram histogram;
  CHECK(histogram.empty());
  CHECK(histogram.count() == 0);
  CHECK(histogram.percentile(99.0) == 0);
  CHECK(histogram.mean() == 0.0);
  CHECK(histogram.buckets().empty());
}

TEST_CASE("Histogram buckets ascend without overlap", "[histogram]") {
  Rng rng(34);
  Histogram histogram;
  for (int i = 0; i < 50'000; ++i) histogram.record(static_cast<std::int64_t>(rng.below(std::uint64_t{1} << 40)));
  std::vector<HistogramBucket> buckets = histogram.buckets();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    total += buckets[i].count;
    REQUIRE(buckets[i].low <= buckets[i].high);
    if (i > 0) REQUIRE(buckets[i - 1].high < buckets[i].low);
  }
  CHECK(total == histogram.count());
}

TEST_CASE("Merging two histograms equals recording everything into one", "[histogram]") {
  Rng rng(35);
  DurationDist latency{DurationDist::Kind::lognormal, 2_ms, 20_ms, 0.0};
  Histogram all;
  Histogram first;
  Histogram second;
  for (int i = 0; i < 100'000; ++i) {
    std::int64_t v = latency.sample(rng).ns();
    all.record(v);
    (i % 3 == 0 ? first : second).record(v);
  }
  Histogram merged;
  merged.merge(first);
  merged.merge(second);
  CHECK(merged.count() == all.count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  CHECK(merged.mean() == all.mean());
  CHECK(merged.buckets() == all.buckets());
  for (double p : percentiles) CHECK(merged.percentile(p) == all.percentile(p));
}

TEST_CASE("Metrics split latencies by fault window", "[metrics]") {
  Metrics metrics;
  metrics.record_latency("acquire", 3_ms, "no_fault");
  metrics.record_latency("acquire", 40_ms, "partition");
  metrics.record_latency("acquire", 60_ms, "partition");
  metrics.record_latency("release", 1_ms, "pause");

  REQUIRE(metrics.find_histogram("acquire") != nullptr);
  CHECK(metrics.find_histogram("acquire")->count() == 3);
  CHECK(metrics.find_histogram("acquire@no_fault")->count() == 1);
  CHECK(metrics.find_histogram("acquire@partition")->count() == 2);
  CHECK(metrics.find_histogram("acquire@partition")->max() == (60_ms).ns());
  CHECK(metrics.find_histogram("acquire@pause") == nullptr);

  std::vector<std::string> names;
  for (const auto& entry : metrics.histograms()) names.push_back(entry.first);
  CHECK(names == std::vector<std::string>{"acquire", "acquire@no_fault", "acquire@partition", "release",
                                          "release@pause"});
}

TEST_CASE("Counters add by name", "[metrics]") {
  Metrics metrics;
  metrics.add("requests");
  metrics.add("requests", 4);
  metrics.add("rejected", 2);
  CHECK(metrics.counter("requests") == 5);
  CHECK(metrics.counter("rejected") == 2);
  CHECK(metrics.counter("never") == 0);
  CHECK(metrics.counters().begin()->first == "rejected");
}

TEST_CASE("Merging metrics adds histograms and counters", "[metrics]") {
  Metrics a;
  Metrics b;
  a.record_latency("op", 1_ms, "no_fault");
  b.record_latency("op", 9_ms, "pause");
  a.add("ops");
  b.add("ops", 2);
  a.merge(b);
  CHECK(a.find_histogram("op")->count() == 2);
  CHECK(a.find_histogram("op@pause")->count() == 1);
  CHECK(a.counter("ops") == 3);
  CHECK(a.find_histogram("op")->max() == (9_ms).ns());
}
