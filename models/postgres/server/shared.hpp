// What a deployment's servers share and what outlives a server process: the options, the
// schema the design declared (created with its first rows before the run, as a migration would,
// so durable from the start), and each server's figures (kept across crashes for the report).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/postgres/value.hpp"
#include "sim/kernel/event.hpp"

namespace postgres {

struct ServerStats {
  std::uint64_t boots = 0;
  std::uint64_t statements = 0;         ///< statements run (cancelled ones included)
  std::uint64_t connections = 0;        ///< backends started
  std::uint64_t refused = 0;            ///< connections refused for want of a slot (53300)
  std::uint64_t statement_timeouts = 0;
  std::uint64_t lock_timeouts = 0;
  std::uint64_t deadlocks = 0;
  std::uint64_t idle_timeouts = 0;      ///< sessions ended by idle_in_transaction_session_timeout
  std::uint64_t commits_logged = 0;     ///< WAL commit records appended
  std::uint64_t flushes = 0;            ///< WAL flushes (fsyncs)
  std::uint64_t replayed = 0;           ///< records replayed by the last recovery
  std::size_t queue_peak = 0;           ///< statements waiting for a core, at most
  std::size_t backends_peak = 0;
  std::uint64_t promotions = 0;
  std::uint64_t demotions = 0;
};

struct Shared {
  ServerOptions options;
  std::vector<TableSchema> tables;
  std::vector<std::pair<std::string, std::vector<Row>>> initial_rows;
  std::map<sim::NodeId, ServerStats> stats;
  std::vector<sim::NodeId> servers;               ///< every server, the first primary first
  std::map<sim::NodeId, sim::NodeId> standby_of;  ///< a standby -> the primary it starts streaming from
  sim::NodeId dcs = sim::no_node;                 ///< the failover manager's key service, if any
};

}  // namespace postgres
