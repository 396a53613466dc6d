#include "models/snowflake/recorder.hpp"

#include <algorithm>

#include "models/snowflake/id_layout.hpp"
#include "sim/kernel/assert.hpp"

namespace snowflake {

const char* to_string(FailureKind kind) {
  return kind == FailureKind::clock_backwards ? "clock_backwards" : "unavailable";
}

namespace {

// About how many ids the run will issue: each node's offered rate, capped at its ceiling, over
// the run. Reserving it spares the growing vector its copies.
std::size_t expected_ids(const SnowflakeOptions& options, sim::Duration length) {
  __int128 total = 0;
  for (int i = 0; i < options.node_count; ++i) {
    sim::Rate rate = options.rate_of(i);
    __int128 offered = static_cast<__int128>(rate.count) * length.ns() / rate.per.ns();
    __int128 ceiling = static_cast<__int128>(ids_per_ms_ceiling) * (length.ms() + 1);
    total += std::min(offered, ceiling);
  }
  constexpr __int128 reserve_max = 50'000'000;
  return static_cast<std::size_t>(std::min(total + total / 50, reserve_max));
}

}  // namespace

Recorder::Recorder(sim::World& world, SnowflakeOptions options, std::vector<sim::NodeId> nodes, sim::Duration length)
    : world_(world), options_(std::move(options)), nodes_(std::move(nodes)) {
  observations_.length = length;
  observations_.issued.reserve(expected_ids(options_, length));
  observations_.nodes.resize(nodes_.size());
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    observations_.nodes[i].name = world_.node(nodes_[i]).name();
    observations_.nodes[i].node_id = options_.node_ids[i];
  }
}

void Recorder::record_issue(std::uint32_t index, const Request& request, const Attempt& attempt) {
  if (closed_) return;
  sim::Instant now = world_.now();
  SIM_ASSERT(request.index <= UINT32_MAX, "more than 2^32 requests in one run");
  observations_.issued.push_back(IssuedId{attempt.id, now, index, static_cast<std::uint32_t>(request.index)});
  NodeTally& node = observations_.nodes[index];
  ++node.issued;
  if (attempt.logical) ++node.logical_ids;
  world_.record_latency(generate_latency, now - request.arrived + options_.service_time);
  world_.trace().fold(now, nodes_[index], "snowflake.id", attempt.id, attempt.sequence);
}

void Recorder::record_failure(std::uint32_t index, const Request& request, FailureKind kind, std::int64_t behind_ms) {
  if (closed_) return;
  sim::Instant now = world_.now();
  observations_.failed.push_back(FailedRequest{now, index, kind, behind_ms, request.index});
  ++observations_.nodes[index].failed;
  sim::NodeId node = nodes_[index];
  std::string error = kind == FailureKind::clock_backwards
                          ? "clock moved backwards by " + std::to_string(behind_ms) + " ms"
                          : std::string("unavailable");
  sim::History& history = world_.history();
  history.fail(history.invoke(request.arrived, node, "generate", static_cast<std::int64_t>(request.index)), now,
               std::move(error));
  world_.trace().fold(now, node,
                      kind == FailureKind::clock_backwards ? "snowflake.fail_backwards" : "snowflake.fail_unavailable",
                      behind_ms, static_cast<std::int64_t>(request.index));
}

void Recorder::note(std::uint32_t index, std::string_view kind, const std::string& detail) {
  if (closed_) return;
  world_.trace().record(world_.now(), nodes_[index], kind, detail);
}

}  // namespace snowflake
