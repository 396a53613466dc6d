// What a Raft group's members did, as its checkers read it: every election won and every
// entry applied, in event order. The Recorder is the Observer that writes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/raft/observer.hpp"

namespace raft {

struct Elected {
  Term term = 0;
  sim::NodeId leader = sim::no_node;
  sim::Instant at;
};

struct Applied {
  sim::NodeId node = sim::no_node;
  std::uint32_t incarnation = 0;
  Index index = 0;
  Term term = 0;
  EntryKind kind = EntryKind::command;
  std::string command;
  sim::Instant at;
};

struct RaftObservations {
  std::vector<Elected> elections;
  std::vector<Applied> applied;
};

class Recorder final : public Observer {
public:
  void on_elected(sim::NodeId node, Term term, sim::Instant at) override;
  void on_applied(sim::NodeId node, std::uint32_t incarnation, Index index, const Entry& entry,
                  const std::string& result, sim::Instant at) override;
  const RaftObservations& observations() const { return observations_; }

private:
  RaftObservations observations_;
};

}  // namespace raft
