// Leader election among the scheduler nodes, three ways (options.hpp, Election). Each node
// calls step() every retry_period; between steps leads() says, by the node's own monotonic
// clock, whether it may still act as leader, and token() gives the fencing token its actions
// carry (0: none).
//   client_go  the lease record on the store: a candidate takes it once it has seen the record
//              unchanged for lease_duration on its own clock; the leader renews it every
//              retry_period and stops leading once renew_deadline has passed on its clock since
//              its last successful renewal began. No fencing ("does not guarantee that only
//              one client is acting as a leader").
//   etcd       a lease and a lock key in the etcd-like service (etcd/lock_client.hpp), renewed
//              every TTL/3; the key's create revision is the fencing token.
//   redis      SET key name NX PX lease_duration, renewed every retry_period by a
//              compare-and-pexpire script; valid for lease_duration from a renewal's send.
#pragma once

#include <cstdint>
#include <memory>

#include "models/scheduler/context.hpp"
#include "sim/kernel/timer.hpp"

namespace scheduler {

class LeaderElection {
public:
  virtual ~LeaderElection() = default;
  virtual sim::Task<void> step() = 0;
  virtual bool leads() const = 0;
  virtual std::int64_t token() const { return 0; }
  /// Where leading is a clock reading (etcd, redis): until when the node's monotonic clock lets
  /// it lead. Null where it is a flag the elector clears when it notices (client_go).
  virtual std::optional<sim::MonoTime> valid_until() const { return std::nullopt; }
};

std::unique_ptr<LeaderElection> make_election(Context& context, int index);

}  // namespace scheduler
