// A Raft group's timing and batching options.
#pragma once

#include <cstddef>

#include "sim/kernel/time.hpp"

namespace raft {

struct RaftOptions {
  /// A follower that hears from no leader for a time drawn uniformly in
  /// [election_timeout_min, election_timeout_max] (on its monotonic clock) starts an election.
  /// 0 < min <= max; max - min spreads candidates apart so split votes stay rare (§5.2).
  sim::Duration election_timeout_min = sim::Duration::milliseconds(150);
  sim::Duration election_timeout_max = sim::Duration::milliseconds(300);
  /// How often a leader sends AppendEntries to an idle follower; well below the minimum
  /// election timeout.
  sim::Duration heartbeat_interval = sim::Duration::milliseconds(50);
  /// How long a RequestVote or AppendEntries call waits for its reply before it is resent.
  sim::Duration rpc_timeout = sim::Duration::milliseconds(100);
  /// Most entries in one AppendEntries; >= 1.
  std::size_t max_batch = 64;
  /// Beyond Figure 2, as etcd runs it (Raft thesis §6.2 and §4.2.3): a leader that has not
  /// heard back from a majority within election_timeout_min steps down, and a member that
  /// heard from a current leader within election_timeout_min ignores RequestVote. Together
  /// they bound how long a deposed leader can believe it leads, which leases rely on.
  bool check_quorum = false;
};

}  // namespace raft
