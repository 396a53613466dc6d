// The event queue: a radix heap over monotone virtual time (RadixQueue), and a 4-ary min-heap
// ordered by (time, sequence) (QuadHeap), which the kernel used before and the benchmark keeps as
// a baseline.
//
// Determinism: events run in (time, posting order). The radix heap keeps that order without a
// sequence number: entries of one time always sit in one bucket (the bucket is a function of the
// time and of the last time popped alone), and a bucket is a FIFO that is only ever appended to or
// moved whole, in order, into empty lower buckets. So ties leave in the order they arrived,
// whatever the times around them.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "sim/kernel/assert.hpp"

namespace sim {

/// A radix heap of entries with an int64 `time` member, never below the last time popped (virtual
/// time never moves back), whose digits are 4 bits wide rather than 1. Bucket 0 holds the entries
/// due at the last time popped; any other time first differs from the last in some digit (its
/// level, 0 to 15 from the least significant) and sits in the bucket of that level and of its
/// own value of that digit, which is above the last time's. Buckets in index order hold ever
/// later times, so the lowest non-empty one holds the earliest. Pushing is an append; popping
/// takes from bucket 0, and when it is used up the lowest non-empty bucket's least time becomes
/// the last time and its entries move down, each at least one level, so an entry moves at most
/// once per digit: about half as often as with 1-bit digits for the kernel's delays, which at a
/// million pending is most of the queue's cost.
template <class Entry>
class RadixQueue {
public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  /// The entries its buckets have room for without growing: what it holds in memory.
  std::size_t room() const {
    std::size_t entries = 0;
    for (const std::vector<Entry>& bucket : buckets_) entries += bucket.capacity();
    return entries;
  }

  void push(const Entry& e) {
    SIM_ASSERT(key(e) >= last_, "time never moves back: an event was queued before the last one run");
    place(e);
    ++size_;
  }

  /// The earliest time queued; the queue must not be empty. It does not move the last time
  /// forward (only pop does), so work may still be pushed at any time from the last one popped.
  std::int64_t next_time() const {
    if (head_ < buckets_[0].size()) return buckets_[0][head_].time;
    const std::vector<Entry>& lowest = buckets_[lowest_nonempty()];
    std::int64_t least = lowest.front().time;
    for (const Entry& e : lowest) least = e.time < least ? e.time : least;
    return least;
  }
  /// Takes the earliest entry, the first pushed of those at its time. The queue must not be empty.
  Entry pop() {
    if (head_ == buckets_[0].size()) refill();
    --size_;
    return buckets_[0][head_++];
  }
  /// Calls `f` on up to `n` entries among those popped soonest, nearest first as far as known
  /// without work (the rest of the current time's, then the lowest buckets'): for prefetching.
  template <class F>
  void for_next(std::size_t n, F f) const {
    for (std::size_t i = head_; i < buckets_[0].size() && n > 0; ++i, --n) f(buckets_[0][i]);
    for (std::size_t w = 0; w < mask_words && n > 0; ++w) {
      for (std::uint64_t rest = nonempty_[w]; rest != 0 && n > 0; rest &= rest - 1) {
        const std::vector<Entry>& bucket = buckets_[w * 64 + static_cast<std::size_t>(std::countr_zero(rest))];
        for (std::size_t i = 0; i < bucket.size() && n > 0; ++i, --n) f(bucket[i]);
      }
    }
  }

