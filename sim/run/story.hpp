// The story of the first violation, in plain sentences, told from the trace: the conditions the
// model names as causes (a clock configured ahead), which fault came before it, what the nodes
// involved did between the fault and the violation, which check broke and how, and what would
// have prevented it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/trace.hpp"
#include "sim/results/run_result.hpp"

namespace sim {

/// `moments`, when given, receives the time of each sentence that tells of one moment, by the
/// sentence's index in the story (what the space-time diagram writes beside that moment).
std::vector<std::string> tell_story(const RunResult& result, const std::vector<TraceRecord>& trace,
                                    const std::vector<std::string>& node_names, const std::string& prevention,
                                    const std::vector<std::string>& causes = {},
                                    std::vector<std::pair<std::size_t, Instant>>* moments = nullptr);

}  // namespace sim
