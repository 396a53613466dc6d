#include "reports/curve_report.hpp"

#include <fmt/format.h>

#include "reports/format.hpp"
#include "reports/text_table.hpp"

namespace sim {
namespace {

using nlohmann::ordered_json;

std::string point_text(const CurvePoint& point) {
  return fmt::format("{} [{}, {}]", percent_text(point.rate), percent_text(point.interval.low),
                     percent_text(point.interval.high));
}

/// The curves of one check, from `first`: they are together, check by check.
std::size_t check_end(const std::vector<Curve>& curves, std::size_t first) {
  std::size_t end = first;
  while (end < curves.size() && curves[end].check == curves[first].check) ++end;
  return end;
}

report::TextRow header_of(const Curve& curve) {
  report::TextRow header{"design"};
  for (const CurvePoint& point : curve.points) header.push_back(point.value);
  return header;
}

std::vector<report::TextRow> rows_of(const std::vector<Curve>& curves, std::size_t first, std::size_t end) {
  std::vector<report::TextRow> rows;
  for (std::size_t i = first; i < end; ++i) {
    report::TextRow row{curves[i].design};
    for (const CurvePoint& point : curves[i].points) row.push_back(point_text(point));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

ordered_json curves_json(const std::vector<Curve>& curves) {
  ordered_json all = ordered_json::array();
  for (const Curve& curve : curves) {
    ordered_json c = ordered_json::object();
    c["param"] = curve.param;
    c["check"] = curve.check;
    c["design"] = curve.design;
    ordered_json points = ordered_json::array();
    for (const CurvePoint& point : curve.points) {
      ordered_json p = ordered_json::object();
      p["value"] = point.value;
      p["x"] = point.x;
      p["runs"] = point.runs;
      p["runs_violated"] = point.runs_violated;
      p["rate"] = point.rate;
      p["interval_95"] = {{"low", point.interval.low}, {"high", point.interval.high}};
      points.push_back(std::move(p));
    }
    c["points"] = std::move(points);
    all.push_back(std::move(c));
  }
  return all;
}

std::string curves_markdown(const std::vector<Curve>& curves) {
  std::string md;
  for (std::size_t first = 0; first < curves.size(); first = check_end(curves, first)) {
    std::size_t end = check_end(curves, first);
    md += fmt::format("## Runs with {} violated, against {}\n\n", curves[first].check, curves[first].param);
    md += "Each cell: the rate and its 95% Wilson interval.\n\n";
    md += report::markdown_table(header_of(curves[first]), rows_of(curves, first, end)) + "\n";
  }
  return md;
}

std::string curves_text(const std::vector<Curve>& curves) {
  std::string text;
  for (std::size_t first = 0; first < curves.size(); first = check_end(curves, first)) {
    std::size_t end = check_end(curves, first);
    text += fmt::format("{} against {} (rate [95% interval]):\n", curves[first].check, curves[first].param);
    std::vector<report::TextRow> rows{header_of(curves[first])};
    for (report::TextRow& row : rows_of(curves, first, end)) rows.push_back(std::move(row));
    text += report::aligned_table(rows, "  ");
  }
  return text;
}

}  // namespace sim
