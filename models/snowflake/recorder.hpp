// The Snowflake run's shared record keeper: the generator processes and the load driver write
// every issued id and failed request through it into the Observations, the trace, the latency
// metrics and (failures only) the history.
//
// Ownership: held by shared pointer by the model, by each node's boot code and by each running
// process, so it outlives whichever of the model and the World is destroyed first.
//
// History: an issued id is a compact IssuedId record (a run issues millions; the history keeps
// text per operation); a failed request is a Jepsen-style invoke + fail in the World's history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/snowflake/generator.hpp"
#include "models/snowflake/observations.hpp"
#include "models/snowflake/options.hpp"
#include "sim/kernel/world.hpp"

namespace snowflake {

inline constexpr std::string_view generate_latency = "generate_latency";

/// A client's request for one id.
struct Request {
  std::uint64_t index = 0;
  sim::Instant arrived;
};

class Recorder {
public:
  Recorder(sim::World& world, SnowflakeOptions options, std::vector<sim::NodeId> nodes, sim::Duration length);

  sim::World& world() const { return world_; }
  const SnowflakeOptions& options() const { return options_; }
  sim::NodeId node_id(std::uint32_t index) const { return nodes_[index]; }
  std::uint32_t node_count() const { return static_cast<std::uint32_t>(nodes_.size()); }
  NodeTally& tally(std::uint32_t index) { return observations_.nodes[index]; }
  const Observations& observations() const { return observations_; }
  Observations& observations() { return observations_; }

  void record_issue(std::uint32_t index, const Request& request, const Attempt& attempt);
  void record_failure(std::uint32_t index, const Request& request, FailureKind kind, std::int64_t behind_ms);
  /// Text for the trace: notable events only (a clock error, a wait for the clock, a boot).
  void note(std::uint32_t index, std::string_view kind, const std::string& detail);

  /// After the model has judged the run nothing more is recorded (the World's teardown drops
  /// the processes, and with them their queues).
  void close() { closed_ = true; }

private:
  sim::World& world_;
  SnowflakeOptions options_;
  std::vector<sim::NodeId> nodes_;
  Observations observations_;
  bool closed_ = false;
};

}  // namespace snowflake
