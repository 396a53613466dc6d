// Random streams: xoshiro256** seeded through SplitMix64, one stream per component.
//
// Determinism: a stream is a pure function of (root seed, stream name). Names are hashed with
// FNV-1a (a fixed algorithm, unlike std::hash), so adding a component leaves every other
// stream unchanged. Nothing here reads the real world.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

/// A ratio that decides an event: `num` in `den`. Kept as integers so a decision never depends
/// on floating-point rounding.
struct Ratio {
  std::uint64_t num = 0;
  std::uint64_t den = 1;
  bool operator==(const Ratio&) const = default;
};

class Rng {
public:
  explicit Rng(std::uint64_t seed);
  /// The stream for `name` under `root_seed`.
  static Rng stream(std::uint64_t root_seed, std::string_view name);
  /// A child stream named relative to this one's seed ("node/redis-3" under "net").
  Rng derive(std::string_view name) const;

  std::uint64_t next_u64();
  /// Uniform integer in [0, bound), without modulo bias (Lemire's method). bound > 0.
  std::uint64_t below(std::uint64_t bound);
  /// Uniform integer in [lo, hi], inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  /// True with probability ratio.num / ratio.den, decided in integers.
  bool chance(Ratio ratio);
  /// Uniform double in [0, 1) with 53 random bits.
  double unit();
  /// Uniform double in (0, 1]: safe under log().
  double unit_open_low();

  std::uint64_t seed() const { return seed_; }

private:
  std::uint64_t seed_;
  std::uint64_t s_[4];
};

std::uint64_t fnv1a64(std::string_view text);
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace sim
