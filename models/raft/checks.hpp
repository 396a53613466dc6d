// Raft's safety properties (Figure 3 of the paper), judged from a group's observations alone.
// Each check returns its violations as sentences; none means it held.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/raft/observations.hpp"

namespace raft {

/// Election Safety: at most one leader is elected in a term.
std::vector<std::string> check_election_safety(const RaftObservations& observations);

/// State Machine Safety: no two nodes apply different entries at one index; and each
/// incarnation of a node applies indexes 1, 2, 3, ... in order, each once.
std::vector<std::string> check_state_machine_safety(const RaftObservations& observations);

/// The entry each index ended up with, as the nodes applied it (the first seen wins; the
/// check above says whether any node disagreed).
std::map<Index, Applied> applied_log(const RaftObservations& observations);

}  // namespace raft
