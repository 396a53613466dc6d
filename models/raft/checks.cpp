#include "models/raft/checks.hpp"

#include <fmt/format.h>

#include <utility>

namespace raft {

std::vector<std::string> check_election_safety(const RaftObservations& observations) {
  std::vector<std::string> violations;
  std::map<Term, const Elected*> leader_of;
  for (const Elected& e : observations.elections) {
    auto [it, first] = leader_of.emplace(e.term, &e);
    if (first) continue;
    violations.push_back(fmt::format("term {}: node {} elected at {}ns and node {} elected at {}ns", e.term,
                                     it->second->leader, it->second->at.ns(), e.leader, e.at.ns()));
  }
  return violations;
}

std::vector<std::string> check_state_machine_safety(const RaftObservations& observations) {
  std::vector<std::string> violations;
  std::map<Index, const Applied*> first_at;
  std::map<std::pair<sim::NodeId, std::uint32_t>, Index> last_of;  // per incarnation
  for (const Applied& a : observations.applied) {
    Index& last = last_of[{a.node, a.incarnation}];
    if (a.index != last + 1)
      violations.push_back(fmt::format("node {} (incarnation {}) applied {} after {}", a.node, a.incarnation,
                                       a.index, last));
    last = a.index;
    auto [it, first] = first_at.emplace(a.index, &a);
    if (first) continue;
    const Applied& b = *it->second;
    if (a.term != b.term || a.kind != b.kind || a.command != b.command)
      violations.push_back(fmt::format("index {}: node {} applied '{}'@{} but node {} applied '{}'@{}", a.index,
                                       b.node, b.command, b.term, a.node, a.command, a.term));
  }
  return violations;
}

std::map<Index, Applied> applied_log(const RaftObservations& observations) {
  std::map<Index, Applied> log;
  for (const Applied& a : observations.applied) log.emplace(a.index, a);
  return log;
}

}  // namespace raft
