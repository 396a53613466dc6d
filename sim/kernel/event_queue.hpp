// The event queue: a 4-ary min-heap ordered by (time, sequence), plus a FIFO for work posted
// at the current time, which is the common case and needs no heap operation.
//
// Determinism: the sequence number breaks every tie, so events at one time run in the order
// they were posted, whatever the heap's internal layout. The FIFO is correct because anything
// already in the heap at the current time was posted before time reached it, and so carries a
// smaller sequence number than anything in the FIFO.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace sim {

/// A 4-ary min-heap of entries with `time` and `seq` members. Shallow and cache-friendly: a
/// node's four children share one or two cache lines.
template <class Entry>
class QuadHeap {
public:
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const Entry& top() const { return items_.front(); }
  /// The entry at `i` in heap order (0 is the top; 1 to 4 are its children).
  const Entry& at(std::size_t i) const { return items_[i]; }
  void reserve(std::size_t n) { items_.reserve(n); }

  void push(const Entry& e) {
    std::size_t i = items_.size();
    items_.push_back(e);
    while (i > 0) {
      std::size_t parent = (i - 1) / 4;
      if (!less(e, items_[parent])) break;
      items_[i] = items_[parent];
      i = parent;
    }
    items_[i] = e;
  }

  Entry pop() {
    Entry top_entry = items_.front();
    Entry last = items_.back();
    items_.pop_back();
    std::size_t n = items_.size();
    if (n == 0) return top_entry;
    std::size_t i = 0;
    for (;;) {
      std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      std::size_t end = first + 4 < n ? first + 4 : n;
      // Which child is least is data-dependent and unpredictable: select it with arithmetic on
      // a 128-bit key (cmp/sbb), so no compiler turns it into a mispredicted branch.
      unsigned __int128 best_key = key(items_[first]);
      for (std::size_t c = first + 1; c < end; ++c) {
        unsigned __int128 k = key(items_[c]);
        bool take = k < best_key;
        best = take ? c : best;
        best_key = take ? k : best_key;
      }
      if (!less(items_[best], last)) break;
      items_[i] = items_[best];
      i = best;
    }
    items_[i] = last;
    return top_entry;
  }

  /// Removes every entry for which `drop` is true, handing each to `drop` once; rebuilds the
  /// heap. O(n): for rare events such as a crash.
  template <class Pred>
  void remove_if(Pred drop) {
    std::vector<Entry> kept;
    kept.reserve(items_.size());
    for (const Entry& e : items_)
      if (!drop(e)) kept.push_back(e);
    items_.clear();
    for (const Entry& e : kept) push(e);
  }

  std::vector<Entry>& raw() { return items_; }

private:
  static unsigned __int128 key(const Entry& e) {
    auto biased = static_cast<std::uint64_t>(e.time) ^ (std::uint64_t{1} << 63);  // order-preserving
    return (static_cast<unsigned __int128>(biased) << 64) | e.seq;
  }
  static bool less(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
  std::vector<Entry> items_;
};

}  // namespace sim
