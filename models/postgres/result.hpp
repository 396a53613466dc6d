// What a statement gives back: PostgreSQL's command tag, the rows (SELECT, RETURNING), warnings,
// or an error with its SQLSTATE and message text as PostgreSQL 15 writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/postgres/value.hpp"

namespace postgres {

struct Error {
  std::string sqlstate;  ///< five characters: 40001, 23505, 40P01, ...
  std::string message;   ///< the primary message, as the server sends it
  std::string detail;    ///< DETAIL, where the model gives one (may be empty)
};

struct Notice {
  std::string sqlstate;
  std::string message;
};

struct Result {
  std::string tag;        ///< "SELECT 2", "UPDATE 1", "INSERT 0 1", "BEGIN", ... (empty after an error)
  std::vector<Row> rows;  ///< every column of the table, or the advisory function's one value
  std::optional<Error> error;
  std::vector<Notice> warnings;

  bool ok() const { return !error.has_value(); }
  const std::string& sqlstate() const;  ///< the error's, or "00000"
};

using SessionId = std::uint32_t;
using TxnId = std::uint64_t;

/// A statement sent to a session either finishes at once or blocks on a lock. A blocked statement
/// is the session's until it finishes: the engine resumes it when what it waits for goes away,
/// and hands its result out through Engine::take_completions.
struct Step {
  bool blocked = false;
  Result result;  ///< when not blocked
  /// When blocked: the session it waits for (a row's writer or locker, the holder of the row's
  /// tuple lock, a holder of the advisory lock) and that session's transaction (0 for a session
  /// that holds an advisory lock outside any transaction).
  SessionId waits_for_session = 0;
  TxnId waits_for_txn = 0;
};

struct Completion {
  SessionId session = 0;
  Result result;
};

}  // namespace postgres
