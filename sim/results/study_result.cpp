#include "sim/results/study_result.hpp"

#include <algorithm>

namespace sim {

const CheckRate* cell_rate(const CellResult& cell, const std::string& check) {
  for (const CheckRate& rate : cell.sweep.checks)
    if (rate.name == check) return &rate;
  return nullptr;
}

const LatencySummary* cell_latency(const CellResult& cell, const std::string& latency) {
  for (const LatencySummary& summary : cell.sweep.latencies)
    if (summary.name == latency && summary.window == "all") return &summary;
  return nullptr;
}

}  // namespace sim

namespace sim {
namespace {

std::string design_of(const CellPlace& place) { return place.row + " / " + place.column + " / " + place.fault; }

CurvePoint point_of(const VaryOutline& vary, const CellResult& cell, const std::string& check) {
  CurvePoint point;
  point.value = cell.cell.value;
  for (std::size_t i = 0; i < vary.values.size(); ++i)
    if (vary.values[i] == cell.cell.value) point.x = vary.xs[i];
  if (const CheckRate* rate = cell_rate(cell, check)) {
    point.runs = rate->runs;
    point.runs_violated = rate->runs_violated;
    point.rate = rate->rate;
    point.interval = rate->interval;
  } else {
    point.interval = wilson_interval(0, 0);
  }
  return point;
}

}  // namespace

std::vector<Curve> study_curves(const StudyResult& result) {
  std::vector<Curve> curves;
  if (!result.study.vary) return curves;
  const VaryOutline& vary = *result.study.vary;
  for (const std::string& check : result.study.checks) {
    std::size_t first = curves.size();
    for (const CellResult& cell : result.cells) {
      std::string design = design_of(cell.cell);
      auto it = std::find_if(curves.begin() + static_cast<std::ptrdiff_t>(first), curves.end(),
                             [&](const Curve& c) { return c.design == design; });
      if (it == curves.end()) {
        curves.push_back(Curve{vary.param, check, design, {}});
        it = curves.end() - 1;
      }
      it->points.push_back(point_of(vary, cell, check));
    }
  }
  return curves;
}

}  // namespace sim
