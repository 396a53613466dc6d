// Concurrent schedules for the simulated PostgreSQL: 2 to 4 sessions, each a transaction of
// several statements over a small table with a primary key and a unique index, interleaved, drawn
// from a seed; and a player that runs one on an engine and writes what happened, one line a step.
// The conformance harness plays the same schedules against a real server; the determinism test
// plays them twice.
//
// The player's rule for time: a step follows the one before it later than deadlock_timeout, so
// every wait that begins in a step has its deadlock check before the next step (in the order the
// waits began); of a cycle of waits, the wait that closed it finds it, as PostgreSQL's first
// waiter whose deadlock_timeout runs out after the cycle closed does. A step of a session still
// blocked is skipped. At the end every session that can rolls back, and then every session
// disconnects.
//
// Determinism: a schedule is a function of the Rng's draws; the transcript of the engine alone.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/postgres/engine.hpp"
#include "models/postgres/statement.hpp"
#include "sim/kernel/random.hpp"

namespace postgres {

struct ScheduleStep {
  std::size_t session = 0;  ///< 0-based; printed as T1, T2, ...
  Statement statement;
};

/// The table generated schedules run on: kv (id integer primary key, k integer unique, value
/// integer) holding (1, 1, 10), (2, 2, 20), (3, 3, 30).
TableSchema schedule_table();
std::vector<Row> schedule_rows();

struct Schedule {
  Isolation isolation = Isolation::read_committed;
  std::size_t sessions = 2;
  std::vector<ScheduleStep> steps;
  /// The one table the schedule uses (its first column is the one the end's rows are sorted by)
  /// and its rows before the first step.
  TableSchema table = schedule_table();
  std::vector<Row> rows = schedule_rows();
};

/// A schedule of `sessions` sessions (2..4), each BEGIN at `isolation`, `statements` statements,
/// then COMMIT or (one in five) ROLLBACK, interleaved at random.
Schedule generate_schedule(sim::Rng& rng, Isolation isolation, std::size_t sessions, std::size_t statements);

/// Plays a schedule on a fresh engine with schedule_table() and its rows; one line per step, per
/// resumed statement, then the table's committed rows in id order.
std::vector<std::string> play(const Schedule& schedule);

/// One schedule as SQL, a step a line ("T2: UPDATE kv SET ...").
std::string to_text(const Schedule& schedule);

}  // namespace postgres