  /// Removes every entry for which `drop` is true, handing each to `drop` once, keeping the
  /// order of the rest. O(n): for rare events such as a crash.
  template <class Pred>
  void remove_if(Pred drop) {
    buckets_[0].erase(buckets_[0].begin(), buckets_[0].begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    size_ = 0;
    for (std::uint64_t& word : nonempty_) word = 0;
    for (std::size_t b = 0; b < bucket_count; ++b) {
      std::vector<Entry>& bucket = buckets_[b];
      std::size_t kept = 0;
      for (const Entry& e : bucket)
        if (!drop(e)) bucket[kept++] = e;
      bucket.resize(kept);
      size_ += kept;
      if (kept > 0) mark(b);
    }
  }

  /// Empties the queue, handing each entry it held to `f` (in no particular order). It allocates
  /// nothing, so a destructor may call it while memory is exhausted (a run stopped by
  /// --memory-limit unwinds through it). `f` may post to the queue: the entries are moved out
  /// first.
  template <class F>
  void drain(F f) {
    std::vector<Entry> held[bucket_count];
    for (std::size_t b = 0; b < bucket_count; ++b) held[b].swap(buckets_[b]);
    std::size_t head = head_;
    head_ = 0;
    size_ = 0;
    for (std::uint64_t& word : nonempty_) word = 0;
    for (std::size_t i = head; i < held[0].size(); ++i) f(held[0][i]);
    for (std::size_t b = 1; b < bucket_count; ++b)
      for (Entry& e : held[b]) f(e);
  }

private:
  static constexpr unsigned digit_bits = 4;
  static constexpr std::size_t digits = 64 / digit_bits;
  static constexpr std::size_t radix = std::size_t{1} << digit_bits;
  static constexpr std::size_t bucket_count = 1 + digits * radix;
  static constexpr std::size_t mask_words = (bucket_count + 63) / 64;

  // Order-preserving: the least int64 maps to 0.
  static std::uint64_t key(const Entry& e) { return static_cast<std::uint64_t>(e.time) ^ (std::uint64_t{1} << 63); }
  std::size_t bucket_of(std::uint64_t k) const {
    if (k == last_) return 0;
    auto level = static_cast<unsigned>(63 - std::countl_zero(k ^ last_)) / digit_bits;
    return 1 + level * radix + ((k >> (level * digit_bits)) & (radix - 1));
  }
  // Bucket 0 is not marked: it is read through head_.
  void mark(std::size_t b) {
    if (b > 0) nonempty_[b / 64] |= std::uint64_t{1} << (b % 64);
  }
  void place(const Entry& e) {
    std::size_t b = bucket_of(key(e));
    buckets_[b].push_back(e);
    mark(b);
  }
  std::size_t lowest_nonempty() const {
    std::size_t w = 0;
    while (nonempty_[w] == 0) ++w;
    return w * 64 + static_cast<std::size_t>(std::countr_zero(nonempty_[w]));
  }
  // Bucket 0 is used up: the lowest non-empty bucket's least time becomes the last time, and its
  // entries, in order, move to lower buckets, at least one of them to bucket 0. Every entry of
  // the bucket shares the digits above its level with the new last time, and its digit there too,
  // so each lands a level lower at least, in a bucket that was empty: each keeps the order of
  // the entries it receives.
  void refill() {
    buckets_[0].clear();
    head_ = 0;
    std::size_t j = lowest_nonempty();
    nonempty_[j / 64] &= ~(std::uint64_t{1} << (j % 64));
    std::vector<Entry> from;
    from.swap(buckets_[j]);
    std::uint64_t least = key(from.front());
    for (const Entry& e : from) least = key(e) < least ? key(e) : least;
    last_ = least;
    for (const Entry& e : from) place(e);
    from.clear();
    // A bucket keeps its capacity for the entries it will receive, except a large far one, whose
    // room goes with `from`: see far_level.
    if (j < 1 + far_level * radix || from.capacity() < large_bucket) from.swap(buckets_[j]);
  }
  // Every bucket would keep the largest capacity it ever needed. Near buckets fill and empty
  // over and over, and keeping their room spares the copies of growing them again. A far bucket
  // (times 2^28 ns, about a quarter of a second, or more ahead: the level of RPC timeouts and
  // periodic jobs) fills once in a long while and, having emptied, cannot receive entries again
  // until time has moved past its whole level's digit; kept, the far buckets' rooms add up as the
  // run goes (the bank's benchmark held room for nine times its pending entries after 20
  // simulated seconds, growing with the run). So a large far bucket's room is let go.
  static constexpr std::size_t far_level = 7;
  static constexpr std::size_t large_bucket = 4096;

  std::vector<Entry> buckets_[bucket_count];
  std::size_t head_ = 0;                      // entries of bucket 0 already popped
  std::uint64_t nonempty_[mask_words] = {};   // bit b: bucket b (> 0) holds entries
  std::uint64_t last_ = 0;                    // key of the last time popped (the least int64 at first)
  std::size_t size_ = 0;
};

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
