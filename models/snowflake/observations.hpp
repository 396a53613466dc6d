// What the Snowflake model saw during a run, in compact records, for its checkers. The model
// writes these and never reads them back; the checkers read only these.
//
// Determinism: records are appended in event order, so issue order is true-time order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/time.hpp"

namespace snowflake {

/// One id handed to a client.
struct IssuedId {
  std::int64_t id = 0;
  sim::Instant at;            ///< true time of issue
  std::uint32_t node = 0;     ///< node index (gen-N)
  std::uint32_t request = 0;  ///< request index, in arrival order over all nodes
};

enum class FailureKind : std::uint8_t {
  clock_backwards,  ///< the generator refused: its clock was behind last_timestamp
  unavailable,      ///< the node was down when the request came, or crashed holding it
};
const char* to_string(FailureKind kind);

/// One request that got no id.
struct FailedRequest {
  sim::Instant at;  ///< true time of the failure
  std::uint32_t node = 0;
  FailureKind kind = FailureKind::unavailable;
  std::int64_t behind_ms = 0;  ///< clock_backwards: how far behind last_timestamp
  std::uint64_t request = 0;
};

/// Figures of one generator node.
struct NodeTally {
  std::string name;
  std::int64_t node_id = 0;
  std::uint64_t requests = 0;
  std::uint64_t issued = 0;
  std::uint64_t failed = 0;
  std::uint64_t waits_next_millisecond = 0;  ///< sequence exhausted: busy until the next ms
  std::uint64_t waits_clock_behind = 0;      ///< on_backwards: wait
  std::uint64_t logical_ids = 0;             ///< ids stamped ahead of the wall clock
  std::uint64_t mark_syncs = 0;              ///< persisted high-water marks written and synced
  std::uint64_t queued_at_end = 0;           ///< requests still waiting when the run ended
  sim::Duration wall_offset_end;             ///< wall clock minus true wall time, at the end
};

struct Observations {
  std::vector<IssuedId> issued;  ///< in issue order
  std::vector<FailedRequest> failed;
  std::vector<NodeTally> nodes;  ///< by node index
  sim::Duration length;          ///< the scenario's duration, for rates
};

}  // namespace snowflake
