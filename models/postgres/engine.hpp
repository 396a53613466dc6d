// The transaction engine of one simulated PostgreSQL 15 server: tables, MVCC, row and advisory
// locks, the three isolation levels as PostgreSQL implements them, behind the typed statements of
// statement.hpp. It knows nothing of the network or of time: a server feeds it one statement of
// a session at a time, as a backend runs it.
//
// A statement that must wait for a lock does not finish: execute returns a blocked Step naming
// the transaction it waits for, and the session holds the statement until what it waits for
// ends; the engine then resumes it where it stopped (the row it was on, re-checked as PostgreSQL
// re-checks it) and hands its result out through take_completions, in the order statements
// finished. Deadlocks are found when a waiting session's deadlock_timeout fires: the server (or
// a test) calls check_deadlock for it, as PostgreSQL's backend runs CheckDeadLock then, and the
// session that finds itself on a cycle fails with 40P01.
//
// What is modelled: snapshots per statement (READ COMMITTED) or per transaction from its first
// statement (REPEATABLE READ, SERIALIZABLE); a row's writer and lockers (FOR KEY SHARE ..
// FOR UPDATE, with PostgreSQL's conflict table) block later writers, queued FIFO behind the
// first waiter's tuple lock; READ COMMITTED re-checks the WHERE on the newest version of a row
// it waited for (EvalPlanQual) and keeps the lock when the row no longer matches; transaction
// snapshots fail with 40001 instead; unique indexes make a second inserter wait for the first
// (23505 if it commits); ON CONFLICT decides atomically; an error aborts the transaction at once
// (its locks go then, not at ROLLBACK); SERIALIZABLE adds Serializable Snapshot Isolation
// (ssi.hpp). Rows are scanned in the order their versions were created (a version no snapshot
// can see is pruned, its values freed, but keeps its place, as PostgreSQL's line pointers do);
// a WHERE that pins every column of a unique index by = or IN reads through that index, in key
// order, as PostgreSQL's planner does on a small table it has not analysed.
//
// Determinism: ordered containers only; nothing depends on addresses.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/postgres/result.hpp"
#include "models/postgres/statement.hpp"
#include "models/postgres/value.hpp"
#include "models/postgres/wal_record.hpp"

namespace postgres {

struct Core;

class Engine {
public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Adds a table (empty). Throws std::invalid_argument for a bad schema or a taken name.
  void create_table(const TableSchema& schema);
  /// Rows inserted as committed before any session runs (a fixture's setup).
  void load(const std::string& table, const std::vector<Row>& rows);

  SessionId connect();
  /// The connection is gone: a blocked statement is cancelled, the transaction aborts, session
  /// advisory locks are released.
  void disconnect(SessionId session);

  /// Runs a statement for a session that is not blocked (a blocked session is a caller's bug:
  /// std::logic_error).
  Step execute(SessionId session, Statement statement);  ///< by value: a caller done with it moves it in
  /// The statements that were blocked and have finished since the last call, in finishing order.
  std::vector<Completion> take_completions();

  /// The session a blocked session waits for (the writer or locker of its row, the holder of the
  /// row's tuple lock, a holder of the advisory lock).
  std::optional<SessionId> blocked_by(SessionId session) const;
  bool blocked(SessionId session) const { return blocked_by(session).has_value(); }
  /// Blocked sessions, in the order they began to wait.
  std::vector<SessionId> waiting_sessions() const;
  /// The session's deadlock_timeout fired: if it waits on a cycle of waits, its statement fails
  /// with 40P01 and its transaction aborts (true); otherwise nothing changes (false).
  bool check_deadlock(SessionId session);
  /// deadlock_timeout has passed for every waiter: each whose timer has not fired yet for its
  /// present wait runs its check, in the order they began to wait (a timer fires once per wait,
  /// as PostgreSQL arms it once in ProcSleep). Returns how many were cancelled.
  std::size_t fire_deadlock_timeouts();

  // --- for the server (server_support.cpp) -------------------------------------------------
  /// Cancels the session's statement as a timeout or a cancel request does: a blocked
  /// statement fails with `error` and its transaction aborts; a session not running a statement
  /// (one that was still queued for a core) has its transaction block failed (25P02 until
  /// ROLLBACK). Returns the statement's result: the error.
  Result cancel(SessionId session, const Error& error);
  /// A number naming the session's present wait, new for every wait (0: not blocked), so that
  /// a server can arm a timer once per wait, as PostgreSQL arms its timeouts in ProcSleep.
  std::uint64_t wait_id(SessionId session) const;
  /// Whether any session's statement waits (every wait_id is 0 otherwise).
  bool any_waiting() const;
  /// Whether the session is inside a transaction block (after BEGIN, until COMMIT or ROLLBACK).
  bool in_transaction_block(SessionId session) const;
  /// Whether an error failed the session's transaction block (only ROLLBACK or COMMIT now).
  bool transaction_failed(SessionId session) const;
  /// What the transactions that committed since the last call wrote, in commit order (only
  /// those that wrote something).
  std::vector<CommitRecord> take_commits();
  /// Applies a committed transaction from the WAL (recovery, a standby's replay): its rows
  /// become what the record says, committed at once. Throws std::invalid_argument for a record
  /// that does not fit the tables.
  void replay(const CommitRecord& record);

  /// Which statement resumes first when several can (one commit or abort ended the waits of
  /// more than one): on a real server their backends are woken together and the operating
  /// system decides which runs first. The chooser is given the sessions that can resume, in the
  /// order they began to wait, and returns the index of the one to resume next; the others may
  /// then wait again or resume after it. Without a chooser the first to have waited resumes
  /// first (a fixed rule). The chooser must be deterministic for a run to be.
  using ResumeChooser = std::function<std::size_t(const std::vector<SessionId>& ready)>;
  void set_resume_chooser(ResumeChooser chooser);
  /// Which of the waits not yet checked for a deadlock has its deadlock_timeout run out first
  /// (fire_deadlock_timeouts): on a real server, of waits that began within the same moment
  /// (statements one commit woke together, which then waited again), the operating system
  /// decides which backend sleeps first and so which runs the check and is the victim. Given
  /// those sessions in the order they began to wait; without a chooser, that order.
  void set_deadlock_chooser(ResumeChooser chooser);

  /// Every committed row of a table, as a new snapshot sees it, in scan order.
  std::vector<Row> committed_rows(const std::string& table) const;
  /// The same rows handed to `visit` one at a time, for a table too large to copy whole.
  void visit_committed_rows(const std::string& table, const std::function<void(const Row&)>& visit) const;

private:
  std::unique_ptr<Core> core_;
};

}  // namespace postgres
