// The random stream behind Lua's math.random in Redis: Redis's own rand48 (rand.c), not libc's,
// so that every platform draws the same numbers. It is the POSIX 48-bit linear congruential
// generator x' = (0x5DEECE66D·x + 0xB) mod 2^48, started and reseeded the way Redis does it.
//
// Determinism: pure arithmetic on a 48-bit state owned by the caller; no globals.
#pragma once

#include <cstdint>
#include <limits>

namespace redis {

class Rand48 {
public:
  /// REDIS_LRAND48_MAX: the divisor that turns a draw into a number in [0, 1).
  static constexpr std::int32_t max = std::numeric_limits<std::int32_t>::max();
  /// A fresh process's state, fixed in rand.c as X0..X2 = 0x330E, 0xABCD, 0x1234.
  static constexpr std::uint64_t initial_state = 0x1234'ABCD'330EULL;

  /// redisSrand48(seed): X0 = 0x330E, X1 = the seed's low 16 bits, X2 = its next 16 bits.
  void seed(std::int32_t value);
  /// redisLrand48(): advances the state and returns its top 31 bits.
  std::int32_t next();
  /// What math.random() returns: (next() % max) / max, in [0, 1).
  double next_unit();

  std::uint64_t state() const { return state_; }

private:
  std::uint64_t state_ = initial_state;
};

}  // namespace redis
