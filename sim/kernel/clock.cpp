#include "sim/kernel/clock.hpp"

namespace sim {
namespace {
// floor(a / b) for b > 0.
std::int64_t floor_div(__int128 a, std::int64_t b) {
  __int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return static_cast<std::int64_t>(q);
}
// floor(a * ppm / 10^6), in 64 bits when the product fits (a division by a constant, which
// compiles to a multiplication), else in 128 bits.
std::int64_t scale_ppm(std::int64_t a, std::int64_t ppm) {
  std::int64_t product;
  if (__builtin_mul_overflow(a, ppm, &product)) return floor_div(static_cast<__int128>(a) * ppm, 1'000'000);
  std::int64_t q = product / 1'000'000;
  if (product % 1'000'000 != 0 && product < 0) --q;
  return q;
}
}  // namespace

Clock::Clock(const ClockOptions& options)
    : true_start_wall_(options.wall_start),
      rate_since_(Instant::zero()),
      wall_base_(options.wall_start + options.skew),
      mono_base_(MonoTime::boot()),
      ppm_(options.drift_ppm) {}

Duration Clock::scaled(Instant now) const {
  Duration elapsed = now - rate_since_;
  if (ppm_ == 0) return elapsed;
  return elapsed + Duration::nanoseconds(scale_ppm(elapsed.ns(), ppm_));
}

void Clock::set_drift(Instant now, std::int64_t ppm) {
  wall_base_ = wall(now);
  mono_base_ = mono(now);
  rate_since_ = now;
  ppm_ = ppm;
}

Duration Clock::wall_offset(Instant now) const {
  return wall(now) - (true_start_wall_ + now.since_start());
}

Instant Clock::when_mono_reaches(Instant now, MonoTime target_reading) const {
  if (target_reading <= mono(now)) return now;
  if (ppm_ == 0) return rate_since_ + (target_reading - mono_base_);
  // Solve elapsed + floor(elapsed * ppm / 1e6) >= target for the least elapsed.
  std::int64_t target = (target_reading - mono_base_).ns();
  std::int64_t guess = floor_div(static_cast<__int128>(target) * 1'000'000, 1'000'000 + ppm_);
  auto reading = [&](std::int64_t e) { return e + scale_ppm(e, ppm_); };
  while (reading(guess) < target) ++guess;
  while (guess > 0 && reading(guess - 1) >= target) --guess;
  Instant at = rate_since_ + Duration::nanoseconds(guess);
  return at < now ? now : at;
}

}  // namespace sim
