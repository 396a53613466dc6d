#include "models/ratelimiter/checks/pictures.hpp"

#include "models/ratelimiter/checks/checks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ratelimiter {

ReleaseHistory::ReleaseHistory(const Population& population)
    : population_(population), released_(population.key_count()), sorted_(population.key_count(), true) {}

void ReleaseHistory::observe(const Decided& decision, sim::Instant, sim::Instant) {
  if (!decision.admitted()) return;
  auto keep = [&](Key key) {
    std::vector<sim::Instant>& times = released_[key];
    if (!times.empty() && decision.released < times.back()) sorted_[key] = false;
    times.push_back(decision.released);
  };
  keep(population_.user_key(decision.user));
  if (population_.has_ip_keys()) keep(population_.ip_key(decision.user));
}

std::span<const sim::Instant> ReleaseHistory::of(Key key) const {
  if (!sorted_[key]) {
    std::sort(released_[key].begin(), released_[key].end());
    sorted_[key] = true;
  }
  return released_[key];
}

sim::Plot worst_key_plot(const Observations& observations, const ReleaseHistory& released, const KeyPeak& worst) {
  const Population& population = *observations.population;
  std::span<const sim::Instant> times = released.of(worst.key);
  sim::Duration window = over_admission_window(observations, population.limit(worst.key));
  sim::Duration slice = std::max(observations.length / 400, sim::Duration::nanoseconds(1));
  sim::PlotLine line{"admitted in the trailing window", {}};
  std::int64_t current_slice = -1;
  std::size_t begin = 0;
  for (std::size_t end = 0; end < times.size(); ++end) {
    while (times[begin] <= times[end] - window) ++begin;
    auto count = static_cast<double>(end - begin + 1);
    std::int64_t index = times[end].since_start() / slice;
    double x = times[end].since_start().seconds_f();
    if (index != current_slice) {
      line.points.emplace_back(x, count);
      current_slice = index;
    } else if (count > line.points.back().second) {
      line.points.back() = {x, count};
    }
  }
  sim::Plot plot;
  plot.title =
      fmt::format("{}: requests admitted in any {} window", population.key_label(worst.key), sim::to_string(window));
  plot.x_label = "true time (s)";
  plot.y_label = "admitted";
  plot.lines.push_back(std::move(line));
  plot.limit = static_cast<double>(worst.limit);
  plot.limit_label = fmt::format("limit {}", worst.limit);
  plot.mark_x = worst.at.since_start().seconds_f();
  plot.mark_label = fmt::format("busiest: {}", worst.most);
  return plot;
}

}  // namespace ratelimiter
