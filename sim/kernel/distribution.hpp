// Random distributions, our own: the standard library's differ between implementations, and a
// run must replay byte for byte everywhere.
//
// Determinism: every sample is a pure function of the Rng state. Floating point appears only
// inside a single sample's arithmetic (IEEE-754, no fast-math), and results that reach the world
// are rounded to whole nanoseconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

double sample_exponential(Rng& rng, double mean);
/// Box-Muller, one value per call (no cached second value: state stays in the Rng only).
double sample_normal(Rng& rng, double mean, double stddev);
/// exp(normal(mu, sigma)).
double sample_lognormal(Rng& rng, double mu, double sigma);
/// Pareto type I: scale x_m > 0, shape alpha > 0; support [x_m, inf).
double sample_pareto(Rng& rng, double scale, double shape);

/// Zipf over ranks 1..n with exponent s >= 0 (s = 0 is uniform), by rejection-inversion
/// (Hörmann and Derflinger), O(1) per sample and O(1) memory, so n may be in the millions.
class Zipf {
public:
  Zipf(std::uint64_t n, double exponent);
  std::uint64_t sample(Rng& rng) const;  // in [1, n]
  std::uint64_t size() const { return n_; }

private:
  double h(double x) const;
  double h_inverse(double x) const;
  std::uint64_t n_;
  double s_;
  double h_x1_, h_n_, threshold_;
};

/// A distribution of durations, as a scenario writes it:
///   { dist: constant, value: 1ms }
///   { dist: uniform, min: 1ms, max: 3ms }
///   { dist: exponential, mean: 2ms }
///   { dist: normal, mean: 2ms, stddev: 500us }           (negative samples clamp to zero)
///   { dist: lognormal, median: 1ms, p99: 5ms }           (sigma = ln(p99/median) / 2.3263)
///   { dist: pareto, min: 1ms, shape: 1.5 }
/// A bare duration ("2ms") means constant.
struct DurationDist {
  enum class Kind { constant, uniform, exponential, normal, lognormal, pareto };
  Kind kind = Kind::constant;
  Duration a = Duration::zero();  ///< value | min | mean | mean | median | min (by kind)
  Duration b = Duration::zero();  ///< - | max | - | stddev | p99 | - (by kind)
  double shape = 0.0;             ///< pareto's alpha; unused otherwise

  static DurationDist constant(Duration d) { return {Kind::constant, d, Duration::zero(), 0.0}; }
  /// A sample, never negative, rounded to whole nanoseconds.
  Duration sample(Rng& rng) const;
  /// The distribution's median, exactly where it is known in closed form.
  Duration median() const;
  std::string describe() const;
  bool operator==(const DurationDist&) const = default;
};

const char* to_string(DurationDist::Kind kind);

}  // namespace sim
