#include "sim/run/pictures.hpp"

#include <algorithm>
#include <cstdlib>

namespace sim {

void LatencySeriesRecorder::latency(std::string_view name, Instant end, Duration latency) {
  auto it = histograms_.find(name);
  if (it == histograms_.end()) it = histograms_.emplace(std::string(name), std::map<std::int64_t, Histogram>{}).first;
  it->second[end.since_start() / interval_].record(latency.ns());
}

std::vector<LatencySeries> LatencySeriesRecorder::series() const {
  std::vector<LatencySeries> all;
  for (const auto& [name, intervals] : histograms_) {
    LatencySeries series{name, interval_, {}};
    for (const auto& [index, h] : intervals)
      series.points.push_back(SeriesPoint{Instant::zero() + interval_ * index, h.count(), h.percentile(50),
                                          h.percentile(90), h.percentile(99), h.max()});
    all.push_back(std::move(series));
  }
  return all;
}

Duration series_interval(Duration length) {
  std::int64_t wanted = std::max<std::int64_t>(length.ns() / 100, 1'000'000);
  for (std::int64_t power = 1'000'000;; power *= 10)
    for (std::int64_t step : {1, 2, 5})
      if (step * power >= wanted) return Duration::nanoseconds(step * power);
}

std::optional<std::pair<Instant, Instant>> violation_window(const RunResult& result) {
  const CheckOutcome* broken = earliest_violation(result.checks);
  if (!broken) return std::nullopt;
  Instant end = Instant::zero() + result.simulated;
  Instant focus = broken->result.first ? broken->result.first->at : end;
  std::vector<Instant> before;
  for (const AppliedFault& f : result.faults)
    if (f.at <= focus) before.push_back(f.at);
  Instant since = before.size() > 3 ? before[before.size() - 3] : before.empty() ? focus : before.front();
  Duration span = focus - since;
  if (before.empty()) span = std::max(focus.since_start() / 10, Duration::milliseconds(100));
  Duration pad = std::max(span / 10, Duration::milliseconds(20));
  Instant from = std::max(Instant::zero(), focus - span - pad);
  return std::pair{from, std::min(end, focus + pad)};
}

namespace {

constexpr std::size_t arrows_drawn = 1'500;
constexpr std::size_t events_drawn = 400;

std::string name_of(NodeId node, const std::vector<std::string>& names) {
  return node < names.size() ? names[node] : "";
}

/// "#12 client-1->redis-3 partitioned in flight: SET …" (Network::drop's text): id, ends, why.
std::optional<MessageArrow> dropped_message(const TraceRecord& r) {
  if (r.detail.size() < 2 || r.detail[0] != '#') return std::nullopt;
  char* rest = nullptr;
  MessageArrow m;
  m.id = std::strtoull(r.detail.c_str() + 1, &rest, 10);
  std::string text(rest);
  std::size_t arrow = text.find("->"), space = text.find(' ', 1), colon = text.find(':');
  if (arrow == std::string::npos || space == std::string::npos || colon == std::string::npos || arrow > space)
    return std::nullopt;
  std::size_t to_end = text.find(' ', arrow);
  m.from = text.substr(1, arrow - 1);
  m.to = text.substr(arrow + 2, to_end - arrow - 2);
  m.lost = text.substr(to_end + 1, colon - to_end - 1);
  m.sent = r.time;
  return m;
}

/// The first arrow with this id still waiting for its delivery or its loss.
MessageArrow* open_arrow(std::vector<MessageArrow>& arrows, std::map<std::uint64_t, std::vector<std::size_t>>& by_id,
                         std::uint64_t id) {
  auto it = by_id.find(id);
  if (it == by_id.end()) return nullptr;
  for (std::size_t index : it->second)
    if (!arrows[index].delivered && arrows[index].lost.empty()) return &arrows[index];
  return nullptr;
}

void add_drops(const Trace& trace, std::vector<MessageArrow>& arrows,
               std::map<std::uint64_t, std::vector<std::size_t>>& by_id) {
  for (const TraceRecord& r : trace.window_records()) {
    if (r.kind != "net.drop") continue;
    std::optional<MessageArrow> drop = dropped_message(r);
    if (!drop) continue;
    if (MessageArrow* open = open_arrow(arrows, by_id, drop->id)) {
      open->lost = drop->lost;
      continue;
    }
    by_id[drop->id].push_back(arrows.size());  // lost as it was sent: no send was folded
    arrows.push_back(std::move(*drop));
  }
}

std::vector<MessageArrow> window_messages(const Trace& trace, const std::vector<std::string>& names) {
  std::vector<MessageArrow> arrows;
  std::map<std::uint64_t, std::vector<std::size_t>> by_id;
  for (const FoldRecord& f : trace.window_folds()) {
    auto id = static_cast<std::uint64_t>(f.a);
    if (f.kind == "net.send") {
      by_id[id].push_back(arrows.size());
      auto to = static_cast<NodeId>(static_cast<std::uint64_t>(f.b) >> 32);
      arrows.push_back(MessageArrow{id, name_of(f.node, names), name_of(to, names), f.time, std::nullopt, ""});
    } else if (f.kind == "net.deliver") {
      if (MessageArrow* open = open_arrow(arrows, by_id, id)) open->delivered = f.time;
    }
  }
  add_drops(trace, arrows, by_id);
  return arrows;
}

/// The `limit` items nearest `focus` by `time_of`, back in their first order; how many went.
template <class T, class TimeOf>
std::uint64_t keep_nearest(std::vector<T>& items, std::size_t limit, Instant focus, TimeOf time_of) {
  if (items.size() <= limit) return 0;
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto distance = [&](std::size_t i) { return std::abs((time_of(items[i]) - focus).ns()); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
  order.resize(limit);
  std::sort(order.begin(), order.end());
  std::vector<T> kept;
  for (std::size_t i : order) kept.push_back(std::move(items[i]));
  std::uint64_t left_out = items.size() - limit;
  items = std::move(kept);
  return left_out;
}

}  // namespace

Timeline timeline_of(const Trace& trace, Instant from, Instant to, Instant focus,
                     const std::vector<std::string>& node_names) {
  Timeline timeline{from, to, window_messages(trace, node_names), 0, {}, 0};
  std::stable_sort(timeline.messages.begin(), timeline.messages.end(),
                   [](const MessageArrow& a, const MessageArrow& b) { return a.sent < b.sent; });
  timeline.messages_left_out =
      keep_nearest(timeline.messages, arrows_drawn, focus, [](const MessageArrow& m) { return m.sent; });
  for (const TraceRecord& r : trace.window_records()) {
    if (r.kind.rfind("net.", 0) == 0 || r.kind.rfind("fault.", 0) == 0) continue;  // arrows and spans
    timeline.events.push_back(LaneEvent{r.time, name_of(r.node, node_names), r.kind, r.detail});
  }
  timeline.events_left_out =
      keep_nearest(timeline.events, events_drawn, focus, [](const LaneEvent& e) { return e.at; });
  return timeline;
}

std::vector<NodeLane> node_lanes(const World& world) {
  std::vector<NodeLane> lanes;
  for (NodeId n = 0; n < world.node_count(); ++n)
    lanes.push_back(NodeLane{world.node(n).name(), world.node(n).roles()});
  return lanes;
}

}  // namespace sim
