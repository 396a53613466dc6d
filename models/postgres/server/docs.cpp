#include "models/postgres/server/docs.hpp"

#include "models/postgres/server/replication_options.hpp"

namespace postgres {

const std::vector<sim::OptionDoc>& option_docs() {
  static const std::vector<sim::OptionDoc> docs{
      {"max_connections", "backends the server admits; a client beyond them is refused with 53300"},
      {"superuser_reserved_connections",
       "the last connection slots, kept for superusers: an ordinary client finding only those free gets 53300"},
      {"cores", "statements run on this many cores at once; the others queue for one"},
      {"service_time", "a core's time per statement, so load queues"},
      {"lock_timeout", "a statement waiting this long for a lock fails with 55P03; 0 never"},
      {"statement_timeout",
       "a statement running this long since it reached the server (queueing and lock waits count) fails with "
       "57014; 0 never"},
      {"idle_in_transaction_session_timeout",
       "a session idle this long inside a transaction is ended (FATAL 25P03): its transaction aborts and its "
       "connection closes; 0 never"},
      {"deadlock_timeout", "how long a statement waits for a lock before the deadlock check runs (40P01)"},
      {"synchronous_commit",
       "on, local, remote_write, remote_apply: COMMIT answers once its WAL is flushed to the node's disk (and, "
       "with synchronous standbys, once they wrote, flushed or replayed it); off: at once, and a crash loses the "
       "commits the WAL writer had not flushed"},
      {"fsync_time", "how long one WAL flush (write and fsync) takes on the node's disk"},
      {"wal_writer_delay", "how often the WAL writer flushes asynchronous commits (synchronous_commit off)"},
  };
  return docs;
}

std::vector<sim::OptionDoc> option_docs_under(const std::string& prefix, const std::string& section) {
  std::vector<sim::OptionDoc> docs{{prefix.substr(0, prefix.size() - 1), section}};
  for (const sim::OptionDoc& doc : option_docs()) docs.push_back({prefix + doc.path, doc.text});
  return docs;
}

std::vector<sim::OptionDoc> replication_option_docs_under(const std::string& prefix) {
  static const std::vector<sim::OptionDoc> docs{
      {"standbys", "hot standbys postgres-2, ... streaming the primary's WAL; they serve reads of what they replayed"},
      {"synchronous_standby_names",
       "FIRST n (names), ANY n (names), a list (FIRST 1) or '*': the standbys a commit waits for at remote_write, on "
       "and remote_apply; empty: asynchronous"},
      {"wal_sender_timeout", "a walsender whose standby said nothing for this long ends"},
      {"wal_receiver_timeout", "a standby that received nothing for this long asks its primary again"},
      {"wal_receiver_status_interval", "a standby reports its write, flush and replay positions at least this often"},
      {"replay_time", "a standby's time to replay one commit record"},
      {"promote", "promotions by hand (pg_ctl promote); the other standbys are pointed at the new primary"},
      {"promote[].at", "when the operator promotes"},
      {"promote[].node", "the standby promoted"},
      {"patroni", "a failover manager as Patroni runs one: a leader key with a TTL on node dcs-1, an agent per server"},
      {"patroni.ttl", "the leader key's TTL: a standby may take the key this long after its last renewal"},
      {"patroni.loop_wait", "the agents' sleep between two runs of their loop"},
      {"patroni.retry_timeout", "how long an agent waits for the key service; a primary that gets no answer demotes"},
      {"patroni.maximum_lag_on_failover",
       "bytes of WAL a standby may be behind the leader's last published position and still take over"},
  };
  std::vector<sim::OptionDoc> under;
  for (const sim::OptionDoc& doc : docs) under.push_back({prefix + doc.path, doc.text});
  return under;
}

}  // namespace postgres
