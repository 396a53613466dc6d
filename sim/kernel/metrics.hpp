// Metrics of one run: latency histograms and counters, each by name.
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

#include "sim/kernel/histogram.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

class Metrics {
public:
  /// The histogram called `name`, created empty on first use.
  Histogram& histogram(std::string_view name);
  /// Records one latency into histogram `name` and into histogram `name@window`. Does not
  /// allocate once both exist.
  void record_latency(std::string_view name, Duration latency, std::string_view window);
  /// Adds `delta` to counter `name` (created at 0).
  void add(std::string_view counter, std::int64_t delta = 1);

  /// 0 for a counter never added to.
  std::int64_t counter(std::string_view name) const;
  /// nullptr when absent: reading never creates.
  const Histogram* find_histogram(std::string_view name) const;

  const std::map<std::string, Histogram, std::less<>>& histograms() const { return histograms_; }
  const std::map<std::string, std::int64_t, std::less<>>& counters() const { return counters_; }

  /// Adds everything in `other` into this.
  void merge(const Metrics& other);

private:
  std::map<std::string, Histogram, std::less<>> histograms_;
  std::map<std::string, std::int64_t, std::less<>> counters_;
  std::string window_key_;  // reused buffer for "name@window", so lookups do not allocate
};

}  // namespace sim
