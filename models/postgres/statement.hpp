// The statements the simulated PostgreSQL serves, as typed values instead of SQL text: what a
// design sends, what the engine runs, and what to_sql prints for a real server (conformance) or
// a message. Columns are named, so a statement reads like the SQL it stands for:
//
//   Update{"test", {set_add("value", 10)}, where::eq("id", 1)}
//     UPDATE test SET value = value + 10 WHERE id = 1
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/postgres/value.hpp"

namespace postgres {

enum class Isolation { read_committed, repeatable_read, serializable };
const char* to_string(Isolation isolation);  ///< "read committed", as SQL spells it

enum class CompareOp { eq, ne, lt, le, gt, ge };

/// A WHERE clause: comparisons of a column (or the column modulo a divisor) with a constant, IN
/// lists, and their conjunctions and disjunctions. `always` is no WHERE at all.
struct Predicate {
  enum class Kind { always, compare, in, all_of, any_of };
  Kind kind = Kind::always;
  std::string column;
  CompareOp op = CompareOp::eq;
  Value value;
  std::optional<std::int64_t> modulo;  ///< compare `column % modulo` instead of the column
  std::vector<Value> values;           ///< IN (...)
  std::vector<Predicate> parts;        ///< AND / OR
};

namespace where {
Predicate always();
Predicate compare(std::string column, CompareOp op, Value value);
Predicate eq(std::string column, Value value);
Predicate lt(std::string column, Value value);
Predicate le(std::string column, Value value);
Predicate gt(std::string column, Value value);
Predicate ge(std::string column, Value value);
Predicate in(std::string column, std::vector<Value> values);
/// `column % divisor <op> value`
Predicate modulo(std::string column, std::int64_t divisor, CompareOp op, Value value);
Predicate all_of(std::vector<Predicate> parts);
Predicate any_of(std::vector<Predicate> parts);
}  // namespace where

/// SET column = <constant> | column + <delta> | EXCLUDED.column (ON CONFLICT DO UPDATE only).
struct Assignment {
  enum class Kind { constant, add, excluded };
  std::string column;
  Kind kind = Kind::constant;
  Value value;                 ///< the constant
  std::int64_t delta = 0;      ///< for add: the column's current value plus delta
};
Assignment set_value(std::string column, Value value);
Assignment set_add(std::string column, std::int64_t delta);
Assignment set_excluded(std::string column);

enum class LockStrength { key_share, share, no_key_update, update };
enum class WaitPolicy { wait, skip_locked, nowait };
struct RowLocking {
  LockStrength strength = LockStrength::update;
  WaitPolicy wait = WaitPolicy::wait;
};

struct OrderKey {
  std::string column;
  bool descending = false;
};

struct Begin {
  Isolation isolation = Isolation::read_committed;
};
struct Commit {};
struct Rollback {};

/// SELECT * FROM table WHERE ... ORDER BY ... LIMIT ... FOR ...
struct Select {
  std::string table;
  Predicate where;
  std::vector<OrderKey> order_by;
  std::optional<std::int64_t> limit;
  std::optional<RowLocking> locking;
};

/// ON CONFLICT [(target)] DO NOTHING | DO UPDATE SET ... [WHERE ...]. An empty target takes any
/// unique index as arbiter; DO UPDATE needs one (42601 otherwise, as PostgreSQL says).
struct OnConflict {
  std::vector<std::string> target;
  bool do_update = false;
  std::vector<Assignment> set;
  Predicate where;  ///< on the existing row
};

struct Insert {
  std::string table;
  std::vector<Row> rows;  ///< every column, in the table's order
  std::optional<OnConflict> on_conflict;
  bool returning = false;  ///< RETURNING *
};

struct Update {
  std::string table;
  std::vector<Assignment> set;
  Predicate where;
  bool returning = false;
};

struct Delete {
  std::string table;
  Predicate where;
  bool returning = false;
};

enum class AdvisoryScope { session, transaction };

/// SELECT pg_[try_]advisory_[xact_]lock[_shared](key)
struct AdvisoryLock {
  std::int64_t key = 0;
  AdvisoryScope scope = AdvisoryScope::session;
  bool shared = false;
  bool try_only = false;
};
/// SELECT pg_advisory_unlock[_shared](key): session locks only, one level of a held lock.
struct AdvisoryUnlock {
  std::int64_t key = 0;
  bool shared = false;
};
/// SELECT pg_advisory_unlock_all()
struct AdvisoryUnlockAll {};

using Statement = std::variant<Begin, Commit, Rollback, Select, Insert, Update, Delete, AdvisoryLock, AdvisoryUnlock,
                               AdvisoryUnlockAll>;

/// The statement as PostgreSQL 15 SQL (one line, no trailing semicolon).
std::string to_sql(const Statement& statement);
std::string to_sql(const Predicate& predicate);

}  // namespace postgres
