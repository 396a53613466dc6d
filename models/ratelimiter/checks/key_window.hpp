// One key's recent admissions, for the checks that judge decisions as they come: a sorted
// sequence whose front is dropped once no verdict can need it, so what a key holds is about one
// window of its limit, whatever the run's length, and nothing once it has been quiet for one.
//
// Determinism: plain values in one vector, ordered by value (ties keep their arrival order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"

namespace ratelimiter {

/// Values kept in ascending order of `Order{}(value)`; inserted near the back (decisions come
/// nearly in time order), dropped from the front.
template <typename T, typename Order>
class SortedRun {
public:
  void insert(T value) {
    items_.push_back(value);
    for (std::size_t i = items_.size() - 1; i > head_ && Order{}(items_[i]) < Order{}(items_[i - 1]); --i)
      std::swap(items_[i], items_[i - 1]);
  }
  std::size_t size() const { return items_.size() - head_; }
  bool empty() const { return size() == 0; }
  /// The values its storage has room for, held or not.
  std::size_t room() const { return items_.capacity(); }
  const T& operator[](std::size_t i) const { return items_[head_ + i]; }
  const T& back() const { return items_.back(); }
  /// Drops the first `n`; the storage is compacted once the dropped are half the vector, so a
  /// key never holds more dropped values than live ones (a floor of 16 let every quiet key keep
  /// up to 16 dead ones, and the vector grown to 32, hundreds of bytes a key at a million keys).
  void drop_front(std::size_t n) {
    head_ += static_cast<std::uint32_t>(n);
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    } else if (head_ > 0 && 2 * static_cast<std::size_t>(head_) >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + head_);
      head_ = 0;
    }
  }
  /// Gives the storage back once nothing is held: for a key gone quiet, whose room would
  /// otherwise stay for as long as the run (a busy key's is kept, to spare regrowing it).
  void release_if_empty() {
    if (size() == 0 && items_.capacity() > 0) {
      std::vector<T>().swap(items_);
      head_ = 0;
    }
  }
  /// How many have an order at or below `bound`.
  std::size_t count_up_to(sim::Instant bound) const {
    std::size_t low = 0, high = size();
    while (low < high) {
      std::size_t mid = (low + high) / 2;
      if (Order{}((*this)[mid]) <= bound)
        low = mid + 1;
      else
        high = mid;
    }
    return low;
  }

private:
  std::vector<T> items_;
  std::uint32_t head_ = 0;
};

struct ByInstant {
  sim::Instant operator()(sim::Instant t) const { return t; }
};

/// An admission as false_rejections needs it: when the limiter decided it and when it arrived.
struct Admission {
  sim::Instant decided;
  sim::Instant arrived;
};
struct ByDecided {
  sim::Instant operator()(const Admission& a) const { return a.decided; }
};

/// What the checks keep of one key.
struct KeyWindow {
  /// over_admission: release times; the first `judged` have had their window counted.
  SortedRun<sim::Instant, ByInstant> released;
  std::uint32_t judged = 0;
  std::int64_t most = 0;  ///< the busiest window so far
  sim::Instant most_at;   ///< the admission that first closed it
  /// false_rejections: the admissions a rejection still to be judged may count.
  SortedRun<Admission, ByDecided> admissions;
};

}  // namespace ratelimiter
