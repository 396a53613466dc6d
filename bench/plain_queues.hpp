// The plain priority queues the kernel is measured against: each the best ordinary way to keep
// (time, sequence) order, with nothing of the kernel's (no pool, no type erasure beyond a function
// pointer, no node checks).
//   BranchyQuadHeap  a 4-ary min-heap whose sift-down picks the least child with branches, as
//                    textbooks write it (the branch predictor runs ahead into the next level).
//   RadixHeap        a radix heap over monotone integer times: 65 FIFO buckets, bucket b holding
//                    the entries whose time first differs from the last time popped in bit b-1.
//                    Entries of one time share a bucket and keep their order of insertion, so it
//                    pops ties first-in-first-out with no sequence number.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace bench {

/// Entries need `time` and `seq` members.
template <class Entry>
class BranchyQuadHeap {
public:
  bool empty() const { return items_.empty(); }
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
    Entry top = items_.front();
    Entry last = items_.back();
    items_.pop_back();
    std::size_t n = items_.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t end = first + 4 < n ? first + 4 : n;
      std::size_t best = first;
      for (std::size_t c = first + 1; c < end; ++c)
        if (less(items_[c], items_[best])) best = c;
      if (!less(items_[best], last)) break;
      items_[i] = items_[best];
      i = best;
    }
    items_[i] = last;
    return top;
  }

private:
  static bool less(const Entry& a, const Entry& b) { return a.time != b.time ? a.time < b.time : a.seq < b.seq; }
  std::vector<Entry> items_;
};

/// Entries need a `time` member, never below the last time popped.
template <class Entry>
class RadixHeap {
public:
  bool empty() const { return size_ == 0; }

  void push(const Entry& e) {
    std::size_t b = bucket_of(key(e));
    buckets_[b].push_back(e);
    if (b > 0) nonempty_ |= std::uint64_t{1} << (b - 1);
    ++size_;
  }

  Entry pop() {
    if (head_ == buckets_[0].size()) refill();
    --size_;
    return buckets_[0][head_++];
  }

private:
  static std::uint64_t key(const Entry& e) { return static_cast<std::uint64_t>(e.time) ^ (std::uint64_t{1} << 63); }
  std::size_t bucket_of(std::uint64_t k) const {
    return k == last_ ? 0 : 64 - static_cast<std::size_t>(std::countl_zero(k ^ last_));
  }
  // Bucket 0 is used up: the lowest non-empty bucket's least time becomes the last time, and its
  // entries, in order, move to lower buckets (at least one to bucket 0).
  void refill() {
    buckets_[0].clear();
    head_ = 0;
    std::size_t j = static_cast<std::size_t>(std::countr_zero(nonempty_)) + 1;
    std::vector<Entry>& from = buckets_[j];
    std::uint64_t least = key(from.front());
    for (const Entry& e : from) least = key(e) < least ? key(e) : least;
    last_ = least;
    for (const Entry& e : from) {
      std::size_t b = bucket_of(key(e));
      buckets_[b].push_back(e);
      if (b > 0) nonempty_ |= std::uint64_t{1} << (b - 1);
    }
    from.clear();
    nonempty_ &= ~(std::uint64_t{1} << (j - 1));
  }

  std::vector<Entry> buckets_[65];
  std::size_t head_ = 0;                         // entries of bucket 0 already popped
  std::uint64_t nonempty_ = 0;                   // bit b-1: bucket b (1 to 64) holds entries
  std::uint64_t last_ = std::uint64_t{1} << 63;  // key of time 0
  std::size_t size_ = 0;
};

}  // namespace bench
