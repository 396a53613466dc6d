#include "models/queue/intervals.hpp"

#include <algorithm>
#include <iterator>

namespace queue {

std::vector<Span> merge_spans(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (s.first >= s.second) continue;
    if (!out.empty() && s.first <= out.back().second) out.back().second = std::max(out.back().second, s.second);
    else out.push_back(s);
  }
  return out;
}

std::int64_t total_length(const std::vector<Span>& merged) {
  std::int64_t n = 0;
  for (const Span& s : merged) n += s.second - s.first;
  return n;
}

std::vector<Span> uncovered(const std::vector<Span>& merged, std::int64_t lo, std::int64_t hi) {
  std::vector<Span> out;
  auto it =
      std::upper_bound(merged.begin(), merged.end(), lo, [](std::int64_t v, const Span& s) { return v < s.second; });
  std::int64_t at = lo;
  for (; it != merged.end() && it->first < hi; ++it) {
    if (it->first > at) out.emplace_back(at, it->first);
    at = std::max(at, it->second);
  }
  if (at < hi) out.emplace_back(at, hi);
  return out;
}

std::int64_t covered_length(const std::vector<Span>& merged, std::int64_t lo, std::int64_t hi) {
  std::int64_t missing = 0;
  for (const Span& s : uncovered(merged, lo, hi)) missing += s.second - s.first;
  return (hi - lo) - missing;
}

std::int64_t extra_copies(const std::vector<std::vector<Span>>& groups) {
  std::int64_t sum = 0;
  std::vector<Span> all;
  for (const std::vector<Span>& g : groups) {
    std::vector<Span> merged = merge_spans(g);
    sum += total_length(merged);
    all.insert(all.end(), merged.begin(), merged.end());
  }
  return sum - total_length(merge_spans(std::move(all)));
}

bool SpanSet::overlaps(std::int64_t lo, std::int64_t hi) const {
  if (lo >= hi) return false;
  auto it = spans_.lower_bound(hi);  // the first span starting at or past hi cannot meet [lo, hi)
  if (it == spans_.begin()) return false;
  --it;
  return it->second > lo;
}

void SpanSet::insert(std::int64_t lo, std::int64_t hi) {
  if (lo >= hi) return;
  auto it = spans_.upper_bound(lo);
  if (it != spans_.begin() && std::prev(it)->second >= lo) {
    --it;
    lo = it->first;
  }
  while (it != spans_.end() && it->first <= hi) {
    hi = std::max(hi, it->second);
    it = spans_.erase(it);
  }
  spans_.emplace(lo, hi);
}

}  // namespace queue
