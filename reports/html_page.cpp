#include "reports/html_page.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sim::html {

namespace {

constexpr std::string_view style = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1280px;color:#1d2330;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dde6}
h3{font-size:14px;margin:16px 0 6px}code{background:#f1f3f7;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d8dde6;padding:3px 8px;text-align:left;
vertical-align:top}th{background:#f1f3f7}.verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:10px 0}
.bad{background:#fde8e8;color:#8a1111}.good{background:#e6f5ea;color:#135c26}.muted{color:#667085}
td.violated{color:#8a1111;font-weight:600}td.held{color:#135c26}svg{display:block;margin:6px 0;overflow:visible}
svg text{font:11px system-ui,sans-serif;fill:#1d2330}svg .small{font-size:10px;fill:#475467}
.axis{stroke:#98a2b3;stroke-width:1}.grid{stroke:#eaecf0;stroke-width:1}.lane{stroke:#475467;stroke-width:1.5}
.lanebox{fill:#f8f9fb}.msg{stroke:#5b6b86;stroke-width:1;fill:none;marker-end:none}.msg-head{fill:#5b6b86}
.lost{stroke:#d92d20;stroke-dasharray:4 3}.lost-x{stroke:#d92d20;stroke-width:2}.pause{fill:#fdb022;fill-opacity:.35}
.crash{fill:#344054;fill-opacity:.35}.partition{fill:#7a5af8;fill-opacity:.14}.link{fill:#2e90fa;fill-opacity:.14}
.step{stroke:#c11574;stroke-width:3}.belief{fill:#12b76a;fill-opacity:.55;stroke:#027a48}
.event{fill:#475467}.hot{fill:#d92d20;stroke:#d92d20}.hotline{stroke:#d92d20;stroke-width:2;stroke-dasharray:6 3}
.note{font-size:11px}.leader{stroke:#98a2b3;stroke-dasharray:2 2}.window{fill:#d92d20;fill-opacity:.08;
stroke:#d92d20;stroke-width:1}.s0{stroke:#2e90fa;fill:#2e90fa}.s1{stroke:#f79009;fill:#f79009}.s2{stroke:#d92d20;
fill:#d92d20}.s3{stroke:#344054;fill:#344054}.s4{stroke:#12b76a;fill:#12b76a}.s5{stroke:#7a5af8;fill:#7a5af8}
polyline.s0,polyline.s1,polyline.s2,polyline.s3,polyline.s4,polyline.s5{fill:none;stroke-width:1.6}
.ribbon{fill-opacity:.15;stroke:none}.limit{stroke:#d92d20;stroke-width:1.2;stroke-dasharray:5 4}
.bar{fill:#2e90fa}.heat a text{text-decoration:underline}.cell-text{font-size:11px}
pre{background:#f1f3f7;padding:8px;overflow-x:auto}
)";

double nice_high(double value) {
  if (!(value > 0)) return 1;
  double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= value) return m * power;
  return value;
}

}  // namespace

std::string page(std::string_view title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
      svg::escape(title), style, body);
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::string_view attrs) {
  std::string out = fmt::format("<table {}>\n<tr>", attrs);
  for (const std::string& h : header) out += "<th>" + svg::escape(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const std::string& cell : row) out += "<td>" + svg::escape(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string duration_text(double ns) {
  double a = std::abs(ns);
  if (a >= 1e9) return fmt::format("{:g}s", std::round(ns / 1e6) / 1e3);
  if (a >= 1e6) return fmt::format("{:g}ms", std::round(ns / 1e3) / 1e3);
  if (a >= 1e3) return fmt::format("{:g}us", std::round(ns) / 1e3);
  return fmt::format("{:g}ns", std::round(ns));
}

namespace {

struct Area {
  double left = 64, top = 26, right, bottom;
  svg::Scale x, y;
};

Area chart_area(const Chart& c) {
  Area a;
  a.right = c.width - 170;
  a.bottom = c.height - 40;
  double y_high = c.log_y ? c.y_high : nice_high(c.y_high);
  a.x = svg::Scale{c.x_low, c.x_high, a.left, a.right};
  a.y = svg::Scale{c.y_low, y_high, a.bottom, a.top, c.log_y};
  return a;
}

std::string chart_axes(const Chart& c, const Area& a) {
  std::string out = svg::text(a.left, 14, c.title, "font-weight=\"600\"");
  for (double t : svg::ticks(c.x_low, c.x_high, 8)) {
    out += svg::line(a.x(t), a.top, a.x(t), a.bottom, "class=\"grid\"");
    out += svg::text(a.x(t), a.bottom + 14, fmt::format("{:g}", t), "text-anchor=\"middle\" class=\"small\"");
  }
  double y_high = a.y.from_high;
  std::vector<double> y_ticks = c.log_y ? svg::log_ticks(c.y_low, y_high) : svg::ticks(c.y_low, y_high, 5);
  for (double t : y_ticks) {
    out += svg::line(a.left, a.y(t), a.right, a.y(t), "class=\"grid\"");
    std::string label = c.y_label.find("latency") != std::string::npos ? duration_text(t) : fmt::format("{:g}", t);
    out += svg::text(a.left - 6, a.y(t) + 4, label, "text-anchor=\"end\" class=\"small\"");
  }
  out += svg::line(a.left, a.bottom, a.right, a.bottom, "class=\"axis\"");
  out += svg::line(a.left, a.top, a.left, a.bottom, "class=\"axis\"");
  out += svg::text((a.left + a.right) / 2, a.bottom + 32, c.x_label, "text-anchor=\"middle\"");
  double mid = (a.top + a.bottom) / 2;
  out +=
      svg::text(14, mid, c.y_label,
                fmt::format("class=\"small\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\"", svg::num(mid)));
  return out;
}

std::string chart_bands(const Chart& c, const Area& a) {
  std::string out;
  for (const Band& band : c.bands) {
    double x0 = std::clamp(a.x(band.from), a.left, a.right), x1 = std::clamp(a.x(band.to), a.left, a.right);
    out += svg::rect(x0, a.top, std::max(x1 - x0, 1.5), a.bottom - a.top,
                     fmt::format("class=\"{}\"", band.css_class), band.label);
  }
  for (const auto& [x, label] : c.marks) {
    out += svg::line(a.x(x), a.top, a.x(x), a.bottom, "class=\"hotline\"");
    out += svg::text(a.x(x) + 3, a.top + 10, label, "class=\"small\"");
  }
  for (const auto& [y, label] : c.limits) {
    out += svg::line(a.left, a.y(y), a.right, a.y(y), "class=\"limit\"");
    out += svg::text(a.right + 4, a.y(y) + 4, label, "class=\"small\"");
  }
  return out;
}

std::vector<std::pair<double, double>> placed(const Area& a, const std::vector<std::pair<double, double>>& points) {
  std::vector<std::pair<double, double>> out;
  for (const auto& [x, y] : points) out.emplace_back(a.x(x), std::clamp(a.y(y), a.top, a.bottom));
  return out;
}

std::string chart_lines(const Chart& c, const Area& a) {
  std::string out;
  for (std::size_t i = 0; i < c.ribbons.size() && i < c.lines.size(); ++i) {
    std::vector<std::pair<double, double>> shape = placed(a, c.ribbons[i].second);
    std::vector<std::pair<double, double>> low = placed(a, c.ribbons[i].first);
    shape.insert(shape.end(), low.rbegin(), low.rend());
    out += svg::polygon(shape, fmt::format("class=\"ribbon {}\"", c.lines[i].css_class));
  }
  for (std::size_t i = 0; i < c.lines.size(); ++i) {
    const Series& s = c.lines[i];
    std::vector<std::pair<double, double>> points = placed(a, s.points);
    out += svg::polyline(points, fmt::format("class=\"{}\"", s.css_class));
    if (points.size() <= 40)
      for (const auto& [x, y] : points) out += svg::circle(x, y, 2.2, fmt::format("class=\"{}\"", s.css_class));
    double legend_y = a.top + 14.0 * static_cast<double>(i);
    out += svg::line(a.right + 10, legend_y, a.right + 26, legend_y,
                     fmt::format("class=\"{}\" stroke-width=\"3\"", s.css_class));
    out += svg::text(a.right + 30, legend_y + 4, s.name, "class=\"small\"");
  }
  return out;
}

}  // namespace

std::string chart(const Chart& c) {
  Area a = chart_area(c);
  return svg::frame(c.width, c.height, "class=\"chart\"", chart_bands(c, a) + chart_axes(c, a) + chart_lines(c, a));
}

}  // namespace sim::html
