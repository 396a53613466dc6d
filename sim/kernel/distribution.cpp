#include "sim/kernel/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/kernel/assert.hpp"

namespace sim {
namespace {

constexpr double two_pi = 6.283185307179586476925286766559;
/// The standard normal's 99th percentile: p99 = median * exp(sigma * z99) for a lognormal.
constexpr double normal_z99 = 2.3263478740408408;
/// 2^63 as a double: the first value that no longer fits in an int64.
constexpr double int64_limit = 9223372036854775808.0;

// expm1(t) / t, accurate near t = 0 with exp and log only (Kahan's trick: the rounding error of
// exp(t) - 1 cancels against that of log(exp(t))). Tends to 1 as t -> 0.
double expm1_over_x(double t) {
  double u = std::exp(t);
  if (u == 1.0) return 1.0;
  double um1 = u - 1.0;
  if (um1 == -1.0) return -1.0 / t;
  return um1 / std::log(u);
}

// log1p(t) / t, accurate near t = 0 by the same trick. Tends to 1 as t -> 0.
double log1p_over_x(double t) {
  double u = 1.0 + t;
  if (u == 1.0) return 1.0;
  return std::log(u) / (u - 1.0);
}

// A real number of nanoseconds as a Duration: rounded to nearest, negatives (and NaN) to zero,
// values past the int64 range to Duration::max().
Duration round_to_duration(double ns) {
  if (!(ns > 0.0)) return Duration::zero();
  if (ns >= int64_limit) return Duration::max();
  return Duration::nanoseconds(std::llround(ns));
}

double as_double(Duration d) { return static_cast<double>(d.ns()); }

// The shortest text that reads back as the same double ("1.5", "2", "0.25").
std::string shortest(double x) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

}  // namespace

double sample_exponential(Rng& rng, double mean) { return -mean * std::log(rng.unit_open_low()); }

double sample_normal(Rng& rng, double mean, double stddev) {
  double radius = std::sqrt(-2.0 * std::log(rng.unit_open_low()));
  double angle = two_pi * rng.unit();
  return mean + stddev * radius * std::cos(angle);
}

double sample_lognormal(Rng& rng, double mu, double sigma) { return std::exp(sample_normal(rng, mu, sigma)); }

double sample_pareto(Rng& rng, double scale, double shape) {
  return scale * std::pow(rng.unit_open_low(), -1.0 / shape);
}

// Rejection-inversion (Hörmann and Derflinger 1996). The weight of rank k is x^-s at x = k. H is
// an antiderivative of x^-s; a uniform draw between H(n + 1/2) and H(3/2) - 1 is mapped through
// H^-1 and rounded to a rank k. The areas under x^-s over [k - 1/2, k + 1/2] dominate the weights
// for k >= 2 (x^-s is convex), and rank 1 gets exactly its weight 1 from [H(3/2) - 1, H(3/2)], so
// rejecting the excess keeps the distribution exact. Most draws are accepted by the cheap
// `threshold_` test without evaluating H again.
Zipf::Zipf(std::uint64_t n, double exponent) : n_(n), s_(exponent) {
  SIM_ASSERT(n_ >= 1, "a Zipf distribution needs at least one rank");
  SIM_ASSERT(s_ >= 0.0 && s_ < INFINITY, "a Zipf exponent is finite and at least 0");
  h_x1_ = h(1.5) - 1.0;
  h_n_ = h(static_cast<double>(n_) + 0.5);
  threshold_ = 2.0 - h_inverse(h(2.5) - std::pow(2.0, -s_));
}

// H(x) = (x^(1-s) - 1) / (1 - s), and log(x) when s = 1, written so it is continuous in s.
double Zipf::h(double x) const {
  double log_x = std::log(x);
  return log_x * expm1_over_x((1.0 - s_) * log_x);
}

// H^-1(y) = (1 + (1 - s) y)^(1 / (1 - s)), and exp(y) when s = 1.
double Zipf::h_inverse(double y) const { return std::exp(y * log1p_over_x((1.0 - s_) * y)); }

std::uint64_t Zipf::sample(Rng& rng) const {
  const double top = static_cast<double>(n_);
  for (;;) {
    double u = h_n_ + rng.unit() * (h_x1_ - h_n_);
    double x = h_inverse(u);
    double rounded = std::clamp(x + 0.5, 1.0, top);
    auto k = static_cast<std::uint64_t>(rounded);
    double kd = static_cast<double>(k);
    if (kd - x <= threshold_) return k;
    if (u >= h(kd + 0.5) - std::pow(kd, -s_)) return k;
  }
}

Duration DurationDist::sample(Rng& rng) const {
  switch (kind) {
    case Kind::constant:
      return std::max(a, Duration::zero());
    case Kind::uniform:
      return std::max(Duration::nanoseconds(rng.between(std::min(a, b).ns(), std::max(a, b).ns())), Duration::zero());
    case Kind::exponential:
      return round_to_duration(sample_exponential(rng, as_double(a)));
    case Kind::normal:
      return round_to_duration(sample_normal(rng, as_double(a), as_double(b)));
    case Kind::lognormal: {
      // A median of zero or less has no lognormal; a p99 below the median is read as no spread.
      if (a <= Duration::zero()) return Duration::zero();
      double sigma = b > a ? std::log(as_double(b) / as_double(a)) / normal_z99 : 0.0;
      return round_to_duration(sample_lognormal(rng, std::log(as_double(a)), sigma));
    }
    case Kind::pareto:
      return round_to_duration(sample_pareto(rng, as_double(a), shape));
  }
  return Duration::zero();
}

Duration DurationDist::median() const {
  switch (kind) {
    case Kind::constant:
      return std::max(a, Duration::zero());
    case Kind::uniform:
      return std::max(std::min(a, b) + (std::max(a, b) - std::min(a, b)) / 2, Duration::zero());
    case Kind::exponential:
      return round_to_duration(as_double(a) * std::log(2.0));
    case Kind::normal:
      return std::max(a, Duration::zero());
    case Kind::lognormal:
      return std::max(a, Duration::zero());
    case Kind::pareto:
      return round_to_duration(as_double(a) * std::pow(2.0, 1.0 / shape));
  }
  return Duration::zero();
}

std::string DurationDist::describe() const {
  std::string name = to_string(kind);
  switch (kind) {
    case Kind::constant:
      return name + "(" + to_string(a) + ")";
    case Kind::uniform:
      return name + "(min " + to_string(a) + ", max " + to_string(b) + ")";
    case Kind::exponential:
      return name + "(mean " + to_string(a) + ")";
    case Kind::normal:
      return name + "(mean " + to_string(a) + ", stddev " + to_string(b) + ")";
    case Kind::lognormal:
      return name + "(median " + to_string(a) + ", p99 " + to_string(b) + ")";
    case Kind::pareto:
      return name + "(min " + to_string(a) + ", shape " + shortest(shape) + ")";
  }
  return name;
}

const char* to_string(DurationDist::Kind kind) {
  switch (kind) {
    case DurationDist::Kind::constant: return "constant";
    case DurationDist::Kind::uniform: return "uniform";
    case DurationDist::Kind::exponential: return "exponential";
    case DurationDist::Kind::normal: return "normal";
    case DurationDist::Kind::lognormal: return "lognormal";
    case DurationDist::Kind::pareto: return "pareto";
  }
  return "unknown";
}

}  // namespace sim
