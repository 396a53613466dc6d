#include "models/raft/observations.hpp"

namespace raft {

void Recorder::on_elected(sim::NodeId node, Term term, sim::Instant at) {
  observations_.elections.push_back(Elected{term, node, at});
}

void Recorder::on_applied(sim::NodeId node, std::uint32_t incarnation, Index index, const Entry& entry,
                          const std::string&, sim::Instant at) {
  observations_.applied.push_back(Applied{node, incarnation, index, entry.term, entry.kind, entry.command, at});
}

}  // namespace raft
