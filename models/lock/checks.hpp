// The lock model's checkers, each on the recorded observations alone:
//   overlapping_holders   two clients believed they held the lock at the same true time
//                         (belief: from the grant to the release, the give-up or the crash);
//   stale_writes          the storage accepted a write from an older grant after one from a
//                         newer grant, in the lock service's order (INV-STORE: accepted writes
//                         are non-decreasing in that order);
//   lost_acknowledged_writes  a SET the lock's Redis acknowledged was lost (gone before the
//                         deadline its server set, not expired) by a restart or a failover while
//                         its client still believed the lock; for the consensus lock, a committed
//                         key deleted while its lease lived;
//   liveness              after the last fault, a waiting client acquires within the bound.
#pragma once

#include <string>
#include <vector>

#include "models/lock/record.hpp"
#include "models/model.hpp"

namespace lock {

const std::vector<std::string>& check_names();

struct OverlapCheck {
  sim::CheckResult run(const Observations& observations) const;
};

struct StaleWriteCheck {
  sim::CheckResult run(const Observations& observations) const;
};

struct LostWriteCheck {
  sim::CheckResult run(const Observations& observations) const;
};

/// Judged after the last fault, from what the run says its faults did.
struct LivenessCheck {
  sim::CheckResult run(const Observations& observations, const sim::FaultActivity& faults) const;
};

/// What became of a grant's keys, in one clause ("the key expired on redis-0 after its TTL"),
/// or "" when nothing was seen.
std::string fate_of(const Grant& grant);

}  // namespace lock
