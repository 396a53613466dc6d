// A PostgreSQL client connection for designs, in the project's coroutine style: each call is an
// awaitable that completes with the server's answer, or with `broken` when none came.
//
//   postgres::Connection db(ex, server, {.timeout = 5s});
//   postgres::Reply hello = co_await db.connect();
//   co_await db.execute(postgres::Begin{postgres::Isolation::serializable});
//   postgres::Statement debit = postgres::Update{"accounts", {set_add("balance", -10)}, where::eq("id", 1)};
//   postgres::Reply r = co_await db.execute(std::move(debit));
//   if (r.sqlstate() == "40001") ...            // retry
//   postgres::Reply c = co_await db.execute(postgres::Commit{});
//   if (c.broken) ...                           // in doubt: it may or may not have committed
//
// With g++ 12, build a statement that owns memory (strings, vectors) outside the co_await
// expression, as `debit` above, and never write `cond ? co_await a : co_await b`: g++ 12
// destroys a braced temporary inside a co_await expression twice, and mixes up the results of
// co_awaits in the branches of a conditional expression (heap corruption: wrong answers,
// crashes, hangs).
//
// One statement at a time on a connection (the protocol has no pipelining here): a call made
// while another is under way is a bug of the design and stops the run.
//
// With a list of hosts the connection is libpq's with several hosts and
// target_session_attrs=read-write: connect() tries each host in order, waiting `connect_timeout`
// for each, skips a server that reports in_hot_standby at startup (PostgreSQL 14+ reports it as a
// parameter; the client closes that connection), and keeps the first that admits it. A caller
// that wants to wait for a primary calls connect() again after its own delay.
//
// Fault model: a statement whose answer does not come within the connection's `timeout` (a
// lost request or reply, a partition, a crashed or paused server) completes broken, and the
// connection is closed: the client sends its terminate (which ends the backend and aborts its
// transaction, if it arrives) and every later call completes broken at once, as libpq reports a
// lost connection. So a client whose COMMIT's answer is lost does not know whether it committed.
// A server that ended the connection (idle_in_transaction_session_timeout's 25P03, or a restart)
// answers the next statement with that error, and the connection is closed too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/postgres/result.hpp"
#include "models/postgres/server/protocol.hpp"
#include "sim/kernel/timer.hpp"

namespace postgres {

/// What a call came back with.
struct Reply {
  Result result;        ///< the server's answer (an error with its SQLSTATE, or rows and a tag)
  bool broken = false;  ///< no answer: the connection is lost, the outcome of the statement unknown
  /// The server ended the connection with this answer (a FATAL error) or the connection was
  /// already closed; later calls are broken.
  bool closed = false;

  bool ok() const { return !broken && result.ok(); }
  /// The error's SQLSTATE, "00000" on success, and "08006" (connection_failure, as JDBC and
  /// psycopg name a lost connection) when broken.
  const std::string& sqlstate() const;
  const std::vector<Row>& rows() const { return result.rows; }
};

struct ConnectionOptions {
  /// How long the client waits for an answer to any call before it gives the connection up.
  sim::Duration timeout = sim::Duration::seconds(30);
  bool superuser = false;  ///< may use the superuser_reserved_connections slots
  /// libpq's connect_timeout: the wait for each host's startup answer (zero: `timeout`).
  sim::Duration connect_timeout = sim::Duration::zero();
};

class Connection {
public:
  Connection(sim::Executor ex, sim::NodeId server, ConnectionOptions options = {});
  /// libpq's host list with target_session_attrs=read-write: connect() keeps the first host, in
  /// order, that admits the client and is not a hot standby. `hosts` is not empty.
  Connection(sim::Executor ex, std::vector<sim::NodeId> hosts, ConnectionOptions options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Asks the server for a backend. Refused: the result is 53300 and the connection stays closed.
  /// With a host list, asks each host in turn as described above; when none fits, the last
  /// host's answer (a hot standby's is broken: no primary was found) and the connection closed.
  sim::Task<Reply> connect();
  sim::Task<Reply> execute(Statement statement);
  sim::Task<Reply> query(Request request);
  /// SELECT now() and SELECT clock_timestamp(): one row, one bigint of Unix microseconds.
  sim::Task<Reply> now() { return query(SelectNow{}); }
  sim::Task<Reply> clock_timestamp() { return query(SelectClockTimestamp{}); }
  /// Closes the connection: the server ends the backend (aborting its transaction) when the
  /// terminate arrives. Nothing is sent when it is already closed.
  void close();

  bool is_open() const { return pid_ != 0; }
  /// How long later calls wait for their answers.
  void set_timeout(sim::Duration timeout) { options_.timeout = timeout; }
  /// The server said at startup that it is a hot standby (read-only).
  bool in_hot_standby() const { return in_hot_standby_; }
  /// The server the connection is (or was last) open to.
  sim::NodeId server() const { return server_; }
  BackendPid pid() const { return pid_; }

private:
  /// One startup exchange with server_, waiting `patience`.
  sim::Task<Reply> connect_to(sim::Duration patience);

  sim::Executor ex_;
  std::vector<sim::NodeId> hosts_;  ///< in the order tried; one for a single-host connection
  bool read_write_ = false;         ///< target_session_attrs=read-write (a host list)
  sim::NodeId server_;
  ConnectionOptions options_;
  BackendPid pid_ = 0;
  bool busy_ = false;
  bool in_hot_standby_ = false;
};

/// The timestamp in a reply to now() or clock_timestamp(), Unix microseconds.
std::int64_t timestamp_of(const Reply& reply);

}  // namespace postgres
