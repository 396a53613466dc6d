// The failover manager's agent on each server's node, as Patroni's HA loop runs: every
// loop_wait it publishes the server's WAL position to the key service (dcs.hpp) and
//   - on a primary, updates the leader key; when that fails (no answer within retry_timeout,
//     or the key is someone else's) it demotes the server (Server::demote);
//   - on a standby, reads the key: held by another member, it streams from that member; held
//     by itself (a restart within the TTL), it promotes; free (expired), it takes the key and
//     promotes when it is the healthiest member: no live member published a position ahead of
//     its own, and it is at most maximum_lag_on_failover bytes behind the leader's last
//     published position.
// So an old primary cut off from the key service keeps serving the clients that reach it until
// its next loop's update fails: up to loop_wait + retry_timeout after its last update (20 s
// with Patroni's defaults), while the key expires ttl after that update (30 s) and only then
// can a standby take over. A paused or slow-clocked primary stretches its own window.
//
// The agent is part of the node's process here (Patroni is a process of its own beside
// PostgreSQL): a crash of the node ends both, and a restart starts both, the server read-only.
//
// Determinism: one coroutine per node; timers on the node's monotonic clock.
#pragma once

#include <memory>

#include "models/postgres/server/shared.hpp"
#include "sim/kernel/timer.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

/// Starts the agent of the server on `node` (call from the node's boot code, after the server).
void start_patroni(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared);

}  // namespace postgres
