// study.html: each check's matrix (designs by storages against fault classes) as a heat map of
// violation rates with their 95% intervals, each cell linking to its replay command; then the
// curves of a varied parameter, if study.json has them.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/html_page.hpp"
#include "reports/html_report.hpp"

namespace sim {

using nlohmann::ordered_json;

namespace {

std::string text_of(const ordered_json& value) { return value.is_string() ? value.get<std::string>() : ""; }

/// [low, high] of an interval written as [low, high] or as {"low":, "high":}.
std::pair<double, double> interval_of(const ordered_json& interval) {
  if (interval.is_array() && interval.size() == 2) return {interval[0].get<double>(), interval[1].get<double>()};
  if (interval.is_object()) return {interval["low"].get<double>(), interval["high"].get<double>()};
  return {0, 0};
}

std::string cell_id(const ordered_json& cell) {
  std::string slug = text_of(cell["scenario"]);
  slug = slug.substr(slug.rfind('/') + 1);
  return "cell-" + slug.substr(0, slug.rfind('.'));
}

/// White for 0, deep red for 1.
std::string heat_colour(double rate) {
  auto channel = [&](int full, int empty) {
    return static_cast<int>(full + (empty - full) * std::clamp(rate, 0.0, 1.0));
  };
  return fmt::format("rgb({},{},{})", channel(255, 180), channel(255, 20), channel(255, 30));
}

struct Grid {
  std::vector<std::string> rows;    // "<row> / <column>"
  std::vector<std::string> faults;  // fault classes, in file order
};

Grid grid_of(const ordered_json& cells) {
  Grid g;
  for (const ordered_json& c : cells) {
    std::string row = text_of(c["row"]) + " / " + text_of(c["column"]);
    if (std::find(g.rows.begin(), g.rows.end(), row) == g.rows.end()) g.rows.push_back(row);
    std::string fault = text_of(c["faults"]);
    if (std::find(g.faults.begin(), g.faults.end(), fault) == g.faults.end()) g.faults.push_back(fault);
  }
  return g;
}

std::string heat_cell(const ordered_json& c, const std::string& check, double x, double y) {
  const ordered_json& rate = c["rates"][check];
  constexpr double w = 118, h = 44;
  if (!rate.contains("rate")) return svg::rect(x, y, w - 2, h - 2, "fill=\"#eaecf0\"", "no such check in this cell");
  double value = rate["rate"].get<double>();
  auto [low, high] = interval_of(rate["interval_95"]);
  std::string replay = c.contains("reproduce") ? text_of(c["reproduce"]) : "no failing seed";
  std::string title = fmt::format("{} / {} / {}: {} of {} runs; replay: {}", text_of(c["row"]), text_of(c["column"]),
                                  text_of(c["faults"]), rate["runs_violated"].get<std::uint64_t>(),
                                  rate["runs"].get<std::uint64_t>(), replay);
  std::string out = fmt::format("<a href=\"#{}\">", cell_id(c));
  out += svg::rect(x, y, w - 2, h - 2, fmt::format("fill=\"{}\" class=\"heat-cell\"", heat_colour(value)), title);
  const char* ink = value > 0.55 ? "fill=\"#ffffff\"" : "";
  out += svg::text(x + w / 2, y + 18, fmt::format("{:.1f}%", value * 100),
                   fmt::format("text-anchor=\"middle\" font-weight=\"600\" {}", ink));
  out += svg::text(x + w / 2, y + 33, fmt::format("[{:.1f}, {:.1f}]", low * 100, high * 100),
                   fmt::format("text-anchor=\"middle\" class=\"cell-text\" {}", ink));
  return out + "</a>\n";
}

std::string heat_map(const ordered_json& study, const std::string& check) {
  Grid g = grid_of(study["cells"]);
  constexpr double w = 118, h = 44, left = 210, top = 44;
  std::string body = svg::text(8, 16, "runs with " + check + " violated (95% interval, %)", "font-weight=\"600\"");
  for (std::size_t f = 0; f < g.faults.size(); ++f)
    body += svg::text(left + w * (static_cast<double>(f) + 0.5), top - 8, g.faults[f], "text-anchor=\"middle\"");
  for (std::size_t r = 0; r < g.rows.size(); ++r)
    body += svg::text(left - 8, top + h * static_cast<double>(r) + 26, g.rows[r], "text-anchor=\"end\"");
  for (const ordered_json& c : study["cells"]) {
    std::string row = text_of(c["row"]) + " / " + text_of(c["column"]);
    auto r = std::find(g.rows.begin(), g.rows.end(), row) - g.rows.begin();
    auto f = std::find(g.faults.begin(), g.faults.end(), text_of(c["faults"])) - g.faults.begin();
    body += heat_cell(c, check, left + w * static_cast<double>(f), top + h * static_cast<double>(r));
  }
  double width = left + w * static_cast<double>(g.faults.size()) + 10;
  double height = top + h * static_cast<double>(g.rows.size()) + 10;
  return svg::frame(width, height, "class=\"heat\"", body);
}

std::string cells_list(const ordered_json& study) {
  std::string rows = study.contains("rows_title") ? text_of(study["rows_title"]) : "design";
  std::string columns = study.contains("columns_title") ? text_of(study["columns_title"]) : "storage";
  std::string out = "<h2>Every cell</h2>\n<table>\n<tr><th>" + svg::escape(rows) + " / " + svg::escape(columns) +
                    " / faults</th><th>replay of its first failing seed</th><th>what happened</th></tr>\n";
  for (const ordered_json& c : study["cells"]) {
    std::string replay = c.contains("reproduce") ? "<code>" + svg::escape(text_of(c["reproduce"])) + "</code>"
                                                 : "<span class=\"muted\">no seed failed</span>";
    out += fmt::format("<tr id=\"{}\"><td>{} / {} / {}</td><td>{}</td><td>{}</td></tr>\n", cell_id(c),
                       svg::escape(text_of(c["row"])), svg::escape(text_of(c["column"])),
                       svg::escape(text_of(c["faults"])), replay, svg::escape(text_of(c["sentence"])));
  }
  return out + "</table>\n";
}

/// One chart per (parameter, check): each design's violation rate against x, with its band.
std::string curve_charts(const ordered_json& curves) {
  std::map<std::pair<std::string, std::string>, std::vector<const ordered_json*>> charts;
  std::vector<std::pair<std::string, std::string>> order;
  for (const ordered_json& curve : curves) {
    std::pair key{text_of(curve["param"]), text_of(curve["check"])};
    if (!charts.count(key)) order.push_back(key);
    charts[key].push_back(&curve);
  }
  std::string out;
  for (const auto& key : order) {
    html::Chart c;
    c.title = fmt::format("runs with {} violated against {} (95% band)", key.second, key.first);
    c.x_label = key.first;
    c.y_label = "violation rate";
    c.x_low = 1e300, c.x_high = -1e300;
    for (const ordered_json* curve : charts[key]) {
      html::Series s{text_of((*curve)["design"]), fmt::format("s{}", c.lines.size() % 6), {}};
      std::vector<std::pair<double, double>> lows, highs;
      for (const ordered_json& p : (*curve)["points"]) {
        double x = p["x"].get<double>();
        auto [low, high] = interval_of(p["interval_95"]);
        s.points.emplace_back(x, p["rate"].get<double>());
        lows.emplace_back(x, low), highs.emplace_back(x, high);
        c.x_low = std::min(c.x_low, x), c.x_high = std::max(c.x_high, x);
      }
      c.lines.push_back(std::move(s));
      c.ribbons.emplace_back(std::move(lows), std::move(highs));
    }
    if (c.x_low > c.x_high) c.x_low = 0, c.x_high = 1;
    if (c.x_high <= c.x_low) c.x_high = c.x_low + 1;
    c.y_high = 1;
    c.height = 300;
    out += html::chart(c);
  }
  return out;
}

}  // namespace

std::string html::curves_html(const ordered_json& curves) { return curve_charts(curves); }

std::string study_report_html(const ordered_json& study) {
  std::string body = fmt::format("<h1>designsim study: {}</h1>\n<p>{}</p>\n", svg::escape(text_of(study["study"])),
                                 svg::escape(text_of(study["description"])));
  body +=
      html::table({"study file", "seeds per cell", "cells"},
                  {{text_of(study["file"]), study["seeds_per_cell"].dump(), std::to_string(study["cells"].size())}});
  body += "<p class=\"muted\">Each cell: the share of runs in which the check was violated, with its 95% Wilson "
          "interval; a cell links to the replay command of its first failing seed.</p>\n";
  for (const ordered_json& check : study["checks"]) body += heat_map(study, check.get<std::string>());
  if (study.contains("curves") && !study["curves"].empty())
    body += "<h2>Curves</h2>\n" + curve_charts(study["curves"]);
  body += cells_list(study);
  return html::page("designsim study: " + text_of(study["study"]), body);
}

}  // namespace sim
