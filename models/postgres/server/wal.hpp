// A server's write-ahead log: commit records appended in commit order to the WAL buffers (the
// process's memory), written to the node's disk and fsynced by a flush. Positions (LSNs) count
// records from 1; record n lives on the disk as "postgres/wal/<n>".
//
// One flush at a time: it writes every record appended so far to the disk (the kernel's page
// cache), waits a sample of fsync_time, then syncs the disk; a flush asked for while one runs
// follows it and covers everything appended meanwhile (group commit).
//
// Fault model: a crash loses the buffers; a machine crash also loses what was written and not
// yet synced (the kernel's Disk); recovery reads records 1, 2, ... until the first missing.
//
// Determinism: one random stream ("postgres/<node>/fsync"); the flush runs on the node's
// monotonic clock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/postgres/wal_record.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

class Wal {
public:
  /// `on_flushed(lsn)`: a flush ended; every record up to lsn is on the disk for good.
  Wal(sim::World& world, sim::NodeId node, const ServerOptions& options, std::function<void(std::uint64_t)> on_flushed);

  /// The records the node's disk kept, in order, and the positions set after them.
  std::vector<CommitRecord> recover();
  /// Appends a record to the buffers; returns its position.
  std::uint64_t append(const CommitRecord& record);
  /// Asks for everything appended to be flushed.
  void flush();
  /// A standby's walreceiver: record `lsn` (the next), as the primary's disk holds it, written to
  /// this node's disk (its kernel) at once; flush() syncs it.
  void write_received(std::uint64_t lsn, std::string text);
  /// Bytes of WAL up to and including record `lsn` (the model's records, encoded).
  std::uint64_t bytes(std::uint64_t lsn) const { return lsn == 0 ? 0 : ends_.at(lsn - 1); }

  std::uint64_t appended() const { return appended_; }
  std::uint64_t flushed() const { return flushed_; }
  bool flushing() const { return flushing_; }

  static std::string disk_key(std::uint64_t lsn);

private:
  void start_flush();

  sim::World& world_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  const ServerOptions& options_;
  std::function<void(std::uint64_t)> on_flushed_;
  sim::Rng fsync_rng_;
  std::deque<std::pair<std::uint64_t, std::string>> buffers_;  ///< appended, not yet written
  std::vector<std::uint64_t> ends_;  ///< bytes up to each record, by position - 1
  std::uint64_t appended_ = 0;
  std::uint64_t flushed_ = 0;
  bool flushing_ = false;
  bool again_ = false;  ///< a flush was asked for while one ran
};

}  // namespace postgres
