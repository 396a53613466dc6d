// The delay sequence every contestant draws from: one table, filled once from a sim::Rng, so
// the kernel and the plain heap see exactly the same delays in the same order and their runs
// can be checked against each other (same events run, same final time).
//
// The table is precomputed so that drawing a delay costs a load, not a logarithm: the cost
// common to both contestants stays small and the ratio stays honest.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace bench {

/// A fixed table of delays in nanoseconds, each at least 1 ns (so no event is due "now" and
/// both contestants always go through their heap).
class DelayTable {
public:
  /// `count` must be a power of two. Exponential with mean `mean_ns`, rounded to nanoseconds.
  DelayTable(std::uint64_t seed, std::size_t count, double mean_ns);
  std::int64_t at(std::size_t i) const { return delays_[i & mask_]; }

private:
  std::vector<std::int64_t> delays_;
  std::size_t mask_;
};

/// One contestant's cursor over a shared table.
class DelayCursor {
public:
  explicit DelayCursor(std::shared_ptr<const DelayTable> table) : table_(std::move(table)) {}
  std::int64_t next() { return table_->at(next_++); }

private:
  std::shared_ptr<const DelayTable> table_;
  std::size_t next_ = 0;
};

}  // namespace bench
