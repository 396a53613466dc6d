// The Snowflake model's checkers. Each reads only the Observations of a run and gives one
// verdict with a one-line summary of how bad, ordered details, and the first violation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/snowflake/observations.hpp"

namespace snowflake {

/// Ids issued more than once: how many re-issues, and the earliest re-issue with its original
/// (indices into Observations::issued).
struct Duplicates {
  std::uint64_t count = 0;
  std::optional<std::pair<std::size_t, std::size_t>> first;
};
Duplicates find_duplicates(const std::vector<IssuedId>& issued);

/// No id is issued twice, by any node.
class UniquenessCheck {
public:
  sim::CheckResult run(const Observations& observations) const {
    return judge(observations, find_duplicates(observations.issued));
  }
  sim::CheckResult judge(const Observations& observations, const Duplicates& duplicates) const;
};

/// Each node's ids strictly increase in the order it issued them.
class MonotonicityCheck {
public:
  sim::CheckResult run(const Observations& observations) const;
};

/// How far ids sort out of true-time order: the largest t_j - t_i over pairs issued at true
/// times t_i < t_j with id_i > id_j, found in O(n log n) from prefix maxima of the ids in issue
/// order. `earlier` and `later` index the pair in Observations::issued.
struct KSortedness {
  sim::Duration gap = sim::Duration::zero();
  std::size_t earlier = 0;
  std::size_t later = 0;
  std::uint64_t inverted = 0;  ///< ids issued after some larger id
};
/// `issued` must be in true-time order (as the model records it).
KSortedness measure_k_sortedness(const std::vector<IssuedId>& issued);

/// Reports k-sortedness; violated only when a bound is given and exceeded.
class KSortednessCheck {
public:
  explicit KSortednessCheck(std::optional<sim::Duration> bound) : bound_(bound) {}
  sim::CheckResult run(const Observations& observations) const {
    return judge(observations, measure_k_sortedness(observations.issued));
  }
  sim::CheckResult judge(const Observations& observations, const KSortedness& k) const;

private:
  std::optional<sim::Duration> bound_;
};

/// Every request got an id: none refused for a backwards clock, none lost to a down node.
class AvailabilityCheck {
public:
  sim::CheckResult run(const Observations& observations) const;
};

/// Ids per second per node against the 4,096,000/s ceiling of a 12-bit sequence, and how often
/// a generator waited for the next millisecond. Informational: it always holds.
class ThroughputCheck {
public:
  sim::CheckResult run(const Observations& observations) const;
};

}  // namespace snowflake
