// A hot standby's walreceiver and startup process: it asks its primary to stream
// (StartReplication), writes what arrives to its disk at once (its kernel: the point
// remote_write waits for), flushes it (fsync_time: the point `on` waits for), then replays the
// flushed records one at a time, each taking a sample of replay_time (the point remote_apply
// waits for, and what its readers see). After each step it sends the primary its positions,
// and at least every wal_receiver_status_interval.
//
// Fault model: a batch that does not follow what was written (one was lost) is dropped and the
// stream asked for again from the last record written; so is a stream silent for
// wal_receiver_timeout. A primary whose history left this standby's timeline before what it
// wrote refuses it: the standby stays where it is (pg_rewind is not modelled). A crash loses
// what was written and not flushed only for a machine crash (the kernel's Disk).
//
// Determinism: one random stream ("postgres/<node>/replay"); timers on the node's monotonic clock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "models/postgres/server/options.hpp"
#include "models/postgres/server/replication_messages.hpp"
#include "models/postgres/server/timeline.hpp"
#include "models/postgres/server/wal.hpp"
#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

class WalReceiver {
public:
  /// `replay(lsn)` applies record lsn (read from the disk) to the server's engine.
  WalReceiver(sim::World& world, sim::NodeId self, const ServerOptions& options, Timelines& timelines, Wal& wal,
              std::function<void(std::uint64_t)> replay);

  /// Streams from `primary` from now on (no_node: from nobody), asking at once.
  void follow(sim::NodeId primary);
  void on_data(sim::NodeId from, const WalData& data);
  /// The local flush of the received records ended up to `lsn`.
  void on_flushed(std::uint64_t lsn);
  /// The periodic check: the status update, the receiver timeout.
  void tick();
  /// Promotion: stops streaming and replays at once every record written.
  void finish_recovery();
  /// Demotion: a server that was promoted streams again (from nobody until told whom to follow).
  void resume();

  sim::NodeId primary() const { return primary_; }
  std::uint64_t applied() const { return applied_; }
  bool refused() const { return refused_; }

private:
  void ask();
  void send_status();
  void replay_next();
  sim::MonoTime mono_now() const;

  sim::World& world_;
  sim::NodeId self_;
  std::uint32_t incarnation_;
  const ServerOptions& options_;
  Timelines& timelines_;
  Wal& wal_;
  std::function<void(std::uint64_t)> replay_;
  sim::Rng replay_rng_;
  sim::NodeId primary_ = sim::no_node;
  std::uint64_t applied_ = 0;
  bool replaying_ = false;
  bool refused_ = false;
  bool stopped_ = false;
  sim::MonoTime last_received_;
  sim::MonoTime last_status_;
};

}  // namespace postgres
