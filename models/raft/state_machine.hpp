// What a Raft group replicates into: a deterministic state machine fed committed commands in
// log order. It lives in the node's volatile memory, so a restarted node rebuilds it by
// applying its log again from index 1 (this Raft keeps no snapshots).
#pragma once

#include <string>

#include "models/raft/types.hpp"

namespace raft {

class StateMachine {
public:
  virtual ~StateMachine() = default;
  /// Applies the committed command at `index` (called once per index per incarnation, in
  /// order, with no gaps; no-ops are skipped). Returns the reply for the proposer. Must not
  /// call back into the Raft node.
  virtual std::string apply(Index index, const std::string& command) = 0;
};

}  // namespace raft
