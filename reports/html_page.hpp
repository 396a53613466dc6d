// The frame every HTML report shares: one self-contained page (inline CSS and SVG, no script,
// nothing fetched: its Content-Security-Policy forbids every load), and the tables and charts
// the run and study pages both use.
//
// Determinism: pure functions of their arguments (svg.hpp formats every number).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/svg.hpp"

namespace sim::html {

/// The whole page: doctype, head (title, policy, style) and body.
std::string page(std::string_view title, const std::string& body);

/// A table with a header row; every cell is escaped.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  std::string_view attrs = "");

/// A line of a chart: its name, class (colour) and points in data units.
struct Series {
  std::string name;
  std::string css_class;
  std::vector<std::pair<double, double>> points;
};

/// A shaded span of x (a fault window) with its label.
struct Band {
  double from = 0, to = 0;
  std::string label;
  std::string css_class;
};

/// A line chart with axes, optional log y, shaded bands, a horizontal limit and a legend.
struct Chart {
  std::string title;
  std::string x_label, y_label;
  double x_low = 0, x_high = 1, y_low = 0, y_high = 1;
  bool log_y = false;
  std::vector<Series> lines;
  std::vector<Band> bands;
  std::vector<std::pair<double, std::string>> limits;  ///< y value, label
  std::vector<std::pair<double, std::string>> marks;   ///< x value, label
  /// Per line, lower and upper points of a band around it (an interval), same order as lines.
  std::vector<std::pair<std::vector<std::pair<double, double>>, std::vector<std::pair<double, double>>>> ribbons;
  double width = 760, height = 260;
};
std::string chart(const Chart& chart);

/// "12.5ms", "3s": a duration in nanoseconds, short.
std::string duration_text(double ns);

}  // namespace sim::html
