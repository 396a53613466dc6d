// What a Raft node lets the outside watch, so checkers (and the lock model's story of a run)
// can judge it without the node judging itself.
#pragma once

#include <cstdint>
#include <string>

#include "models/raft/types.hpp"
#include "sim/kernel/event.hpp"
#include "sim/kernel/time.hpp"

namespace raft {

class Observer {
public:
  virtual ~Observer() = default;
  /// `node` won the election of `term` (it counts a majority of votes, its own included).
  virtual void on_elected(sim::NodeId node, Term term, sim::Instant at) = 0;
  /// `node` applied `entry` at `index` (no-ops included), in its incarnation `incarnation`;
  /// `result` is the state machine's answer (empty for a no-op).
  virtual void on_applied(sim::NodeId node, std::uint32_t incarnation, Index index, const Entry& entry,
                          const std::string& result, sim::Instant at) = 0;
};

}  // namespace raft
