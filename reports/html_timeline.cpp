// The space-time diagram of the first violation (time running down, one lane per node) and
// the strip that summarises the whole run above it.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/html_report.hpp"

namespace sim::html {

using nlohmann::ordered_json;

namespace {

constexpr std::size_t lanes_drawn = 40;
constexpr double time_height = 760, top = 56, left = 78;

/// A fault as the pictures draw it: a span (pause, crash, partition, link) or a mark.
struct FaultShape {
  std::int64_t from = 0, to = 0;  // to == from: a mark
  std::string node, kind, css_class, label;
};

std::string fault_class(const std::string& kind) {
  if (kind == "pause" || kind == "crash" || kind == "partition") return kind;
  if (kind == "slow_link" || kind == "loss" || kind == "duplicate") return "link";
  return "step";
}

std::vector<FaultShape> fault_shapes(const ordered_json& report) {
  std::vector<FaultShape> shapes;
  std::int64_t end = report["trace"]["simulated_ns"].get<std::int64_t>();
  for (const ordered_json& f : report["faults"]) {
    FaultShape s;
    s.from = f["at_ns"].get<std::int64_t>();
    s.kind = f["kind"].get<std::string>();
    s.css_class = fault_class(s.kind);
    bool lasts = s.css_class != "step";
    s.to = !lasts ? s.from : f["until_ns"].is_null() ? end : f["until_ns"].get<std::int64_t>();
    s.node = f["node"].get<std::string>();
    s.label = fmt::format("{} {}{}: {}", f["at"].get<std::string>(), s.kind,
                          s.node.empty() ? "" : " on " + s.node, f["detail"].get<std::string>());
    if (s.kind == "heal" || s.kind == "restart") continue;  // the end of a span drawn already
    shapes.push_back(std::move(s));
  }
  return shapes;
}

struct Violation {
  std::int64_t at = 0;
  std::string check, what;
  std::vector<std::string> nodes;
};

std::vector<Violation> first_violations(const ordered_json& report) {
  std::vector<Violation> out;
  for (const ordered_json& c : report["checks"]) {
    const ordered_json& v = c["first_violation"];
    if (c["held"].get<bool>() || v.is_null()) continue;
    out.push_back(Violation{v["at_ns"].get<std::int64_t>(), c["name"].get<std::string>(),
                            v["what"].get<std::string>(), v["nodes"].get<std::vector<std::string>>()});
  }
  std::stable_sort(out.begin(), out.end(), [](const Violation& a, const Violation& b) { return a.at < b.at; });
  return out;
}

/// The lanes drawn: every node, or (past lanes_drawn) those the window shows doing something.
std::vector<std::string> lanes_of(const ordered_json& report) {
  const ordered_json& pictures = report["pictures"];
  std::vector<std::string> all;
  for (const ordered_json& n : pictures["nodes"]) all.push_back(n["name"].get<std::string>());
  if (all.size() <= lanes_drawn) return all;
  std::set<std::string> busy;
  for (const Violation& v : first_violations(report)) busy.insert(v.nodes.begin(), v.nodes.end());
  for (const ordered_json& e : pictures["timeline"]["events"]) busy.insert(e["node"].get<std::string>());
  for (const ordered_json& m : pictures["timeline"]["messages"]) {
    busy.insert(m["from"].get<std::string>());
    busy.insert(m["to"].get<std::string>());
  }
  std::vector<std::string> lanes;
  for (const std::string& name : all)
    if (busy.count(name) && lanes.size() < lanes_drawn) lanes.push_back(name);
  return lanes;
}

/// Where things go: a lane's x, a moment's y.
struct Layout {
  std::map<std::string, double> lane_x;
  double lane_width = 100, story_x = 0, width = 0, height = 0;
  std::int64_t from = 0, to = 0;
  svg::Scale y;
  bool has(const std::string& node) const { return lane_x.count(node) > 0; }
};

Layout layout_of(const std::vector<std::string>& lanes, const ordered_json& timeline) {
  Layout l;
  l.lane_width = std::clamp(760.0 / static_cast<double>(std::max<std::size_t>(lanes.size(), 1)), 56.0, 110.0);
  for (std::size_t i = 0; i < lanes.size(); ++i)
    l.lane_x[lanes[i]] = left + l.lane_width * (static_cast<double>(i) + 0.5);
  l.story_x = left + l.lane_width * static_cast<double>(lanes.size()) + 24;
  l.width = l.story_x + 440;
  l.height = top + time_height + 30;
  l.from = timeline["from_ns"].get<std::int64_t>();
  l.to = timeline["to_ns"].get<std::int64_t>();
  l.y = svg::Scale{static_cast<double>(l.from), static_cast<double>(l.to), top, top + time_height};
  return l;
}

double clamp_y(const Layout& l, std::int64_t at) {
  return std::clamp(l.y(static_cast<double>(at)), top, top + time_height);
}

std::string lanes_svg(const Layout& l) {
  std::string out;
  for (double t : svg::ticks(static_cast<double>(l.from), static_cast<double>(l.to), 10)) {
    out += svg::line(left - 4, l.y(t), l.story_x - 16, l.y(t), "class=\"grid\"");
    out += svg::text(left - 8, l.y(t) + 4, duration_text(t), "text-anchor=\"end\" class=\"small\"");
  }
  for (const auto& [name, x] : l.lane_x) {
    out += svg::text(x, top - 10, name, "text-anchor=\"middle\" class=\"lane-name\"");
    out += "<g class=\"lane\" data-node=\"" + svg::escape(name) + "\">" +
           svg::line(x, top, x, top + time_height, "class=\"lane\"") + "</g>\n";
  }
  return out;
}

std::string fault_spans_svg(const Layout& l, const std::vector<FaultShape>& shapes) {
  std::string out;
  double lanes_left = left, lanes_right = l.story_x - 16;
  for (const FaultShape& s : shapes) {
    if (s.to < l.from || s.from > l.to) continue;
    double y0 = clamp_y(l, s.from), y1 = clamp_y(l, s.to);
    std::string css = fmt::format("class=\"{}\"", s.css_class);
    if (s.css_class == "step") {
      if (!l.has(s.node)) continue;
      double x = l.lane_x.at(s.node);
      out += svg::line(x - 16, y0, x + 16, y0, css);
      out += svg::text(x + 18, y0 + 4, s.kind + " " + s.label.substr(s.label.rfind(' ') + 1), "class=\"small\"");
    } else if (!s.node.empty() && l.has(s.node)) {
      out += svg::rect(l.lane_x.at(s.node) - 14, y0, 28, std::max(y1 - y0, 2.0), css, s.label);
    } else if (s.node.empty()) {
      out += svg::rect(lanes_left, y0, lanes_right - lanes_left, std::max(y1 - y0, 2.0), css, s.label);
    }
  }
  return out;
}

std::string intervals_svg(const Layout& l, const ordered_json& intervals) {
  std::string out;
  for (const ordered_json& i : intervals) {
    std::string node = i["node"].get<std::string>();
    std::int64_t from = i["from_ns"].get<std::int64_t>(), to = i["to_ns"].get<std::int64_t>();
    if (!l.has(node) || to < l.from || from > l.to) continue;
    double y0 = clamp_y(l, from), y1 = clamp_y(l, to);
    out += svg::rect(l.lane_x.at(node) + 3, y0, 9, std::max(y1 - y0, 2.0), "class=\"belief\"",
                     i["label"].get<std::string>());
  }
  return out;
}

std::string message_svg(const Layout& l, const ordered_json& m) {
  std::string from = m["from"].get<std::string>(), to = m["to"].get<std::string>();
  if (!l.has(from) || !l.has(to)) return "";
  double x0 = l.lane_x.at(from), x1 = l.lane_x.at(to);
  double y0 = clamp_y(l, m["sent_ns"].get<std::int64_t>());
  std::string lost = m["lost"].get<std::string>();
  std::string title = fmt::format("#{} {} -> {}{}", m["id"].get<std::uint64_t>(), from, to,
                                  lost.empty() ? "" : " (lost: " + lost + ")");
  if (!lost.empty() || m["delivered_ns"].is_null()) {
    double xe = lost.empty() ? x1 : (x0 + x1) / 2, ye = lost.empty() ? top + time_height : y0 + 12;
    std::string out = "<g><title>" + svg::escape(title) + "</title>";
    out += svg::line(x0, y0, xe, ye, lost.empty() ? "class=\"msg\" stroke-dasharray=\"2 3\"" : "class=\"msg lost\"");
    if (!lost.empty()) out += svg::line(xe - 4, ye - 4, xe + 4, ye + 4, "class=\"lost-x\"") +
                              svg::line(xe - 4, ye + 4, xe + 4, ye - 4, "class=\"lost-x\"");
    return out + "</g>\n";
  }
  double y1 = clamp_y(l, m["delivered_ns"].get<std::int64_t>());
  return "<g><title>" + svg::escape(title) + "</title>" +
         svg::line(x0, y0, x1, y1, "class=\"msg\" marker-end=\"url(#head)\"") + "</g>\n";
}

std::string events_svg(const Layout& l, const ordered_json& events, const std::vector<Violation>& violations) {
  std::string out;
  for (const ordered_json& e : events) {
    std::string node = e["node"].get<std::string>();
    if (!l.has(node)) continue;
    std::int64_t at = e["at_ns"].get<std::int64_t>();
    bool hot = !violations.empty() && at == violations.front().at;
    std::string title = fmt::format("{} {}: {} {}", duration_text(static_cast<double>(at)), node,
                                    e["kind"].get<std::string>(), e["detail"].get<std::string>());
    out += svg::circle(l.lane_x.at(node), l.y(static_cast<double>(at)), hot ? 4.5 : 3,
                       hot ? "class=\"hot\"" : "class=\"event\"", title);
  }
  return out;
}

std::string violations_svg(const Layout& l, const std::vector<Violation>& violations) {
  std::string out;
  for (const Violation& v : violations) {
    if (v.at < l.from || v.at > l.to) continue;
    double y = l.y(static_cast<double>(v.at));
    out += svg::line(left, y, l.story_x - 16, y, "class=\"hotline\"");
    out += svg::text(left + 4, y - 4, v.check + " broke", "class=\"small\" fill=\"#d92d20\"");
    for (const std::string& node : v.nodes)
      if (l.has(node)) out += svg::circle(l.lane_x.at(node), y, 6, "class=\"hot violating\"", v.what);
  }
  return out;
}

/// A sentence cut into lines of at most `width` characters, at spaces.
std::vector<std::string> wrapped(const std::string& sentence, std::size_t width) {
  std::vector<std::string> lines{""};
  std::size_t start = 0;
  while (start < sentence.size()) {
    std::size_t end = sentence.find(' ', start);
    if (end == std::string::npos) end = sentence.size();
    std::string word = sentence.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + word.size() + 1 > width) lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
    start = end + 1;
  }
  return lines;
}

/// The story's sentences beside their moments, pushed down so none overlaps the one before;
/// `bottom` is where the last one ends.
std::string story_svg(const Layout& l, const ordered_json& report, double& bottom) {
  std::string out;
  double next_free = top;
  const ordered_json& story = report["story"];
  for (const ordered_json& moment : report["pictures"]["story_moments"]) {
    std::int64_t at = moment["at_ns"].get<std::int64_t>();
    auto line = moment["line"].get<std::size_t>();
    if (at < l.from || at > l.to || line >= story.size()) continue;
    double y = l.y(static_cast<double>(at)), text_y = std::max(y, next_free);
    out += svg::line(l.story_x - 14, y, l.story_x - 2, text_y - 4, "class=\"leader\"");
    std::vector<std::string> lines = wrapped(story[line].get<std::string>(), 64);
    for (std::size_t i = 0; i < lines.size(); ++i)
      out += svg::text(l.story_x, text_y + 13.0 * static_cast<double>(i), lines[i], "class=\"note story-note\"");
    next_free = text_y + 13.0 * static_cast<double>(lines.size()) + 6;
  }
  bottom = next_free;
  return out;
}

}  // namespace

