// A PostgreSQL connection through libpq's asynchronous interface, for the conformance harness:
// a statement is sent (PQsendQuery) and its result collected later (PQconsumeInput, PQisBusy,
// PQgetResult), so that several sessions can have a statement under way at once and the harness
// can ask the server, on a connection of its own, which of them wait for a lock.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "conform/resp_client.hpp"

struct pg_conn;

namespace conform {

/// The server could not be reached, refused us, or a connection broke.
struct PgConnectError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What one statement gave back: its SQLSTATE ("00000" when it succeeded) and its rows, each as
/// "(v1,v2,...)" with values as psql prints them (NULL as an empty string).
struct PgResult {
  std::string sqlstate = "00000";
  std::string message;
  std::vector<std::string> rows;
};

struct PgLogin {
  std::string user = "postgres";
  std::string database = "postgres";
};

class PgConnection {
public:
  /// Connects (up to 5 s), or throws PgConnectError with libpq's reason.
  PgConnection(const Endpoint& endpoint, const PgLogin& login);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  int backend_pid() const;
  /// Runs a statement and waits for its result (setup and the harness's own queries).
  PgResult run(const std::string& sql);
  /// Sends a statement without waiting; the session is then busy until poll gives its result.
  void send(const std::string& sql);
  bool busy() const { return busy_; }
  /// Reads what has arrived; the result once the statement finished (ReadyForQuery included).
  std::optional<PgResult> poll();
  /// Waits up to `ms` for data on the socket.
  void wait_readable(int ms) const;
  /// Waits up to `ms` for data on any of the connections' sockets.
  static void wait_readable(const std::vector<const PgConnection*>& connections, int ms);
  /// With log_lock_waits on and client_min_messages at log, the backend reports a lock wait to
  /// its client once the wait's deadlock check has run and found no deadlock ("process N still
  /// waiting for ShareLock on transaction 725 after 10.1 ms"), and again when a wait so
  /// reported ends. The lock of the last such report ("ShareLock on transaction 725") while its
  /// wait lasts; "" otherwise (no report yet, the wait ended, or a new statement was sent).
  const std::string& checked_wait() const { return checked_wait_; }
  /// How many lock-wait reports have come in on this connection.
  std::uint64_t lock_wait_reports() const { return lock_wait_reports_; }
  /// Whether a transaction is open (in progress or failed).
  bool in_transaction() const;
  /// Asks the server to cancel the statement under way.
  void cancel();

private:
  pg_conn* conn_ = nullptr;
  bool busy_ = false;
  PgResult pending_;
  std::string checked_wait_;
  std::uint64_t lock_wait_reports_ = 0;
  void take_notice(const std::string& severity, const std::string& message);
};

}  // namespace conform
