// The options of a simulated PostgreSQL server: one field per key of a scenario's `postgres:`
// section. Models that keep their truth in PostgreSQL embed the section in their own params and
// read it with read_postgres_options; the defaults are PostgreSQL 15's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace postgres {

/// When COMMIT answers, as `synchronous_commit` says. The model has no standbys yet, so every value
/// but off waits for the local flush only, as PostgreSQL does without a synchronous standby.
enum class SynchronousCommit {
  off,           ///< at once: the WAL writer flushes later, so a crash loses the last acknowledged commits
  local,         ///< once the commit's WAL is flushed to the node's disk
  remote_write,  ///< and the synchronous standby has written it (to its kernel)
  on,            ///< and the synchronous standby has flushed it to its disk
  remote_apply,  ///< and the synchronous standby has replayed it (its reads show it)
};
const char* to_string(SynchronousCommit mode);

struct ServerOptions {
  /// `max_connections`: backends the server admits (PostgreSQL's default 100). 1..10000.
  int max_connections = 100;
  /// `superuser_reserved_connections`: the last slots, kept for superusers; an ordinary client
  /// finding only those free is refused (53300). 0..max_connections-1, default 3.
  int superuser_reserved_connections = 3;
  /// `cores`: statements run on this many cores at once; the rest queue for one. 1..1024.
  int cores = 4;
  /// `service_time`: a core's time per statement. Default 50 us.
  sim::DurationDist service_time = sim::DurationDist::constant(sim::Duration::microseconds(50));
  /// `lock_timeout`: a statement waiting this long for one lock fails with 55P03. 0: never.
  sim::Duration lock_timeout = sim::Duration::zero();
  /// `statement_timeout`: a statement running this long since it reached the server (queueing
  /// and lock waits included) fails with 57014. 0: never.
  sim::Duration statement_timeout = sim::Duration::zero();
  /// `idle_in_transaction_session_timeout`: a session idle this long inside a transaction is
  /// ended (25P03, FATAL: its connection is closed and its transaction aborted). 0: never.
  sim::Duration idle_in_transaction_session_timeout = sim::Duration::zero();
  /// `deadlock_timeout`: how long a statement waits for a lock before the deadlock check runs.
  sim::Duration deadlock_timeout = sim::Duration::seconds(1);
  /// `synchronous_commit`: off | local | remote_write | on | remote_apply.
  SynchronousCommit synchronous_commit = SynchronousCommit::on;
  /// `fsync_time`: how long one WAL flush (write and fsync) takes on the node's disk.
  sim::DurationDist fsync_time = sim::DurationDist::constant(sim::Duration::milliseconds(1));
  /// `wal_writer_delay`: the WAL writer's sleep between flushes of asynchronous commits.
  /// PostgreSQL's range 1 ms..10 s, default 200 ms.
  sim::Duration wal_writer_delay = sim::Duration::milliseconds(200);
};

/// Reads the `postgres:` section and checks it, unknown keys included (pass the reader of that
/// section). Throws ScenarioError at the key.
ServerOptions read_postgres_options(sim::ParamReader& section);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const ServerOptions& options);

}  // namespace postgres
