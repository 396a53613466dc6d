// The two RPCs of Figure 2, as messages over the simulated network.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/raft/types.hpp"
#include "sim/kernel/network.hpp"

namespace raft {

struct RequestVote final : sim::MessageBody {
  Term term = 0;
  sim::NodeId candidate = sim::no_node;
  Index last_log_index = 0;
  Term last_log_term = 0;
  std::string describe() const override;
};

struct VoteReply final : sim::MessageBody {
  Term term = 0;
  bool granted = false;
  std::string describe() const override;
};

struct AppendEntries final : sim::MessageBody {
  Term term = 0;
  sim::NodeId leader = sim::no_node;
  Index prev_log_index = 0;
  Term prev_log_term = 0;
  std::vector<Entry> entries;
  Index leader_commit = 0;
  std::string describe() const override;
};

struct AppendReply final : sim::MessageBody {
  Term term = 0;
  bool success = false;
  /// success: the last index known to match the leader's log (prev_log_index + entries).
  Index match_index = 0;
  /// failure: where the leader should try next (the follower's log end + 1 when it is short,
  /// else the first index of the conflicting term), so a lagging follower is found in a few
  /// round trips instead of one per entry.
  Index retry_index = 0;
  std::string describe() const override;
};

}  // namespace raft
