// What the pictures of a run draw (report.html), gathered by the run layer and written into
// report.json first, so that the HTML is built from the JSON alone: the nodes as lanes, the
// messages, events and story moments of a window around the first violation, latency
// percentiles per interval, and what a model adds (intervals such as lock beliefs, and plots).
//
// Determinism: plain values in vectors, in the order the trace or the model produced them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/time.hpp"

namespace sim {

/// A node of the run: one lane of the space-time diagram.
struct NodeLane {
  std::string name;
  std::vector<std::string> roles;
};

/// A message between two nodes, from its send to its delivery; a lost one has no delivery.
struct MessageArrow {
  std::uint64_t id = 0;
  std::string from;
  std::string to;
  Instant sent;
  std::optional<Instant> delivered;
  std::string lost;  ///< why it was lost ("lost", "partitioned in flight", …); "" when delivered
};

/// A recorded event of a node inside the window (a grant, a restart, a clock step, …).
struct LaneEvent {
  Instant at;
  std::string node;  ///< "" for the world
  std::string kind;
  std::string detail;
};

/// A span of a node's state a model knows (client-1 believed it held the lock from .. to).
struct LaneInterval {
  std::string node;
  Instant from;
  Instant to;
  std::string label;  ///< "holds the lock (token 34)"
};

/// The window drawn around the first violation and what happened in it.
struct Timeline {
  Instant from;
  Instant to;
  std::vector<MessageArrow> messages;
  std::uint64_t messages_left_out = 0;  ///< sent in the window but past the drawing's limit
  std::vector<LaneEvent> events;
  std::uint64_t events_left_out = 0;
};

/// Latency percentiles of the samples that ended in [start, start + interval).
struct SeriesPoint {
  Instant start;
  std::uint64_t count = 0;
  std::int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;
};

struct LatencySeries {
  std::string name;
  Duration interval;
  std::vector<SeriesPoint> points;  ///< intervals with samples only
};

/// A model's own chart: lines of (x, y) points, with an optional limit drawn across.
struct PlotLine {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

struct Plot {
  std::string title;
  std::string x_label;  ///< with its unit: "true time (s)"
  std::string y_label;
  std::vector<PlotLine> lines;
  std::optional<double> limit;
  std::string limit_label;
  std::optional<double> mark_x;  ///< a moment to mark (the clock step)
  std::string mark_label;
};

/// Everything the pictures need beyond what a report already holds.
struct Pictures {
  std::vector<NodeLane> nodes;
  std::optional<Timeline> timeline;  ///< absent when every check held
  /// The time of each story sentence that tells of one moment, by its index in the story.
  std::vector<std::pair<std::size_t, Instant>> story_moments;
  std::vector<LatencySeries> latency_series;
  std::vector<LaneInterval> intervals;
  std::vector<Plot> plots;
};

}  // namespace sim
