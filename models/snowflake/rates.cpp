#include "models/snowflake/rates.hpp"

namespace snowflake {

std::vector<std::uint64_t> issued_within_length(const Observations& observations) {
  std::vector<std::uint64_t> counts(observations.nodes.size(), 0);
  sim::Instant end = sim::Instant::zero() + observations.length;
  for (const IssuedId& issued : observations.issued) {
    if (issued.at >= end) break;  // in issue order, so in true-time order
    ++counts[issued.node];
  }
  return counts;
}

double per_second(std::uint64_t count, sim::Duration length) {
  if (length <= sim::Duration::zero()) return 0.0;
  return static_cast<double>(count) / length.seconds_f();
}

}  // namespace snowflake
