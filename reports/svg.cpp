#include "reports/svg.hpp"

#include <cmath>

#include <fmt/format.h>

namespace sim::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string num(double value) {
  if (!std::isfinite(value)) value = 0;
  std::string text = fmt::format("{:.1f}", value);
  if (text == "-0.0") return "0.0";
  return text;
}

double Scale::operator()(double value) const {
  double low = from_low, high = from_high, v = value;
  if (log) {
    low = std::log10(std::max(low, 1e-12));
    high = std::log10(std::max(high, 1e-12));
    v = std::log10(std::max(v, 1e-12));
  }
  if (high == low) return (to_low + to_high) / 2;
  return to_low + (v - low) / (high - low) * (to_high - to_low);
}

std::vector<double> ticks(double low, double high, int count) {
  std::vector<double> out;
  if (!(high > low) || count < 1) return {low};
  double raw = (high - low) / count;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  for (double t = std::ceil(low / step) * step; t <= high + step * 1e-9; t += step) out.push_back(t);
  return out;
}

std::vector<double> log_ticks(double low, double high) {
  std::vector<double> out;
  for (double t = std::pow(10.0, std::ceil(std::log10(std::max(low, 1e-12)))); t <= high * (1 + 1e-9); t *= 10)
    out.push_back(t);
  return out;
}

std::string line(double x1, double y1, double x2, double y2, std::string_view attrs) {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", num(x1), num(y1), num(x2), num(y2), attrs);
}

namespace {

std::string titled(std::string_view element, std::string_view title) {
  if (title.empty()) return std::string(element) + "/>\n";
  return fmt::format("{}><title>{}</title></{}>\n", element, escape(title),
                     element.substr(1, element.find(' ') - 1));
}

std::string points_text(const std::vector<std::pair<double, double>>& points) {
  std::string text;
  for (const auto& [x, y] : points) text += (text.empty() ? "" : " ") + num(x) + "," + num(y);
  return text;
}

}  // namespace

std::string rect(double x, double y, double width, double height, std::string_view attrs, std::string_view title) {
  return titled(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}", num(x), num(y),
                            num(std::max(width, 0.0)), num(std::max(height, 0.0)), attrs),
                title);
}

std::string text(double x, double y, std::string_view content, std::string_view attrs) {
  return fmt::format("<text x=\"{}\" y=\"{}\" {}>{}</text>\n", num(x), num(y), attrs, escape(content));
}

std::string circle(double x, double y, double r, std::string_view attrs, std::string_view title) {
  return titled(fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}", num(x), num(y), num(r), attrs), title);
}

std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view attrs) {
  return fmt::format("<polyline points=\"{}\" {}/>\n", points_text(points), attrs);
}

std::string polygon(const std::vector<std::pair<double, double>>& points, std::string_view attrs) {
  return fmt::format("<polygon points=\"{}\" {}/>\n", points_text(points), attrs);
}

std::string frame(double width, double height, std::string_view attrs, const std::string& content) {
  return fmt::format("<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" {}>\n{}"
                     "</svg>\n",
                     num(width), num(height), num(width), num(height), attrs, content);
}

}  // namespace sim::svg
