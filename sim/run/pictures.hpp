// What a run gathers for its pictures (results/pictures.hpp): latency percentiles per interval
// while it runs, and, once it knows its first violation, the messages and events of a window
// around it, from a replay of the same seed up to the window's end (the packets of the hot
// path are folded into the trace hash only, so the first pass cannot keep them all).
//
// Determinism: the replay is the same run (same scenario, seed and binary) stopped earlier, so
// it makes the same events in the same order; everything here is ordered by time, then by the
// trace's order, and cut by fixed limits.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/histogram.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/kernel/world.hpp"
#include "sim/results/run_result.hpp"

namespace sim {

/// Latency percentiles per interval of true time, as the World files them.
class LatencySeriesRecorder final : public LatencyWatcher {
public:
  explicit LatencySeriesRecorder(Duration interval) : interval_(interval) {}
  void latency(std::string_view name, Instant end, Duration latency) override;
  std::vector<LatencySeries> series() const;

private:
  Duration interval_;
  std::map<std::string, std::map<std::int64_t, Histogram>, std::less<>> histograms_;
};

/// About a hundredth of a run of `length`, rounded up to 1, 2 or 5 times a power of ten, and at
/// least a millisecond: the width of one point of the latency series.
Duration series_interval(Duration length);

/// The window drawn around the first violation: from a little before the earliest of the last
/// three faults before it (or a tenth of the time before it, when no fault came first) to a
/// little after it. Absent when every check held.
std::optional<std::pair<Instant, Instant>> violation_window(const RunResult& result);

/// The messages and events a replay kept in [from, to] (Trace::keep_window), the messages and
/// the events nearest `focus` first when there are more than a drawing holds.
Timeline timeline_of(const Trace& trace, Instant from, Instant to, Instant focus,
                     const std::vector<std::string>& node_names);

/// The World's nodes as lanes, in node order.
std::vector<NodeLane> node_lanes(const World& world);

/// Records kept by a replay for a window: at most this many packets (the latest) and records.
inline constexpr std::size_t window_fold_limit = 200'000;

}  // namespace sim
