#include "reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/html_page.hpp"

namespace sim {

using nlohmann::ordered_json;

namespace {

std::string str(const ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string header_html(const ordered_json& r) {
  const ordered_json& scenario = r["scenario"];
  std::string out = fmt::format("<h1>designsim run: {}</h1>\n<p>{}</p>\n", svg::escape(str(scenario["name"])),
                                svg::escape(str(scenario["description"])));
  bool violated = r["verdict"]["any_violated"].get<bool>();
  std::vector<std::string> broken;
  for (const ordered_json& c : r["checks"])
    if (!c["held"].get<bool>()) broken.push_back(str(c["name"]));
  out += fmt::format("<div class=\"verdict {}\">{}{}</div>\n", violated ? "bad" : "good",
                     violated ? "VIOLATED: " + svg::escape(fmt::format("{}", fmt::join(broken, ", ")))
                              : "Every check held",
                     r["verdict"]["expectations_met"].get<bool>() ? " (as the scenario expects)"
                                                                  : " (NOT as the scenario expects)");
  out += html::table({"scenario", "model", "seed", "duration", "trace hash", "replay"},
                     {{str(scenario["file"]), str(scenario["model"]), str(r["seed"]), str(r["duration"]),
                       str(r["trace"]["hash"]), str(r["replay"])}});
  return out;
}

std::string checks_html(const ordered_json& r) {
  std::string out = "<h2>Checks</h2>\n<table class=\"checks\">\n<tr><th>check</th><th>verdict</th><th>expected</th>"
                    "<th>how bad</th><th>first violation</th></tr>\n";
  for (const ordered_json& c : r["checks"]) {
    bool held = c["held"].get<bool>();
    const ordered_json& v = c["first_violation"];
    std::string first = v.is_null() ? "" : str(v["at"]) + ": " + str(v["what"]);
    out += fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       svg::escape(str(c["name"])), held ? "held" : "violated", held ? "held" : "VIOLATED",
                       c["expected_violated"].get<bool>() ? "violated" : "held", svg::escape(str(c["summary"])),
                       svg::escape(first));
  }
  return out + "</table>\n";
}

/// Fault windows over the run, in seconds, for shading the charts.
std::vector<html::Band> fault_bands(const ordered_json& r) {
  std::vector<html::Band> bands;
  double end = r["trace"]["simulated_ns"].get<double>() / 1e9;
  for (const ordered_json& f : r["faults"]) {
    std::string kind = str(f["kind"]);
    double from = f["at_ns"].get<double>() / 1e9;
    double to = f["until_ns"].is_null() ? from : f["until_ns"].get<double>() / 1e9;
    bool lasts = kind == "pause" || kind == "crash" || kind == "partition" || kind == "slow_link" ||
                 kind == "loss" || kind == "duplicate";
    if (lasts && f["until_ns"].is_null()) to = end;
    std::string css = kind == "pause" || kind == "crash" || kind == "partition" ? kind : lasts ? "link" : "step";
    if (kind == "heal" || kind == "restart") continue;
    bands.push_back(html::Band{from, to, fmt::format("{} {} {}", str(f["at"]), kind, str(f["detail"])),
                               css == "step" ? "crash" : css});
  }
  return bands;
}

std::string latency_series_html(const ordered_json& r, const ordered_json& series) {
  html::Chart c;
  c.title = fmt::format("{} per {} of true time (percentiles of the samples that ended in it)", str(series["name"]),
                        str(series["interval"]));
  c.x_label = "true time (s)";
  c.y_label = "latency (log)";
  c.log_y = true;
  c.x_high = std::max(r["trace"]["simulated_ns"].get<double>() / 1e9, 1e-9);
  c.bands = fault_bands(r);
  const char* names[] = {"p50", "p90", "p99", "max"};
  double low = 1e300, high = 1;
  for (int i = 0; i < 4; ++i) {
    html::Series s{names[i], fmt::format("s{}", i), {}};
    for (const ordered_json& p : series["points"]) {
      double value = std::max(p[std::string(names[i]) + "_ns"].get<double>(), 1.0);
      low = std::min(low, value);
      high = std::max(high, value);
      double mid = (p["start_ns"].get<double>() + series["interval_ns"].get<double>() / 2) / 1e9;
      s.points.emplace_back(mid, value);
    }
    c.lines.push_back(std::move(s));
  }
  c.y_low = std::pow(10.0, std::floor(std::log10(std::min(low, high))));
  c.y_high = std::pow(10.0, std::ceil(std::log10(high * 1.01)));
  return html::chart(c);
}

/// One window's histogram: bars over a logarithmic latency axis, heights as shares of samples.
std::string histogram_svg(const ordered_json& h, double low, double high) {
  double width = 360, height = 170, l = 40, r = width - 10, t = 22, b = height - 30;
  svg::Scale x{low, high, l, r, true};
  double count = std::max(h["count"].get<double>(), 1.0), top_share = 0;
  for (const ordered_json& bin : h["bins"]) top_share = std::max(top_share, bin[2].get<double>() / count);
  svg::Scale y{0, std::max(top_share, 1e-9), b, t};
  std::string body = svg::text(l, 14, fmt::format("{} @ {} ({} samples)", str(h["name"]), str(h["window"]),
                                                  h["count"].get<std::uint64_t>()),
                               "font-weight=\"600\"");
  for (const ordered_json& bin : h["bins"]) {
    double x0 = x(std::max(bin[0].get<double>(), 1.0)), x1 = x(std::max(bin[1].get<double>() + 1, 1.0));
    double share = bin[2].get<double>() / count;
    body += svg::rect(x0, y(share), std::max(x1 - x0, 1.0), b - y(share), "class=\"bar\"",
                      fmt::format("{} to {}: {:.2f}%", html::duration_text(bin[0].get<double>()),
                                  html::duration_text(bin[1].get<double>()), share * 100));
  }
  body += svg::line(l, b, r, b, "class=\"axis\"");
  for (double tick : svg::log_ticks(low, high))
    body += svg::text(x(tick), b + 14, html::duration_text(tick), "text-anchor=\"middle\" class=\"small\"");
  body += svg::text(l - 4, t + 8, fmt::format("{:.0f}%", top_share * 100), "text-anchor=\"end\" class=\"small\"");
  return svg::frame(width, height, "class=\"histogram\"", body);
}

std::string histograms_html(const ordered_json& histograms) {
  std::map<std::string, std::pair<double, double>> range;  // per latency: the bins' extent
  for (const ordered_json& h : histograms)
    for (const ordered_json& bin : h["bins"]) {
      auto [it, added] = range.try_emplace(str(h["name"]), 1e300, 1.0);
      it->second.first = std::min(it->second.first, std::max(bin[0].get<double>(), 1.0));
      it->second.second = std::max(it->second.second, bin[1].get<double>() + 1);
    }
  std::string out;
  for (const auto& [name, extent] : range) {
    double low = std::pow(10.0, std::floor(std::log10(extent.first)));
    double high = std::pow(10.0, std::ceil(std::log10(extent.second)));
    out += "<div style=\"display:flex;flex-wrap:wrap;gap:8px\">\n";
    for (const ordered_json& h : histograms)
      if (str(h["name"]) == name && !h["bins"].empty()) out += histogram_svg(h, low, high);
    out += "</div>\n";
  }
  return out;
}

std::string plot_html(const ordered_json& p) {
  html::Chart c;
  c.title = str(p["title"]);
  c.x_label = str(p["x_label"]);
  c.y_label = str(p["y_label"]);
  double x_low = 1e300, x_high = -1e300, y_high = 0;
  for (std::size_t i = 0; i < p["lines"].size(); ++i) {
    html::Series s{str(p["lines"][i]["name"]), fmt::format("s{}", i % 6), {}};
    for (const ordered_json& point : p["lines"][i]["points"]) {
      double px = point[0].get<double>(), py = point[1].get<double>();
      s.points.emplace_back(px, py);
      x_low = std::min(x_low, px), x_high = std::max(x_high, px), y_high = std::max(y_high, py);
    }
    c.lines.push_back(std::move(s));
  }
  if (!p["limit"].is_null()) {
    c.limits.emplace_back(p["limit"].get<double>(), str(p["limit_label"]));
    y_high = std::max(y_high, p["limit"].get<double>());
  }
  if (!p["mark_x"].is_null()) c.marks.emplace_back(p["mark_x"].get<double>(), str(p["mark_label"]));
  c.x_low = x_low > x_high ? 0 : x_low;
  c.x_high = x_low > x_high ? 1 : std::max(x_high, x_low + 1e-9);
  c.y_high = std::max(y_high * 1.05, 1.0);
  return html::chart(c);
}

std::string story_html(const ordered_json& r) {
  if (r["story"].empty()) return "";
  std::string out = "<h2>The story of the first violation</h2>\n<ol class=\"story\">\n";
  for (const ordered_json& line : r["story"]) out += "<li>" + svg::escape(str(line)) + "</li>\n";
  return out + "</ol>\n";
}

std::string tables_html(const ordered_json& r) {
  std::string out;
  if (!r["requirements"].empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const ordered_json& q : r["requirements"])
      rows.push_back({str(q["metric"]), str(q["comparator"]) + " " + str(q["threshold"]), str(q["measured_text"]),
                      q["met"].get<bool>() ? "met" : "NOT met"});
    out += "<h2>Requirements</h2>\n" + html::table({"metric", "required", "measured", ""}, rows);
  }
  std::vector<std::vector<std::string>> faults;
  for (const ordered_json& f : r["faults"])
    faults.push_back({str(f["at"]), f["until"].is_null() ? "" : str(f["until"]), str(f["kind"]), str(f["node"]),
                      str(f["detail"])});
  if (!faults.empty())
    out += "<h2>Faults applied</h2>\n" + html::table({"at", "until", "kind", "node", "detail"}, faults);
  for (const ordered_json& t : r["tables"]) {
    std::vector<std::vector<std::string>> rows;
    for (const ordered_json& row : t["rows"]) rows.push_back(row.get<std::vector<std::string>>());
    out += "<h3>" + svg::escape(str(t["title"])) + "</h3>\n" +
           html::table(t["columns"].get<std::vector<std::string>>(), rows);
  }
  return out;
}

std::string pictures_html(const ordered_json& r) {
  const ordered_json& p = r["pictures"];
  std::string out = "<h2>The run at a glance</h2>\n" + html::run_summary_strip(r);
  std::string diagram = html::space_time_diagram(r);
  if (!diagram.empty()) out += "<h2>Around the first violation</h2>\n" + diagram;
  if (!p["latency_series"].empty()) {
    out += "<h2>Latency over time</h2>\n";
    for (const ordered_json& series : p["latency_series"]) out += latency_series_html(r, series);
    out += "<h3>Latency by fault window</h3>\n" + histograms_html(p["histograms"]);
  }
  if (!p["plots"].empty()) {
    out += "<h2>" + svg::escape(str(r["scenario"]["model"])) + "</h2>\n";
    for (const ordered_json& plot : p["plots"]) out += plot_html(plot);
  }
  return out;
}

}  // namespace

std::string run_report_html(const ordered_json& r) {
  std::string body = header_html(r) + checks_html(r);
  if (r.contains("pictures")) body += pictures_html(r);
  body += story_html(r) + tables_html(r);
  return html::page("designsim: " + str(r["scenario"]["name"]) + " seed " + str(r["seed"]), body);
}

std::string html_of_run_report(const std::string& report_json) {
  return run_report_html(ordered_json::parse(report_json));
}

std::string html_of_study_report(const std::string& study_json) {
  return study_report_html(ordered_json::parse(study_json));
}

}  // namespace sim
