// The pictures' data in report.json ("pictures"): nodes, the window around the first
// violation, story moments, latency series and coarse histograms, and the model's intervals
// and plots. report.html is drawn from this alone.
//
// Determinism: arrays in the order the run gathered them; times as integer nanoseconds;
// doubles rounded as everywhere in the JSON report.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/results/run_result.hpp"

namespace sim {

/// The "pictures" object of a run that gathered them (RunResult::pictures set).
nlohmann::ordered_json pictures_to_json(const RunResult& result);

/// A histogram's buckets merged to at most 8 per power of two, as [low_ns, high_ns, count].
nlohmann::ordered_json coarse_histogram_json(const std::vector<HistogramBucket>& buckets);

}  // namespace sim
