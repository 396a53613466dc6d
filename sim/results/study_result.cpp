#include "sim/results/study_result.hpp"

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
