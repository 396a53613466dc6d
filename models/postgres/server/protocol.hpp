// What a PostgreSQL client and server say to each other over the kernel's network, as messages
// of the frontend/backend protocol reduced to what the model needs: a startup that gets a backend
// (or is refused), a query with a typed statement, its result, and a terminate. Requests and
// results travel as RPC calls and replies on the client's FIFO link, so a lost reply is a call
// that never completes: the client cannot tell it from a dead server.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "models/postgres/result.hpp"
#include "models/postgres/statement.hpp"
#include "sim/kernel/network.hpp"

namespace postgres {

/// SELECT now(): the start of the session's transaction on the server's wall clock (for a
/// statement outside a transaction block, when it reached the server).
struct SelectNow {};
/// SELECT clock_timestamp(): the server's wall clock when the statement runs.
struct SelectClockTimestamp {};

/// What a client asks of its backend. Timestamps come back as one row of one bigint, Unix
/// microseconds (timestamptz's resolution).
using Request = std::variant<Statement, SelectNow, SelectClockTimestamp>;
std::string request_sql(const Request& request);

/// A backend's number on its server (PostgreSQL's pid): unique over the server's incarnations.
using BackendPid = std::uint64_t;

struct StartupMessage final : sim::MessageBody {
  bool superuser = false;  ///< may take the superuser_reserved_connections slots
  std::string describe() const override { return "startup"; }
};

struct StartupReply final : sim::MessageBody {
  BackendPid pid = 0;  ///< 0 when refused
  Result result;       ///< the refusal (53300) as an error
  /// The server is a hot standby: the in_hot_standby parameter PostgreSQL 14 and later report
  /// at startup, which libpq's target_session_attrs=read-write reads.
  bool in_hot_standby = false;
  std::string describe() const override;
};

struct QueryMessage final : sim::MessageBody {
  BackendPid pid = 0;
  Request request;
  std::string describe() const override;
};

struct QueryReply final : sim::MessageBody {
  Result result;
  /// The server ended the connection: a FATAL error in `result` (25P03), or no error when the
  /// server knows no such connection (it restarted since: a reset).
  bool closed = false;
  std::string describe() const override;
};

/// The client closes its connection (a one-way message): its backend ends and a transaction
/// in progress aborts.
struct TerminateMessage final : sim::MessageBody {
  BackendPid pid = 0;
  std::string describe() const override { return "terminate " + std::to_string(pid); }
};

}  // namespace postgres
