// The benchmark's cases: what is measured, at which pending count, against which target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/measure.hpp"
#include "bench/sleepers.hpp"

namespace bench {

struct Case {
  std::string name;               ///< "hold", "sleep" or a "diag:..." row
  std::uint64_t pending = 0;      ///< events (hold) or live coroutines (sleepers)
  std::optional<double> target;   ///< highest acceptable kernel / baseline ratio; none: diagnostic
  std::optional<SleepKind> sleep; ///< none: the hold model with posted events
  std::string id() const;         ///< "name@pending", what --only accepts
};

struct Row {
  Case what;
  Comparison result;
};

std::vector<Case> all_cases();
/// Whether `only` (a case name, or name@pending) selects `c`; an empty `only` selects all.
bool selected(const Case& c, const std::string& only);

/// Which clock a table reads.
enum class ClockKind { wall, cpu };
void print_table(const std::vector<Row>& rows, ClockKind clock);
void print_legend();

}  // namespace bench
