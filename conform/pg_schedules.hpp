// The PostgreSQL conformance harness: a concurrent schedule (models/postgres/schedule.hpp) played
// against a real PostgreSQL 15 server and against the simulated one, under the same rule for time
// as postgres::play. Compared for each step: the rows returned, whether the statement blocked (or
// was skipped because its session still was), its SQLSTATE, and the statements of other sessions
// it let finish; at the end, the table's rows.
//
// Blocked or slow: a statement under way on the real server counts as blocked only when the
// server says so, pg_locks showing its backend waiting for a lock, asked on a connection of the
// harness's own; it counts as finished when its result and ReadyForQuery have arrived.
//
// Time. The model's rule (postgres::play's) is that a step follows the one before it later than
// deadlock_timeout, so that every wait a step began has had its deadlock check, in the order the
// waits began, before the next step: of a cycle of waits the wait that closed it finds it, as on
// PostgreSQL the first waiter whose deadlock_timeout runs out after the cycle closed does. The
// sessions run with a small deadlock_timeout (10 ms by default) and with log_lock_waits on and
// client_min_messages at log, so that each backend tells its own client when a wait's deadlock
// check has run and found no deadlock ("still waiting for ..."). A step ends when every busy
// session has finished or waits for a lock that pg_locks shows and that its backend reported as
// checked. No timer decides anything: however long a loaded machine keeps a waiter's backend
// from the processor, the next step waits for its check. Which of two waits that began in one
// step (statements one commit woke, which wait anew) is checked first is up to the operating
// system; the model offers both (Engine::set_deadlock_chooser).
//
// Resume order. When one commit or abort ends the waits of several statements, their backends
// are woken together and the operating system decides which runs first. The model resumes them
// in an order its chooser gives (postgres::Engine::set_resume_chooser); the harness plays the
// schedule on the model under every such order and the server's outcome agrees when it equals
// the model's under one of them, reported as agreement under that order.
//
// Lanes. Schedules are played several at a time, each lane with a database of its own
// (designsim_conform_1, _2, ...; created when missing, their table dropped and re-created for
// each schedule) and its own connections, on a thread of its own. Results come back in the
// schedules' order, whatever the order lanes finished in. The harness needs a server no one else
// is using, and a superuser (it sets deadlock_timeout and log_lock_waits, and creates the
// databases).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  std::vector<std::string> table;  ///< the table's rows at the end, sorted by its first column
  /// The model's: where statements woken together resumed in another order than the order they
  /// began to wait, which ran first ("T3 before T2, ..."); empty under the fixed rule.
  std::string resume_order;
};

/// The schedule played on the simulated PostgreSQL, by postgres::play's rules, the first to have
/// waited resuming first.
PgPlay play_on_model(const postgres::Schedule& schedule);
/// The same under every order in which statements woken together can resume (up to `limit`
/// plays); the first is play_on_model's.
std::vector<PgPlay> plays_on_model(const postgres::Schedule& schedule, std::size_t limit = 256);

/// One real server, with a connection per session (up to 4) and one for the harness, in one
/// database.
class PgServerPlayer {
public:
  /// Connects and sets deadlock_timeout for the sessions; throws PgConnectError.
  PgServerPlayer(const Endpoint& endpoint, const PgLogin& login, int deadlock_timeout_ms);
  ~PgServerPlayer();
  std::string server_version();
  /// Plays the schedule (see Time above).
  PgPlay play(const postgres::Schedule& schedule);

private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The seed-th schedule of a level: 2 to 4 sessions, 3 to 5 statements each.
postgres::Schedule conform_schedule(std::uint64_t seed, postgres::Isolation level);

/// Where two plays differ, as text ("" when they agree): the schedule with both sides' outcomes.
std::string compare_plays(const postgres::Schedule& schedule, const PgPlay& model, const PgPlay& real);

/// The judgement on one schedule.
struct PgVerdict {
  bool agreed = false;
  std::size_t attempts = 0;  ///< plays on the server (more than one: the first ones disagreed)
  std::size_t orders = 0;    ///< resume orders the model has for it
  std::string resume_order;  ///< agreed under this order ("" for the fixed rule)
  std::string report;        ///< a disagreement: compare_plays against the model's first play
};

/// The server's play against the model's plays.
PgVerdict judge(const postgres::Schedule& schedule, const std::vector<PgPlay>& models, const PgPlay& real);

struct PgRunOptions {
  Endpoint endpoint;
  PgLogin login;
  int deadlock_timeout_ms = 10;
  std::size_t lanes = 8;
  /// Plays of a schedule on the server while it disagrees (1: a disagreement stands at once).
  std::size_t attempts = 1;
};

/// Plays every schedule on the model and on the server, `lanes` at a time, and judges each; the
/// verdicts in the schedules' order. `done` (may be empty) is called, on the calling thread, for
/// each verdict in that order as soon as it and every earlier one are in. Throws PgConnectError.
std::vector<PgVerdict> conform_schedules(const PgRunOptions& options, const std::vector<postgres::Schedule>& schedules,
                                         const std::function<void(std::size_t, const PgVerdict&)>& done = {});

/// The server's version (SHOW server_version); throws PgConnectError.
std::string pg_server_version(const Endpoint& endpoint, const PgLogin& login);

}  // namespace conform
