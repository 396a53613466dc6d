// The primary's walsenders: one per standby that asked to stream (StartReplication), each
// sending the records this server has flushed, read back from its disk, as soon as a flush ends
// (so a standby never holds a record its primary could still lose, and under synchronous_commit
// off it gets the WAL writer's batches). The lag a standby shows is the sender's batching plus
// the link's latency and the standby's own write, flush and replay.
//
// Synchronous replication: of the standbys streaming, synchronous_standby_names picks the
// synchronous ones (FIRST n: the n named with the highest priority, ties in node order; ANY n:
// a quorum of any n named), and synchronous_position says how far all of them have gone at a
// level: a commit waits until it is there. With fewer than n streaming, nothing moves, so a
// commit waits until a standby comes back, as PostgreSQL's does.
//
// Fault model: a record a standby has not confirmed within resend_after of its sending is sent
// again (as TCP retransmits); a standby silent for wal_sender_timeout is dropped.
//
// Determinism: standbys in an ordered map by node; timers on the node's monotonic clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "models/postgres/server/options.hpp"
#include "models/postgres/server/replication_messages.hpp"
#include "models/postgres/server/timeline.hpp"
#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

class WalSenders {
public:
  /// How long a sent record may go unconfirmed before it is sent again.
  static constexpr sim::Duration resend_after = sim::Duration::seconds(1);

  struct Standby {
    std::uint64_t sent = 0;  ///< the last record sent
    std::uint64_t written = 0, flushed = 0, applied = 0;
    sim::MonoTime last_heard;
    sim::MonoTime last_sent;
  };

  WalSenders(sim::World& world, sim::NodeId self, const ServerOptions& options, const Timelines& timelines);

  void on_start(sim::NodeId standby, const StartReplication& start, std::uint64_t flushed);
  /// True when the standby's positions moved.
  bool on_status(sim::NodeId standby, const StandbyStatus& status);
  /// A local flush ended: sends every standby what it has not been sent.
  void on_flushed(std::uint64_t flushed);
  /// The periodic check: drops silent standbys, sends again what went unconfirmed.
  void check(std::uint64_t flushed);
  /// How far every synchronous standby has gone at `level` (written, flushed or replayed);
  /// 0 when fewer than synchronous_standby_names asks for are streaming.
  std::uint64_t synchronous_position(SynchronousCommit level) const;
  bool waits_for_standbys(SynchronousCommit level) const;

  const std::map<sim::NodeId, Standby>& standbys() const { return standbys_; }

private:
  void send(sim::NodeId node, Standby& standby, std::uint64_t flushed);
  sim::MonoTime mono_now() const;

  sim::World& world_;
  sim::NodeId self_;
  const ServerOptions& options_;
  const Timelines& timelines_;
  std::map<sim::NodeId, Standby> standbys_;
};

}  // namespace postgres
