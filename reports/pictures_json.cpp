#include "reports/pictures_json.hpp"

#include <bit>

#include "reports/format.hpp"

namespace sim {

using nlohmann::ordered_json;

namespace {

ordered_json strings_json(const std::vector<std::string>& items) {
  ordered_json array = ordered_json::array();
  for (const std::string& item : items) array.push_back(item);
  return array;
}

ordered_json at_json(Instant at) { return at.ns(); }

ordered_json nodes_json(const std::vector<NodeLane>& nodes) {
  ordered_json array = ordered_json::array();
  for (const NodeLane& node : nodes) array.push_back({{"name", node.name}, {"roles", strings_json(node.roles)}});
  return array;
}

ordered_json message_json(const MessageArrow& m) {
  ordered_json json = ordered_json::object();
  json["id"] = m.id;
  json["from"] = m.from;
  json["to"] = m.to;
  json["sent_ns"] = at_json(m.sent);
  json["delivered_ns"] = m.delivered ? at_json(*m.delivered) : ordered_json(nullptr);
  json["lost"] = m.lost;
  return json;
}

ordered_json timeline_json(const Timeline& t) {
  ordered_json json = ordered_json::object();
  json["from_ns"] = at_json(t.from);
  json["to_ns"] = at_json(t.to);
  json["from"] = to_string(t.from);
  json["to"] = to_string(t.to);
  json["messages"] = ordered_json::array();
  for (const MessageArrow& m : t.messages) json["messages"].push_back(message_json(m));
  json["messages_left_out"] = t.messages_left_out;
  json["events"] = ordered_json::array();
  for (const LaneEvent& e : t.events)
    json["events"].push_back({{"at_ns", at_json(e.at)}, {"node", e.node}, {"kind", e.kind}, {"detail", e.detail}});
  json["events_left_out"] = t.events_left_out;
  return json;
}

ordered_json series_json(const LatencySeries& series) {
  ordered_json json = ordered_json::object();
  json["name"] = series.name;
  json["interval"] = to_string(series.interval);
  json["interval_ns"] = series.interval.ns();
  json["points"] = ordered_json::array();
  for (const SeriesPoint& p : series.points)
    json["points"].push_back({{"start_ns", at_json(p.start)}, {"count", p.count}, {"p50_ns", p.p50_ns},
                              {"p90_ns", p.p90_ns}, {"p99_ns", p.p99_ns}, {"max_ns", p.max_ns}});
  return json;
}

ordered_json number_or_null(const std::optional<double>& value) {
  return value ? ordered_json(round_significant(*value)) : ordered_json(nullptr);
}

ordered_json plot_json(const Plot& plot) {
  ordered_json json = ordered_json::object();
  json["title"] = plot.title;
  json["x_label"] = plot.x_label;
  json["y_label"] = plot.y_label;
  json["lines"] = ordered_json::array();
  for (const PlotLine& line : plot.lines) {
    ordered_json points = ordered_json::array();
    for (auto [x, y] : line.points) points.push_back({round_significant(x), round_significant(y)});
    json["lines"].push_back({{"name", line.name}, {"points", std::move(points)}});
  }
  json["limit"] = number_or_null(plot.limit);
  json["limit_label"] = plot.limit_label;
  json["mark_x"] = number_or_null(plot.mark_x);
  json["mark_label"] = plot.mark_label;
  return json;
}

ordered_json histograms_json(const std::vector<LatencySummary>& latencies) {
  ordered_json array = ordered_json::array();
  for (const LatencySummary& l : latencies)
    array.push_back({{"name", l.name}, {"window", l.window}, {"count", l.count},
                     {"bins", coarse_histogram_json(l.buckets)}});
  return array;
}

// The coarse bin of a value: one per value below 8, then 8 per power of two.
std::int64_t coarse_bin(std::int64_t value) {
  if (value < 8) return value;
  auto octave = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(value))) - 1;
  return octave * 8 + ((value - (std::int64_t{1} << octave)) >> (octave - 3));
}

}  // namespace

ordered_json coarse_histogram_json(const std::vector<HistogramBucket>& buckets) {
  ordered_json bins = ordered_json::array();
  std::int64_t current = -1;
  for (const HistogramBucket& b : buckets) {
    std::int64_t bin = coarse_bin(b.low);
    if (bin != current || bins.empty()) {
      bins.push_back({b.low, b.high, b.count});
      current = bin;
      continue;
    }
    ordered_json& last = bins.back();
    last[1] = b.high;
    last[2] = last[2].get<std::uint64_t>() + b.count;
  }
  return bins;
}

ordered_json pictures_to_json(const RunResult& r) {
  const Pictures& p = *r.pictures;
  ordered_json json = ordered_json::object();
  json["nodes"] = nodes_json(p.nodes);
  json["timeline"] = p.timeline ? timeline_json(*p.timeline) : ordered_json(nullptr);
  json["story_moments"] = ordered_json::array();
  for (const auto& [line, at] : p.story_moments) json["story_moments"].push_back({{"line", line}, {"at_ns", at.ns()}});
  json["latency_series"] = ordered_json::array();
  for (const LatencySeries& series : p.latency_series) json["latency_series"].push_back(series_json(series));
  json["histograms"] = histograms_json(r.latencies);
  json["intervals"] = ordered_json::array();
  for (const LaneInterval& i : p.intervals)
    json["intervals"].push_back(
        {{"node", i.node}, {"from_ns", at_json(i.from)}, {"to_ns", at_json(i.to)}, {"label", i.label}});
  json["plots"] = ordered_json::array();
  for (const Plot& plot : p.plots) json["plots"].push_back(plot_json(plot));
  return json;
}

}  // namespace sim
