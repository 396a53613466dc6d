// Latency histogram with log-linear buckets, as HdrHistogram keeps them.
//
// Fault model: none; a histogram only counts what it is given. A value of zero or less is
// counted as 0 (a latency is never negative).
// Determinism: buckets are fixed by the value alone, counts and sums are exact integers, and
// merging is addition, so one set of recorded values gives one set of percentiles in any order.
//
// Precision: values below 128 have a bucket each; above that every power of two [2^e, 2^(e+1))
// is cut into 128 equal buckets, so a bucket is at most 1/128 of its lowest value wide and a
// percentile (the bucket's midpoint) is within 0.4% of the exact order statistic. Memory is one
// fixed array (about 57 KiB) whatever the count, for every value up to INT64_MAX.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace sim {

/// One bucket: the values in [low, high] (both inclusive), and how many were recorded there.
struct HistogramBucket {
  std::int64_t low = 0;
  std::int64_t high = 0;
  std::uint64_t count = 0;
  bool operator==(const HistogramBucket&) const = default;
};

class Histogram {
public:
  Histogram();

  /// Records `value` (nanoseconds for a latency) `count` times. Never allocates.
  void record(std::int64_t value, std::uint64_t count = 1);
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  /// Exact smallest and largest recorded values; 0 when empty.
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return count_ == 0 ? 0 : max_; }
  /// Exact mean of the recorded values; 0 when empty.
  double mean() const;
  /// The value at percentile p (0..100): the midpoint of the bucket holding the order statistic
  /// of rank ceil(p/100 * count), clamped to [min, max]. p <= 0 gives min, p >= 100 gives max;
  /// 0 when empty.
  std::int64_t percentile(double p) const;
  /// The non-empty buckets, lowest values first, for plotting.
  std::vector<HistogramBucket> buckets() const;

  /// Everything the histogram holds, exactly, so that a result written by one process (a shard
  /// of a sweep) merges in another into the histogram one process would have had.
  struct State {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> counts;  ///< (bucket index, count), non-zero only
    std::uint64_t count = 0;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::uint64_t sum_high = 0;  ///< the exact sum's upper 64 bits
    std::uint64_t sum_low = 0;
  };
  State state() const;
  /// The histogram of `state`; false when the state cannot be one (a bucket out of range, or
  /// counts that do not add up), leaving `out` as it was.
  static bool from_state(const State& state, Histogram& out);

private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  unsigned __int128 sum_ = 0;  // exact: 2^64 values of up to 2^63 each
};

}  // namespace sim
