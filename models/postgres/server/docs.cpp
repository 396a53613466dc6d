#include "models/postgres/server/docs.hpp"

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
       "on (and local, remote_write, remote_apply, the same without standbys): COMMIT answers once its WAL is "
       "flushed to the node's disk; off: at once, and a crash loses the "
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

}  // namespace postgres
