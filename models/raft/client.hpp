// A client of a Raft group: proposes a command to the node it believes leads, follows the
// leader hints it gets back, and tries the next member after a timeout, until a deadline.
//
// Fault model: a timeout or a lost leadership leaves the outcome unknown (the entry may still
// commit); only a "committed" answer is an acknowledgement.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/raft/proposal.hpp"
#include "sim/kernel/timer.hpp"

namespace raft {

struct ClientOptions {
  sim::Duration attempt_timeout = sim::Duration::milliseconds(500);  ///< per request; > 0
  sim::Duration retry_delay = sim::Duration::milliseconds(20);       ///< before trying another member
};

/// How a client's proposal ended.
struct ClientOutcome {
  bool committed = false;
  Index index = 0;
  Term term = 0;
  std::string result;
  int attempts = 0;
};

class Client {
public:
  Client(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, ClientOptions options = {});

  /// Proposes until committed or until `patience` has passed on this node's monotonic clock.
  /// Must run on this client's node.
  sim::Task<ClientOutcome> propose(std::string command, sim::Duration patience);

private:
  sim::NodeId next_target();

  sim::World& world_;
  sim::NodeId self_;
  std::vector<sim::NodeId> members_;
  ClientOptions options_;
  std::optional<sim::NodeId> guess_;
  std::size_t rotation_ = 0;
};

}  // namespace raft
