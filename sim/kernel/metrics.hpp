// Metrics of one run: latency histograms, counters and per-interval series, each by name.
//
// Fault model: a model never knows whether a fault is active, so the caller that records a
// latency names the fault window it falls in ("no_fault", "partition", "pause", ...), and the
// latency is counted both overall and in that window.
// Determinism: everything is keyed by name in ordered maps and holds exact integers, so a report
// walks the same names in the same order with the same values on every run of one seed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/histogram.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

/// Values added over time, summed per fixed interval: bucket i covers
/// [i * interval, (i + 1) * interval) of true time. Each bucket also keeps how many values it
/// got and the largest, so one series gives a rate (count), a total (sum), a mean and a peak.
class Series {
public:
  struct Bucket {
    std::int64_t sum = 0;
    std::uint64_t count = 0;
    std::int64_t max = 0;  ///< the largest value added; 0 while count is 0
    bool operator==(const Bucket&) const = default;
  };

  /// interval > 0.
  explicit Series(Duration interval);

  /// Adds `value` to the bucket of `at` (at >= 0). Allocates only when `at` opens new buckets.
  void add(Instant at, std::int64_t value = 1);
  /// Adds every bucket of `other`, which must have the same interval.
  void merge(const Series& other);

  Duration interval() const { return interval_; }
  /// Bucket i covers [i * interval, (i + 1) * interval); trailing empty intervals are absent.
  const std::vector<Bucket>& buckets() const { return buckets_; }
  Instant bucket_start(std::size_t index) const;

private:
  Duration interval_;
  std::vector<Bucket> buckets_;
};

class Metrics {
public:
  /// `series_interval` (> 0) is the interval of every series created without one, including the
  /// per-interval latency series that record_latency keeps.
  explicit Metrics(Duration series_interval = Duration::seconds(1));

  /// The histogram called `name`, created empty on first use.
  Histogram& histogram(std::string_view name);
  /// The series called `name`, created on first use with `interval` (or the default interval).
  /// An existing series keeps the interval it was created with.
  Series& series(std::string_view name);
  Series& series(std::string_view name, Duration interval);

  /// Records one latency that ended at `at`: into histogram `name`, into histogram
  /// `name@window`, and into series `name` (per interval: completions, total and peak latency).
  /// Does not allocate once those already exist.
  void record_latency(std::string_view name, Instant at, Duration latency, std::string_view window);
  /// Adds `delta` to counter `name` (created at 0).
  void add(std::string_view counter, std::int64_t delta = 1);

  /// 0 for a counter never added to.
  std::int64_t counter(std::string_view name) const;
  /// nullptr when absent: reading never creates.
  const Histogram* find_histogram(std::string_view name) const;
  const Series* find_series(std::string_view name) const;

  const std::map<std::string, Histogram, std::less<>>& histograms() const { return histograms_; }
  const std::map<std::string, std::int64_t, std::less<>>& counters() const { return counters_; }
  const std::map<std::string, Series, std::less<>>& all_series() const { return series_; }
  Duration series_interval() const { return series_interval_; }

  /// Adds everything in `other` into this (series of one name must share an interval).
  void merge(const Metrics& other);

private:
  Duration series_interval_;
  std::map<std::string, Histogram, std::less<>> histograms_;
  std::map<std::string, std::int64_t, std::less<>> counters_;
  std::map<std::string, Series, std::less<>> series_;
  std::string window_key_;  // reused buffer for "name@window", so lookups do not allocate
};

}  // namespace sim
