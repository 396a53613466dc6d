// Small pieces for writing inline SVG and HTML as text: escaping, numbers with one decimal,
// linear and logarithmic scales, ticks, and the few shapes the report pages draw.
//
// Determinism: pure functions of their arguments; numbers are formatted by fmt, which ignores
// the locale, with a fixed number of decimals, so one report gives one page byte for byte.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim::svg {

/// Text safe inside an element or a double-quoted attribute.
std::string escape(std::string_view text);
/// A coordinate: one decimal, no "-0.0".
std::string num(double value);

/// Maps [from_low, from_high] onto [to_low, to_high], linearly or by logarithm (values > 0).
struct Scale {
  double from_low = 0, from_high = 1, to_low = 0, to_high = 1;
  bool log = false;
  double operator()(double value) const;
};

/// About `count` round values covering [low, high] (1, 2 or 5 times a power of ten apart).
std::vector<double> ticks(double low, double high, int count);
/// Powers of ten within [low, high] (both > 0), for a logarithmic axis.
std::vector<double> log_ticks(double low, double high);

/// Attributes are written as given: `attrs` is e.g. R"(class="lane")".
std::string line(double x1, double y1, double x2, double y2, std::string_view attrs);
std::string rect(double x, double y, double width, double height, std::string_view attrs,
                 std::string_view title = "");
std::string text(double x, double y, std::string_view content, std::string_view attrs = "");
std::string circle(double x, double y, double r, std::string_view attrs, std::string_view title = "");
std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view attrs);
std::string polygon(const std::vector<std::pair<double, double>>& points, std::string_view attrs);
/// `<svg>` with a viewBox of width x height, its content, and `</svg>`.
std::string frame(double width, double height, std::string_view attrs, const std::string& content);

}  // namespace sim::svg
