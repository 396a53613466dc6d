#include "sim/results/sweep_result.hpp"

#include <algorithm>
#include <cmath>

#include "sim/kernel/assert.hpp"

namespace sim {

WilsonInterval wilson_interval(std::uint64_t successes, std::uint64_t n, double z) {
  SIM_ASSERT(successes <= n, "wilson_interval: more successes than trials");
  if (n == 0) return WilsonInterval{0.0, 1.0};
  const double trials = static_cast<double>(n);
  const double p = static_cast<double>(successes) / trials;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / trials;
  const double centre = (p + z2 / (2.0 * trials)) / denominator;
  const double half = z * std::sqrt(p * (1.0 - p) / trials + z2 / (4.0 * trials * trials)) / denominator;
  WilsonInterval interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
  // At the edges the two terms cancel exactly in theory; keep rounding from leaving a speck.
  if (successes == 0) interval.low = 0.0;
  if (successes == n) interval.high = 1.0;
  return interval;
}

CheckRate make_check_rate(std::string name, std::uint64_t runs_violated, std::uint64_t runs,
                          bool expected_violated) {
  CheckRate rate;
  rate.name = std::move(name);
  rate.runs_violated = runs_violated;
  rate.runs = runs;
  rate.rate = runs == 0 ? 0.0 : static_cast<double>(runs_violated) / static_cast<double>(runs);
  rate.interval = wilson_interval(runs_violated, runs);
  rate.expected_violated = expected_violated;
  return rate;
}

}  // namespace sim

namespace sim {

std::uint64_t sweep_runs(const SweepResult& sweep) {
  if (!sweep.vary) return sweep.seed_count;
  std::uint64_t runs = 0;
  for (const VariedSweep& value : sweep.values) runs += value.sweep.seed_count;
  return runs;
}

std::vector<Curve> sweep_curves(const SweepResult& sweep) {
  std::vector<Curve> curves;
  if (!sweep.vary) return curves;
  for (const CheckRate& check : sweep.checks) {
    Curve curve{sweep.vary->param, check.name, sweep.scenario_name, {}};
    for (const VariedSweep& value : sweep.values) {
      CurvePoint point{value.value, value.x, 0, 0, 0.0, wilson_interval(0, 0)};
      for (const CheckRate& rate : value.sweep.checks) {
        if (rate.name != check.name) continue;
        point.runs = rate.runs;
        point.runs_violated = rate.runs_violated;
        point.rate = rate.rate;
        point.interval = rate.interval;
      }
      curve.points.push_back(std::move(point));
    }
    curves.push_back(std::move(curve));
  }
  return curves;
}

}  // namespace sim
