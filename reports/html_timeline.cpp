// The space-time diagram of the first violation (time running down, one lane per node) and
// the strip that summarises the whole run above it.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/html_report.hpp"

namespace sim::html {

using nlohmann::ordered_json;

namespace {

constexpr std::size_t lanes_drawn = 40;
/// Messages drawn one by one, each with its tooltip: those sent nearest the violation. The
/// others are drawn together, a few paths for all of them (a thousand lines with their own
/// markers and titles cost the browser seconds of layout).
constexpr std::size_t messages_one_by_one = 60;
/// Events on one lane within this many pixels of each other are drawn as one dot.
constexpr double event_pixel = 2.0;
constexpr double time_height = 760, top = 56, left = 78;

/// A fault as the pictures draw it: a span (pause, crash, partition, link) or a mark.
struct FaultShape {
  std::int64_t from = 0, to = 0;  // to == from: a mark
  std::string node, kind, css_class, label;
  std::vector<std::string> nodes;  // a fault of the network: every node it touches
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
    if (f.contains("nodes")) s.nodes = f["nodes"].get<std::vector<std::string>>();
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
    } else if (!s.nodes.empty()) {
      // A fault of the network shades every lane it touches, and only those.
      for (const std::string& node : s.nodes)
        if (l.has(node))
          out += svg::rect(l.lane_x.at(node) - 14, y0, 28, std::max(y1 - y0, 2.0),
                           fmt::format("class=\"{}\" data-node=\"{}\"", s.css_class, svg::escape(node)), s.label);
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

/// The messages not drawn one by one, as one path per kind of stroke: delivered arrows with
/// their heads, messages still in flight at the window's end, lost ones with their crosses.
/// A segment that lands on the pixels of one drawn already is not drawn again.
struct ArrowBundle {
  std::set<std::array<long, 4>> drawn;
  std::string delivered, heads, in_flight, lost, crosses;
  std::size_t messages = 0;

  bool first_time(double x0, double y0, double x1, double y1) {
    return drawn.insert({std::lround(x0), std::lround(y0), std::lround(x1), std::lround(y1)}).second;
  }
  static std::string segment(double x0, double y0, double x1, double y1) {
    return "M" + svg::num(x0) + " " + svg::num(y0) + "L" + svg::num(x1) + " " + svg::num(y1);
  }
  void add_head(double x0, double y0, double x1, double y1) {
    double dx = x1 - x0, dy = y1 - y0, length = std::max(std::hypot(dx, dy), 1e-9);
    double ux = dx / length, uy = dy / length, bx = x1 - 7 * ux, by = y1 - 7 * uy;
    heads += "M" + svg::num(x1) + " " + svg::num(y1) + "L" + svg::num(bx - 3 * uy) + " " + svg::num(by + 3 * ux) +
             "L" + svg::num(bx + 3 * uy) + " " + svg::num(by - 3 * ux) + "Z";
  }
  void add(const Layout& l, const ordered_json& m);
  std::string svg() const;
};

void ArrowBundle::add(const Layout& l, const ordered_json& m) {
  std::string from = m["from"].get<std::string>(), to = m["to"].get<std::string>();
  if (!l.has(from) || !l.has(to)) return;
  ++messages;
  double x0 = l.lane_x.at(from), x1 = l.lane_x.at(to), y0 = clamp_y(l, m["sent_ns"].get<std::int64_t>());
  if (!m["lost"].get<std::string>().empty()) {
    double xe = (x0 + x1) / 2, ye = y0 + 12;
    if (!first_time(x0, y0, xe, -ye)) return;
    lost += segment(x0, y0, xe, ye);
    crosses += segment(xe - 4, ye - 4, xe + 4, ye + 4) + segment(xe - 4, ye + 4, xe + 4, ye - 4);
  } else if (m["delivered_ns"].is_null()) {
    if (first_time(x0, y0, x1, -1)) in_flight += segment(x0, y0, x1, top + time_height);
  } else {
    double y1 = clamp_y(l, m["delivered_ns"].get<std::int64_t>());
    if (!first_time(x0, y0, x1, y1)) return;
    delivered += segment(x0, y0, x1, y1);
    add_head(x0, y0, x1, y1);
  }
}

std::string ArrowBundle::svg() const {
  if (messages == 0) return "";
  auto path = [](const std::string& d, std::string_view attrs) {
    return d.empty() ? std::string() : fmt::format("<path {} d=\"{}\"/>\n", attrs, d);
  };
  return fmt::format("<g class=\"msg-bundle\" data-messages=\"{}\"><title>{} messages farther from the violation, "
                     "drawn together</title>\n",
                     messages, messages) +
         path(delivered, "class=\"msg\"") + path(heads, "class=\"msg-head\"") +
         path(in_flight, "class=\"msg\" stroke-dasharray=\"2 3\"") + path(lost, "class=\"msg lost\"") +
         path(crosses, "class=\"lost-x\"") + "</g>\n";
}

/// Every message of the window: those sent nearest `focus` one by one, the rest in a bundle.
std::string messages_svg(const Layout& l, const ordered_json& messages, std::int64_t focus) {
  std::vector<std::size_t> order(messages.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto distance = [&](std::size_t i) {
    std::int64_t sent = messages[i]["sent_ns"].get<std::int64_t>();
    return sent > focus ? sent - focus : focus - sent;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
  std::vector<bool> alone(messages.size(), false);
  for (std::size_t k = 0; k < order.size() && k < messages_one_by_one; ++k) alone[order[k]] = true;
  ArrowBundle bundle;
  std::string one_by_one;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (alone[i]) one_by_one += message_svg(l, messages[i]);
    else bundle.add(l, messages[i]);
  }
  return bundle.svg() + one_by_one;
}

/// Events of one lane that fall within event_pixel of each other, drawn as one dot.
struct EventDot {
  std::string node;
  double y = 0;
  bool hot = false;
  std::vector<std::string> titles;
};

std::string events_svg(const Layout& l, const ordered_json& events, const std::vector<Violation>& violations) {
  std::vector<EventDot> dots;
  std::map<std::string, std::size_t> last_dot;  // each lane's latest dot
  for (const ordered_json& e : events) {
    std::string node = e["node"].get<std::string>();
    if (!l.has(node)) continue;
    std::int64_t at = e["at_ns"].get<std::int64_t>();
    bool hot = !violations.empty() && at == violations.front().at;
    double y = l.y(static_cast<double>(at));
    std::string title = fmt::format("{} {}: {} {}", duration_text(static_cast<double>(at)), node,
                                    e["kind"].get<std::string>(), e["detail"].get<std::string>());
    auto it = last_dot.find(node);
    if (it != last_dot.end() && std::abs(dots[it->second].y - y) < event_pixel && dots[it->second].hot == hot) {
      dots[it->second].titles.push_back(std::move(title));
      continue;
    }
    last_dot[node] = dots.size();
    dots.push_back(EventDot{node, y, hot, {std::move(title)}});
  }
  std::string out;
  for (const EventDot& dot : dots) {
    std::string title = dot.titles.size() == 1 ? dot.titles[0] : fmt::format("{} events:", dot.titles.size());
    for (std::size_t i = 0; dot.titles.size() > 1 && i < dot.titles.size() && i < 5; ++i) title += "\n" + dot.titles[i];
    if (dot.titles.size() > 5) title += fmt::format("\nand {} more", dot.titles.size() - 5);
    out += svg::circle(l.lane_x.at(dot.node), dot.y, dot.hot ? 4.5 : 3, dot.hot ? "class=\"hot\"" : "class=\"event\"",
                       title);
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
  std::int64_t focus = violations.empty() ? (l.from + l.to) / 2 : violations.front().at;
  body += messages_svg(l, timeline["messages"], focus);
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

namespace {

/// The summary strip's lanes: every node (past lanes_drawn, those a fault or a violation
/// touches), then "network" for a fault that names no node, then "violations".
std::vector<std::string> strip_rows(const ordered_json& report, const std::vector<FaultShape>& shapes) {
  std::vector<std::string> all, rows;
  if (report.contains("pictures"))
    for (const ordered_json& n : report["pictures"]["nodes"]) all.push_back(n["name"].get<std::string>());
  std::set<std::string> touched;
  for (const FaultShape& s : shapes) {
    if (!s.node.empty()) touched.insert(s.node);
    touched.insert(s.nodes.begin(), s.nodes.end());
  }
  for (const Violation& v : first_violations(report)) touched.insert(v.nodes.begin(), v.nodes.end());
  for (const std::string& name : all)
    if ((all.size() <= lanes_drawn || touched.count(name)) && rows.size() < lanes_drawn) rows.push_back(name);
  for (const FaultShape& s : shapes)  // a node the pictures do not list still gets its lane
    if (!s.node.empty() && std::find(rows.begin(), rows.end(), s.node) == rows.end()) rows.push_back(s.node);
  bool network =
      std::any_of(shapes.begin(), shapes.end(), [](const FaultShape& s) { return s.node.empty() && s.nodes.empty(); });
  if (network) rows.push_back("network");
  rows.push_back("violations");
  return rows;
}

/// Lanes of a strip over the whole run: the rows' names and boxes, the faults shaded on the
/// lanes they touch (a partition on every node it cuts), clock steps as ticks.
struct RunLanes {
  std::vector<std::string> rows;
  double row = 14, x0 = 150, x1 = 1080, top = 20;
  svg::Scale x;
  double y(const std::string& name) const {
    auto it = std::find(rows.begin(), rows.end(), name);
    return it == rows.end() ? -1 : top + row * static_cast<double>(it - rows.begin());
  }
  double bottom() const { return top + row * static_cast<double>(rows.size()); }
};

std::string run_lanes_svg(const RunLanes& l, const std::vector<FaultShape>& shapes) {
  std::string body;
  for (const std::string& name : l.rows) {
    double y = l.y(name);
    body += svg::text(l.x0 - 8, y + l.row - 3, name, "text-anchor=\"end\" class=\"small\"");
    body += svg::rect(l.x0, y + 1, l.x1 - l.x0, l.row - 2, "class=\"lanebox\"");
  }
  for (const FaultShape& s : shapes) {
    std::vector<std::string> on = s.nodes;
    if (!s.node.empty()) on.insert(on.begin(), s.node);
    if (on.empty()) on.push_back("network");
    double a = l.x(static_cast<double>(s.from)), b = l.x(static_cast<double>(s.to));
    for (const std::string& node : on) {
      double y = l.y(node);
      if (y < 0) continue;
      if (s.css_class == "step")
        body += svg::rect(a - 1, y, 2.5, l.row, "class=\"step\"", s.label);
      else
        body += svg::rect(a, y + 1, std::max(b - a, 2.5), l.row - 2, fmt::format("class=\"{}\"", s.css_class), s.label);
    }
  }
  return body;
}

}  // namespace

std::string run_summary_strip(const ordered_json& report) {
  std::int64_t end = std::max<std::int64_t>(report["trace"]["simulated_ns"].get<std::int64_t>(), 1);
  std::vector<FaultShape> shapes = fault_shapes(report);
  RunLanes l;
  l.rows = strip_rows(report, shapes);
  l.x = svg::Scale{0, static_cast<double>(end), l.x0, l.x1};
  std::string body = run_lanes_svg(l, shapes);
  double vy = l.y("violations");
  for (const Violation& v : first_violations(report))
    body += svg::circle(l.x(static_cast<double>(v.at)), vy + l.row / 2, 4, "class=\"hot\"", v.check + ": " + v.what);
  const ordered_json* timeline = report.contains("pictures") ? &report["pictures"]["timeline"] : nullptr;
  if (timeline && !timeline->is_null()) {
    double a = l.x((*timeline)["from_ns"].get<double>()), b = l.x((*timeline)["to_ns"].get<double>());
    body += svg::rect(a, l.top - 6, std::max(b - a, 3.0), l.bottom() - l.top + 10, "class=\"window\"",
                      fmt::format("the window drawn below: {} to {}", (*timeline)["from"].get<std::string>(),
                                  (*timeline)["to"].get<std::string>()));
    body += svg::text(a, l.top - 8, "window below", "class=\"small\"");
  }
  double height = l.bottom() + 28;
  for (double t : svg::ticks(0, static_cast<double>(end), 10))
    body += svg::text(l.x(t), height - 8, duration_text(t), "text-anchor=\"middle\" class=\"small\"");
  return svg::frame(1100, height, fmt::format("class=\"summary\" data-lanes=\"{}\"", l.rows.size()), body);
}

std::string lane_chart(const ordered_json& report, const ordered_json& chart) {
  std::int64_t end = std::max<std::int64_t>(report["trace"]["simulated_ns"].get<std::int64_t>(), 1);
  std::vector<FaultShape> shapes = fault_shapes(report);
  RunLanes l;
  l.row = 22, l.top = 30;
  l.rows = chart["lanes"].get<std::vector<std::string>>();
  l.x = svg::Scale{0, static_cast<double>(end), l.x0, l.x1};
  std::string body = svg::text(l.x0, 14, chart["title"].get<std::string>(), "font-weight=\"600\"");
  body += run_lanes_svg(l, shapes);
  for (const ordered_json& b : chart["bars"]) {
    double y = l.y(b["lane"].get<std::string>());
    if (y < 0) continue;
    double a = l.x(b["from_ns"].get<double>()), z = l.x(b["to_ns"].get<double>());
    body += svg::rect(a, y + 4, std::max(z - a, 2.0), l.row - 8, "class=\"lead\"", b["detail"].get<std::string>());
    if (z - a > 44) body += svg::text(a + 3, y + l.row - 7, b["label"].get<std::string>(), "class=\"small\"");
  }
  for (const ordered_json& m : chart["marks"]) {
    double y = l.y(m["lane"].get<std::string>());
    if (y < 0) continue;
    double x = l.x(m["at_ns"].get<double>());
    body += svg::polygon({{x - 4, y}, {x + 4, y}, {x, y + 6}}, "class=\"elect\"");
    body += svg::circle(x, y + 2, 4, "class=\"elect\" fill-opacity=\"0\"", m["label"].get<std::string>());
  }
  double height = l.bottom() + 28;
  for (double t : svg::ticks(0, static_cast<double>(end), 10))
    body += svg::text(l.x(t), height - 8, duration_text(t), "text-anchor=\"middle\" class=\"small\"");
  std::string note = chart["left_out"].get<std::uint64_t>() > 0
                         ? fmt::format("<p class=\"muted\">{} later bars and marks are left out.</p>\n",
                                       chart["left_out"].get<std::uint64_t>())
                         : "";
  return note + svg::frame(1100, height, fmt::format("class=\"lanechart\" data-lanes=\"{}\"", l.rows.size()), body);
}

}  // namespace sim::html
