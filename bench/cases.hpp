// The benchmark's cases: what is measured, at which pending count, against which target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/measure.hpp"
#include "bench/sleepers.hpp"

namespace bench {

/// The baselines every case runs, by name, in this order after the kernel.
inline constexpr const char* heap4_name = "heap4";      ///< PlainHold: the branch-free sim::QuadHeap
inline constexpr const char* branchy_name = "branchy";  ///< BranchyQuadHeap
inline constexpr const char* radix_name = "radix";      ///< RadixHeap

/// The diagnostic row of the hold model whose work takes a pooled block (world_hold.hpp).
inline constexpr const char* pooled_hold_name = "diag:pooled";

/// What a floor row measures in the kernel's place (kernel_floors.hpp).
enum class Floor { pooled_block, bare_coroutine, kernel_sized_entry };

struct Case {
  std::string name;                ///< "hold", "sleep" or a "diag:..." row
  std::uint64_t pending = 0;       ///< events (hold) or live coroutines (sleepers)
  std::optional<double> target;    ///< highest acceptable ratio (see target_heap4); none: diagnostic
  std::optional<SleepKind> sleep;  ///< none: the hold model with posted events
  std::optional<Floor> floor;      ///< a floor instead of the kernel
  /// Whether the target reads kernel / heap4 (the sleeps' target, set against the plain 4-ary
  /// heap) rather than kernel / best baseline (the hold model's).
  bool target_heap4 = false;
  std::string id() const;  ///< "name@pending", what --only accepts
};

struct Row {
  Case what;
  Comparison result;
};

std::vector<Case> all_cases();
/// Whether `only` (a case name, or name@pending) selects `c`; an empty `only` selects all.
bool selected(const Case& c, const std::string& only);

void print_table(const std::vector<Row>& rows, ClockKind clock);
void print_legend();

}  // namespace bench
