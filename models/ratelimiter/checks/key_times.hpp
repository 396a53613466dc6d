// Admission times grouped by key, for the checkers: a counting sort by key (keys are dense
// integers), each key's times then sorted. Counting what a key admitted up to a moment of true
// time is then a binary search.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "models/ratelimiter/observations.hpp"

namespace ratelimiter {

class KeyTimes {
public:
  enum class Stamp { arrived, decided, released };
  /// Every admitted request under each of its keys (its user's, and its IP's when there are
  /// IP keys), stamped with its release or its decision time.
  KeyTimes(const Observations& observations, Stamp stamp);

  std::span<const sim::Instant> of(Key key) const {
    return {times_.data() + offsets_[key], times_.data() + offsets_[key + 1]};
  }
  std::uint32_t key_count() const { return static_cast<std::uint32_t>(offsets_.size() - 1); }
  /// How many fall at or before `end`.
  std::int64_t count_until(Key key, sim::Instant end) const;

private:
  std::vector<std::uint64_t> offsets_;
  std::vector<sim::Instant> times_;
};

}  // namespace ratelimiter
