// Lease deadlines, kept in memory by every member but enforced only by the leader, on the
// leader's own monotonic clock, as etcd's lessor does. When a member becomes leader it pushes
// every lease's deadline out to a full TTL from now ("promote"), since it cannot know how long
// ago the old leader last renewed them; so a leader change lengthens leases, never shortens
// them. Keep-alives renew on the leader only and are not replicated.
//
// Fault model: nothing here is durable. A pause of the leader freezes its clock checks; its
// clock drifting fast expires leases early in true time, drifting slow expires them late.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "models/etcd/state.hpp"
#include "sim/kernel/clock_reading.hpp"

namespace etcd {

class Lessor {
public:
  /// A lease was granted (applied): its deadline is a full TTL from `now_mono`.
  void on_granted(LeaseId lease, sim::Duration ttl, sim::MonoTime now_mono);
  void on_revoked(LeaseId lease);
  /// This member just became leader: every lease gets a full TTL from now.
  void promote(const LockState& state, sim::MonoTime now_mono);
  /// Renews `lease` to a full TTL from now; false when the state has no such lease.
  bool renew(const LockState& state, LeaseId lease, sim::MonoTime now_mono);
  /// Leases past their deadline that no revocation is under way for; marks them under way.
  std::vector<LeaseId> take_expired(sim::MonoTime now_mono);
  /// The revocation of `lease` ended (committed or not); it may be tried again.
  void revocation_done(LeaseId lease) { revoking_.erase(lease); }

  std::optional<sim::MonoTime> deadline(LeaseId lease) const;

private:
  std::map<LeaseId, sim::MonoTime> deadline_;  // on the leader's monotonic clock
  std::set<LeaseId> revoking_;
};

}  // namespace etcd
