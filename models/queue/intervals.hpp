// Sets of whole numbers as sorted, merged half-open intervals: how the checkers count messages
// and offsets without a record per message.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace queue {

using Span = std::pair<std::int64_t, std::int64_t>;  ///< [first, second)

/// Sorts and merges overlapping or touching spans.
std::vector<Span> merge_spans(std::vector<Span> spans);
/// Total length of merged spans.
std::int64_t total_length(const std::vector<Span>& merged);
/// The parts of [lo, hi) that `merged` does not cover, in order.
std::vector<Span> uncovered(const std::vector<Span>& merged, std::int64_t lo, std::int64_t hi);
/// How much of [lo, hi) `merged` covers.
std::int64_t covered_length(const std::vector<Span>& merged, std::int64_t lo, std::int64_t hi);

/// A set of spans that grows one span at a time: whether a new span meets what it holds, in
/// O(log n), where merging the whole vector again for each would be quadratic.
class SpanSet {
public:
  bool overlaps(std::int64_t lo, std::int64_t hi) const;
  void insert(std::int64_t lo, std::int64_t hi);

private:
  std::map<std::int64_t, std::int64_t> spans_;  ///< first -> end, disjoint and not touching
};

/// Given groups of spans, how many points lie in more than one group, counted once per extra
/// group: the sum of each group's size minus the size of their union.
std::int64_t extra_copies(const std::vector<std::vector<Span>>& groups);

}  // namespace queue
