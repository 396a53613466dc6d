// The PostgreSQL conformance harness: a generated concurrent schedule (models/postgres/schedule.hpp)
// played against a real PostgreSQL 15 server and against the simulated one, under the same rule
// for time as postgres::play. Compared for each step: the rows returned, whether the statement
// blocked (or was skipped because its session still was), its SQLSTATE, and the statements of
// other sessions it let finish; at the end, the table's rows.
//
// Blocked or slow: a statement under way on the real server counts as blocked only when the
// server says so, pg_blocking_pids(pid) of its backend being non-empty, asked on a connection of
// the harness's own after everything else has settled; it counts as finished when its result and
// ReadyForQuery have arrived. Nothing is decided by a timer, except deadlock_timeout: where the
// model lets deadlock_timeout pass, the harness sleeps past the server's.
//
// The harness drops and re-creates the table kv before each schedule and uses advisory locks 1
// and 2: it needs a server (a database) no one else is using.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conform/pg_client.hpp"
#include "models/postgres/schedule.hpp"

namespace conform {

/// What became of one statement: done (with its SQLSTATE and rows), blocked, or skipped.
struct PgOutcome {
  enum class Kind { done, blocked, skipped };
  Kind kind = Kind::done;
  PgResult result;
  bool operator==(const PgOutcome& other) const;
};

struct PgStepOutcome {
  PgOutcome own;
  std::map<std::size_t, PgOutcome> resumed;  ///< other sessions' statements that finished, by session
};

struct PgPlay {
  std::vector<PgStepOutcome> steps;
  std::vector<std::string> table;  ///< kv's rows at the end, in id order
};

/// The schedule played on the simulated PostgreSQL, by postgres::play's rules.
PgPlay play_on_model(const postgres::Schedule& schedule);

/// One real server, with a connection per session (up to 4) and one for the harness.
class PgServerPlayer {
public:
  /// Connects and sets deadlock_timeout for the sessions; throws PgConnectError.
  PgServerPlayer(const Endpoint& endpoint, const PgLogin& login, int deadlock_timeout_ms);
  ~PgServerPlayer();
  std::string server_version();
  PgPlay play(const postgres::Schedule& schedule);

private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The schedule seed-th schedule of a level: 2 to 4 sessions, 3 to 5 statements each.
postgres::Schedule conform_schedule(std::uint64_t seed, postgres::Isolation level);

/// Where two plays differ, as text ("" when they agree): the schedule with both sides' outcomes.
std::string compare_plays(const postgres::Schedule& schedule, const PgPlay& model, const PgPlay& real);

}  // namespace conform
