// The options of a simulated PostgreSQL server: one field per key of a scenario's `postgres:`
// section. Models that keep their truth in PostgreSQL embed the section in their own params and
// read it with read_postgres_options; the defaults are PostgreSQL 15's.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace postgres {

/// When COMMIT answers, as `synchronous_commit` says. The remote levels wait, after the local
/// flush, for the synchronous standbys that `synchronous_standby_names` names; with none named they
/// wait for the local flush only, as PostgreSQL does.
enum class SynchronousCommit {
  off,           ///< at once: the WAL writer flushes later, so a crash loses the last acknowledged commits
  local,         ///< once the commit's WAL is flushed to the node's disk
  remote_write,  ///< and the synchronous standby has written it (to its kernel)
  on,            ///< and the synchronous standby has flushed it to its disk
  remote_apply,  ///< and the synchronous standby has replayed it (its reads show it)
};
const char* to_string(SynchronousCommit mode);

/// `synchronous_standby_names`, parsed: `FIRST n (a, b, ...)`, `ANY n (a, b, ...)`, `n (a, ...)`
/// (FIRST) or a plain list `a, b` (FIRST 1). A name is a standby's node name or `*` (any standby).
/// Empty (the default): no synchronous standby, every standby is asynchronous.
struct SynchronousStandbys {
  enum class Method { first, any };
  Method method = Method::first;
  int count = 0;  ///< standbys a commit waits for; 0: none named
  std::vector<std::string> names;
  /// The position of `standby` in the list (its priority, from 0), or -1 when it is not named.
  int priority(const std::string& standby) const;
  std::string describe() const;
  bool operator==(const SynchronousStandbys&) const = default;
};
/// Parses the setting's text; throws std::invalid_argument with what is wrong.
SynchronousStandbys parse_synchronous_standby_names(const std::string& text);

/// `patroni:` a failover manager as Patroni runs one: an agent next to each server and a leader
/// key with a TTL in a key service (the DCS, node `dcs-1`). Defaults are Patroni's.
struct PatroniOptions {
  bool enabled = false;                                     ///< the section is present
  sim::Duration ttl = sim::Duration::seconds(30);            ///< `ttl`: the leader key's TTL, >= 2 s
  sim::Duration loop_wait = sim::Duration::seconds(10);      ///< `loop_wait`: the agents' sleep between loops
  sim::Duration retry_timeout = sim::Duration::seconds(10);  ///< `retry_timeout`: a DCS call's patience
  /// `maximum_lag_on_failover`: bytes of WAL a standby may be behind the leader's last published
  /// position and still take the key (1 MiB). Bytes are those of the model's WAL records.
  std::uint64_t maximum_lag_on_failover = 1 << 20;
};

/// `promote:` an operator's `pg_ctl promote` of a standby at a time.
struct Promotion {
  sim::Duration at;
  std::string node;
};

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

  // --- replication ------------------------------------------------------------------------
  /// `standbys`: hot standbys streaming from the primary, nodes <prefix>-2 ... 0..8, default 0.
  int standbys = 0;
  /// `synchronous_standby_names` (see SynchronousStandbys). Every server has the same setting.
  SynchronousStandbys synchronous_standby_names;
  /// `wal_sender_timeout`: a walsender whose standby said nothing for this long ends (60 s).
  sim::Duration wal_sender_timeout = sim::Duration::seconds(60);
  /// `wal_receiver_timeout`: a standby that received nothing for this long asks again (60 s).
  sim::Duration wal_receiver_timeout = sim::Duration::seconds(60);
  /// `wal_receiver_status_interval`: a standby reports its positions at least this often (10 s).
  sim::Duration wal_receiver_status_interval = sim::Duration::seconds(10);
  /// `replay_time`: a standby's time to replay one commit record (not a setting of PostgreSQL's:
  /// the startup process's work). Default 20 us.
  sim::DurationDist replay_time = sim::DurationDist::constant(sim::Duration::microseconds(20));
  std::vector<Promotion> promote;  ///< `promote: [{at, node}]`
  PatroniOptions patroni;          ///< `patroni: {ttl, loop_wait, retry_timeout, maximum_lag_on_failover}`
};

/// Reads the `postgres:` section and checks it, unknown keys included (pass the reader of that
/// section). Throws ScenarioError at the key.
ServerOptions read_postgres_options(sim::ParamReader& section);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const ServerOptions& options);

}  // namespace postgres