std::string space_time_diagram(const ordered_json& report) {
  if (!report.contains("pictures") || report["pictures"]["timeline"].is_null()) return "";
  const ordered_json& timeline = report["pictures"]["timeline"];
  std::vector<std::string> lanes = lanes_of(report);
  Layout l = layout_of(lanes, timeline);
  std::vector<Violation> violations = first_violations(report);
  std::string body =
      "<defs><marker id=\"head\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L8,4 L0,8 z\" class=\"msg-head\"/></marker></defs>\n";
  body += fault_spans_svg(l, fault_shapes(report)) + lanes_svg(l);
  body += intervals_svg(l, report["pictures"]["intervals"]);
  for (const ordered_json& m : timeline["messages"]) body += message_svg(l, m);
  double story_bottom = 0;
  body += events_svg(l, timeline["events"], violations) + violations_svg(l, violations) +
          story_svg(l, report, story_bottom);
  std::string note = fmt::format(
      "<p class=\"muted\">True time runs down, from {} to {}; {} lanes of {} nodes. Arrows are messages from send to "
      "delivery (red dashes: lost); shaded: pauses (amber), crashes (grey), partitions (violet); magenta ticks: "
      "clock steps; green bars: what the model reports (a lock held); red: the violation.{}</p>\n",
      timeline["from"].get<std::string>(), timeline["to"].get<std::string>(), lanes.size(),
      report["pictures"]["nodes"].size(),
      timeline["messages_left_out"].get<std::uint64_t>() > 0
          ? fmt::format(" {} more messages of the window are left out (those farthest from the violation).",
                        timeline["messages_left_out"].get<std::uint64_t>())
          : "");
  return note + svg::frame(l.width, std::max(l.height, story_bottom + 10),
                           fmt::format("class=\"space-time\" data-lanes=\"{}\"", lanes.size()), body);
}

