// The five algorithms over one server's memory. Each decides a request for one key at one
// clock reading and, when it admits, records it: the decision and the update are one step, as
// they are under a lock in a real server. The local placement runs one per API server; the
// local_fallback policy runs one per server while Redis does not answer.
//
// Time is the caller's wall clock, kept in the per-key state as Unix nanoseconds (as a server
// keeps timestamps), and the arithmetic is exact integers: nothing here rounds, so a local
// limiter admits exactly what its algorithm says.
//
// Determinism: state lives in flat per-key tables (slot_table.hpp); nothing is iterated.
#pragma once

#include <cstdint>
#include <memory>

#include "models/ratelimiter/algorithms/limit.hpp"
#include "models/ratelimiter/options.hpp"
#include "models/ratelimiter/population.hpp"
#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/time.hpp"

namespace ratelimiter {

struct Decision {
  bool admitted = false;
  /// leaky_bucket: how long an admitted request waits in the queue for its slot.
  sim::Duration wait = sim::Duration::zero();
};

class LocalAlgorithm {
public:
  virtual ~LocalAlgorithm() = default;
  /// Decides one request for `key` under `limit` when the wall clock reads `now`, recording it
  /// when admitted.
  virtual Decision decide(Key key, const Limit& limit, sim::WallTime now) = 0;
  /// How many keys hold state.
  virtual std::size_t keys_held() const = 0;
};

/// Refills `refill` tokens per window up to `capacity`; a request takes one token.
std::unique_ptr<LocalAlgorithm> make_token_bucket(std::uint32_t key_count);
/// A queue drained at one request per interval(); a request waits for its slot, and is
/// rejected when it would wait longer than capacity intervals.
std::unique_ptr<LocalAlgorithm> make_leaky_bucket(std::uint32_t key_count);
/// A counter per window aligned to the clock (floor(now / window)).
std::unique_ptr<LocalAlgorithm> make_fixed_window(std::uint32_t key_count);
/// The spec's algorithm: a log of admitted timestamps; drop those at or before now - window,
/// admit while fewer than count remain.
std::unique_ptr<LocalAlgorithm> make_sliding_window_log(std::uint32_t key_count);
/// The previous window's count weighted by how much of it still overlaps, plus the current
/// window's count (Cloudflare's approximation).
std::unique_ptr<LocalAlgorithm> make_sliding_window_counter(std::uint32_t key_count);

std::unique_ptr<LocalAlgorithm> make_local_algorithm(Algorithm algorithm, std::uint32_t key_count);

/// floor(a / b) for b > 0.
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace ratelimiter
