#include "sim/kernel/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sim {
namespace {

constexpr int sub_bucket_bits = 7;
constexpr std::uint64_t sub_bucket_count = std::uint64_t{1} << sub_bucket_bits;  // 128
// The largest int64 has bit 62 set: 56 shifted ranges of 128 buckets after the first 128.
constexpr std::size_t bucket_count = sub_bucket_count * (64 - sub_bucket_bits);  // 7296

std::size_t bucket_index(std::int64_t value) {
  auto v = static_cast<std::uint64_t>(value);
  if (v < sub_bucket_count) return v;
  int shift = std::bit_width(v) - 1 - sub_bucket_bits;
  return sub_bucket_count * static_cast<std::uint64_t>(shift) + (v >> shift);
}

HistogramBucket bucket_bounds(std::size_t index) {
  if (index < sub_bucket_count) {
    auto v = static_cast<std::int64_t>(index);
    return {v, v, 0};
  }
  std::uint64_t shift = index / sub_bucket_count - 1;
  std::uint64_t low = (sub_bucket_count + index % sub_bucket_count) << shift;
  std::uint64_t high = low + ((std::uint64_t{1} << shift) - 1);
  return {static_cast<std::int64_t>(low), static_cast<std::int64_t>(high), 0};
}

}  // namespace

Histogram::Histogram() : counts_(bucket_count, 0) {}

void Histogram::record(std::int64_t value, std::uint64_t count) {
  if (count == 0) return;
  value = std::max<std::int64_t>(value, 0);
  counts_[bucket_index(value)] += count;
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = count_ == 0 ? value : std::max(max_, value);
  count_ += count;
  sum_ += static_cast<unsigned __int128>(value) * count;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  return static_cast<double>(sum_) / static_cast<double>(count_);
}

std::int64_t Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  if (p <= 0.0) return min_;
  if (p >= 100.0) return max_;
  double wanted = std::ceil(p / 100.0 * static_cast<double>(count_));
  auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen < rank) continue;
    HistogramBucket bucket = bucket_bounds(i);
    std::int64_t midpoint = bucket.low + (bucket.high - bucket.low + 1) / 2;
    return std::clamp(midpoint, min_, max_);
  }
  return max_;
}

std::vector<HistogramBucket> Histogram::buckets() const {
  std::vector<HistogramBucket> out;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    if (counts_[i] == 0) continue;
    HistogramBucket bucket = bucket_bounds(i);
    bucket.count = counts_[i];
    out.push_back(bucket);
  }
  return out;
}

Histogram::State Histogram::state() const {
  State state;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (counts_[i] != 0) state.counts.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  state.count = count_;
  state.min = min_;
  state.max = max_;
  state.sum_high = static_cast<std::uint64_t>(sum_ >> 64);
  state.sum_low = static_cast<std::uint64_t>(sum_);
  return state;
}

bool Histogram::from_state(const State& state, Histogram& out) {
  Histogram h;
  std::uint64_t total = 0;
  for (const auto& [index, count] : state.counts) {
    if (index >= bucket_count || count == 0 || total + count < total) return false;
    h.counts_[index] += count;
    total += count;
  }
  if (total != state.count || (state.count > 0 && state.min > state.max)) return false;
  h.count_ = state.count;
  h.min_ = state.min;
  h.max_ = state.max;
  h.sum_ = (static_cast<unsigned __int128>(state.sum_high) << 64) | state.sum_low;
  out = std::move(h);
  return true;
}

}  // namespace sim