std::string run_summary_strip(const ordered_json& report) {
  std::int64_t end = std::max<std::int64_t>(report["trace"]["simulated_ns"].get<std::int64_t>(), 1);
  double width = 1100, row = 22, x0 = 150, x1 = width - 20;
  svg::Scale x{0, static_cast<double>(end), x0, x1};
  std::vector<std::string> rows{"network"};
  std::vector<FaultShape> shapes = fault_shapes(report);
  for (const FaultShape& s : shapes)
    if (!s.node.empty() && std::find(rows.begin(), rows.end(), s.node) == rows.end()) rows.push_back(s.node);
  rows.push_back("violations");
  std::string body;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double y = 20 + row * static_cast<double>(i);
    body += svg::text(x0 - 8, y + 15, rows[i], "text-anchor=\"end\" class=\"small\"");
    body += svg::rect(x0, y + 2, x1 - x0, row - 4, "class=\"lanebox\"");
  }
  auto row_y = [&](const std::string& name) {
    auto it = std::find(rows.begin(), rows.end(), name.empty() ? "network" : name);
    return 20 + row * static_cast<double>(it - rows.begin());
  };
  for (const FaultShape& s : shapes) {
    double y = row_y(s.node), a = x(static_cast<double>(s.from)), b = x(static_cast<double>(s.to));
    body += svg::rect(a, y + 2, std::max(b - a, 2.5), row - 4, fmt::format("class=\"{}\"", s.css_class), s.label);
  }
  double vy = row_y("violations");
  for (const Violation& v : first_violations(report))
    body += svg::circle(x(static_cast<double>(v.at)), vy + row / 2, 5, "class=\"hot\"", v.check + ": " + v.what);
  const ordered_json* timeline = report.contains("pictures") ? &report["pictures"]["timeline"] : nullptr;
  if (timeline && !timeline->is_null()) {
    double a = x((*timeline)["from_ns"].get<double>()), b = x((*timeline)["to_ns"].get<double>());
    body += svg::rect(a, 14, std::max(b - a, 3.0), row * static_cast<double>(rows.size()) + 8, "class=\"window\"",
                      "the window drawn below");
  }
  double height = 20 + row * static_cast<double>(rows.size()) + 28;
  for (double t : svg::ticks(0, static_cast<double>(end), 10))
    body += svg::text(x(t), height - 8, duration_text(t), "text-anchor=\"middle\" class=\"small\"");
  return svg::frame(width, height, "class=\"summary\"", body);
}

}  // namespace sim::html
