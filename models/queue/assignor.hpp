// How the group coordinator spreads partitions over the members of a new generation. The range
// assignor (the eager protocol): each member a consecutive run. The cooperative-sticky assignor
// (Kafka's CooperativeStickyAssignor, KIP-429): a balanced assignment (each member P/M partitions
// or one more) in which each member keeps as many of the partitions it owns as its share allows;
// then a partition that would change owner goes to nobody in this generation: its owner revokes
// it and rejoins, and the next rebalance, in which nobody owns it, hands it to its new owner.
// Here the coordinator runs the assignor the group's leader would run (JoinGroup and SyncGroup
// are one round).
//
// Determinism: members and partitions by index; ties go to the lower index.
#pragma once

#include <map>
#include <vector>

namespace queue {

/// The range assignor: partitions in order, each member (by index) a consecutive run, the first
/// partitions % members members one more. The owner of each partition, -1 with no members.
std::vector<int> range_owners(const std::vector<int>& members, int partitions);

/// The sticky target: each of `members` (ascending) gets partitions / members partitions or one
/// more, keeping the lowest of those it `owned` (by member) up to that share; the rest go, in
/// order, first to members below the smaller share, then one each to members at it.
std::vector<int> sticky_owners(const std::vector<int>& members, const std::map<int, std::vector<int>>& owned,
                               int partitions);

struct CooperativeAssignment {
  std::vector<int> owner;     ///< by partition: its member in this generation, -1 for none
  std::vector<int> revoking;  ///< by partition: the member that still owns it and must revoke it, -1 for none
};

/// KIP-429's two rounds: the sticky target, except that a partition owned by another member
/// than its target is given to nobody until that member has revoked it.
CooperativeAssignment cooperative_owners(const std::vector<int>& members, const std::map<int, std::vector<int>>& owned,
                                         int partitions);

}  // namespace queue
