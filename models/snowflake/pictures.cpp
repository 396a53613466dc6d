#include "models/snowflake/pictures.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "models/snowflake/id_layout.hpp"

namespace snowflake {
namespace {

std::optional<std::uint32_t> moved_node(const Observations& o) {
  std::optional<std::uint32_t> moved;
  std::int64_t farthest = 0;
  for (std::uint32_t n = 0; n < o.nodes.size(); ++n) {
    std::int64_t offset = std::abs(o.nodes[n].wall_offset_end.ns());
    if (offset > farthest) farthest = offset, moved = n;
  }
  return moved;
}

/// One slice of true time: its first id, and its lowest and highest id times, in time order.
struct SliceDrawn {
  std::vector<std::pair<std::int64_t, std::int64_t>> points;  // (true ns, id ms)
  void add(std::int64_t at, std::int64_t ms) {
    if (points.size() < 3) {
      points.emplace_back(at, ms);
      return;
    }
    auto [low, high] = std::minmax_element(points.begin() + 1, points.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
    if (ms < low->second) *low = {at, ms};
    if (ms > high->second) *high = {at, ms};
    std::sort(points.begin() + 1, points.end());
  }
};

std::vector<std::pair<double, double>> id_points(const Observations& o, std::uint32_t node) {
  sim::Duration slice = std::max(o.length / 400, sim::Duration::nanoseconds(1));
  std::vector<std::pair<double, double>> points;
  std::optional<std::int64_t> first_ms, slice_index;
  SliceDrawn drawn;
  auto flush = [&] {
    for (auto [at, ms] : drawn.points) points.emplace_back(static_cast<double>(at) / 1e9, (ms - *first_ms) / 1000.0);
    drawn.points.clear();
  };
  for (const IssuedId& id : o.issued) {
    if (id.node != node) continue;
    std::int64_t ms = id.id >> timestamp_shift;
    if (!first_ms) first_ms = ms;
    std::int64_t index = id.at.since_start() / slice;
    if (slice_index != index) flush(), slice_index = index;
    drawn.add(id.at.ns(), ms);
  }
  if (first_ms) flush();
  return points;
}

/// When the node first issued an id whose time is below its previous one.
std::optional<double> first_step_back(const Observations& o, std::uint32_t node) {
  std::optional<std::int64_t> last;
  for (const IssuedId& id : o.issued) {
    if (id.node != node) continue;
    std::int64_t ms = id.id >> timestamp_shift;
    if (last && ms < *last) return id.at.since_start().seconds_f();
    last = ms;
  }
  return std::nullopt;
}

}  // namespace

std::optional<sim::Plot> moved_clock_plot(const Observations& o) {
  std::optional<std::uint32_t> node = moved_node(o);
  if (!node) return std::nullopt;
  sim::PlotLine line{"time field of its ids", id_points(o, *node)};
  if (line.points.empty()) return std::nullopt;
  sim::Plot plot;
  plot.title = fmt::format("{}: the ids it issued (its wall clock ended {} off true time)", o.nodes[*node].name,
                           sim::to_string(o.nodes[*node].wall_offset_end));
  plot.x_label = "true time (s)";
  plot.y_label = "id time since its first id (s)";
  plot.lines.push_back(std::move(line));
  plot.mark_x = first_step_back(o, *node);
  if (plot.mark_x) plot.mark_label = "ids go back in time";
  return plot;
}

}  // namespace snowflake
