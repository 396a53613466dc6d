#include "bench/delays.hpp"

#include <cmath>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

namespace bench {

DelayTable::DelayTable(std::uint64_t seed, std::size_t count, double mean_ns)
    : delays_(count), mask_(count - 1) {
  SIM_ASSERT(count > 0 && (count & (count - 1)) == 0, "the delay table size must be a power of two");
  sim::Rng rng = sim::Rng::stream(seed, "bench/delays");
  for (auto& d : delays_) {
    auto ns = static_cast<std::int64_t>(std::llround(sim::sample_exponential(rng, mean_ns)));
    d = ns < 1 ? 1 : ns;
  }
}

}  // namespace bench
