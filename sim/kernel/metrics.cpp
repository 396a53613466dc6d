#include "sim/kernel/metrics.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"

namespace sim {
namespace {

// The entry for `name`, made from `make()` on first use. std::map has no heterogeneous
// try_emplace before C++26, so look up by string_view and build the key only when inserting.
template <typename Map, typename Make>
typename Map::mapped_type& find_or_make(Map& map, std::string_view name, Make make) {
  auto it = map.lower_bound(name);
  if (it == map.end() || it->first != name) it = map.emplace_hint(it, std::string(name), make());
  return it->second;
}

}  // namespace

Series::Series(Duration interval) : interval_(interval) {
  SIM_ASSERT(interval_ > Duration::zero(), "a series interval must be positive");
}

void Series::add(Instant at, std::int64_t value) {
  SIM_ASSERT(at >= Instant::zero(), "a series starts at time zero");
  auto index = static_cast<std::size_t>(at.since_start() / interval_);
  if (index >= buckets_.size()) buckets_.resize(index + 1);
  Bucket& bucket = buckets_[index];
  bucket.max = bucket.count == 0 ? value : std::max(bucket.max, value);
  bucket.sum += value;
  ++bucket.count;
}

void Series::merge(const Series& other) {
  SIM_ASSERT(other.interval_ == interval_, "merged series must share an interval");
  if (other.buckets_.size() > buckets_.size()) buckets_.resize(other.buckets_.size());
  for (std::size_t i = 0; i < other.buckets_.size(); ++i) {
    const Bucket& from = other.buckets_[i];
    if (from.count == 0) continue;
    Bucket& into = buckets_[i];
    into.max = into.count == 0 ? from.max : std::max(into.max, from.max);
    into.sum += from.sum;
    into.count += from.count;
  }
}

Instant Series::bucket_start(std::size_t index) const {
  return Instant::zero() + interval_ * static_cast<std::int64_t>(index);
}

Metrics::Metrics(Duration series_interval) : series_interval_(series_interval) {
  SIM_ASSERT(series_interval_ > Duration::zero(), "a series interval must be positive");
}

Histogram& Metrics::histogram(std::string_view name) {
  return find_or_make(histograms_, name, [] { return Histogram{}; });
}

Series& Metrics::series(std::string_view name) { return series(name, series_interval_); }

Series& Metrics::series(std::string_view name, Duration interval) {
  return find_or_make(series_, name, [interval] { return Series{interval}; });
}

void Metrics::record_latency(std::string_view name, Instant at, Duration latency, std::string_view window) {
  histogram(name).record(latency.ns());
  window_key_.assign(name);
  window_key_ += '@';
  window_key_ += window;
  histogram(window_key_).record(latency.ns());
  series(name).add(at, latency.ns());
}

void Metrics::add(std::string_view counter, std::int64_t delta) {
  find_or_make(counters_, counter, [] { return std::int64_t{0}; }) += delta;
}

std::int64_t Metrics::counter(std::string_view name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second;
}

const Histogram* Metrics::find_histogram(std::string_view name) const {
  auto it = histograms_.find(name);
  return it == histograms_.end() ? nullptr : &it->second;
}

const Series* Metrics::find_series(std::string_view name) const {
  auto it = series_.find(name);
  return it == series_.end() ? nullptr : &it->second;
}

void Metrics::merge(const Metrics& other) {
  for (const auto& [name, histogram_other] : other.histograms_) histogram(name).merge(histogram_other);
  for (const auto& [name, value] : other.counters_) add(name, value);
  for (const auto& [name, series_other] : other.series_) series(name, series_other.interval()).merge(series_other);
}

}  // namespace sim
