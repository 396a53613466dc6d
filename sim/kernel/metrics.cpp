#include "sim/kernel/metrics.hpp"

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

Histogram& Metrics::histogram(std::string_view name) {
  return find_or_make(histograms_, name, [] { return Histogram{}; });
}

void Metrics::record_latency(std::string_view name, Duration latency, std::string_view window) {
  histogram(name).record(latency.ns());
  window_key_.assign(name);
  window_key_ += '@';
  window_key_ += window;
  histogram(window_key_).record(latency.ns());
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

void Metrics::merge(const Metrics& other) {
  for (const auto& [name, histogram_other] : other.histograms_) histogram(name).merge(histogram_other);
  for (const auto& [name, value] : other.counters_) add(name, value);
}

}  // namespace sim
