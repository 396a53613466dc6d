// The PostgreSQL task store (delay_queue: postgres): one `tasks` table that is both the delay queue
// and the ready queue, and a `fires` table of cron fire records, on the simulated server
// (models/postgres). Times in the tables are Unix milliseconds of the server's wall clock.
//
//   tasks (id bigint PRIMARY KEY, name text, due bigint, state text, attempt bigint,
//          lease_until bigint, retries bigint, schedule bigint, nominal bigint)
//   fires (schedule bigint, nominal bigint, node text, token bigint)
//         fixed: PRIMARY KEY (schedule, nominal); seed: no key, as the seed's record has none
//   fence (id bigint PRIMARY KEY, token bigint)     fixed: one row, the highest fencing token
//   schedules (id bigint PRIMARY KEY, last bigint, buffer text)
//         one row per cron schedule: its lastScheduleTime (Unix seconds, -1 before the first fire)
//         and Temporal's buffered starts; written in the fire's transaction, so a fire record and
//         the lastScheduleTime it moves commit together; the leader reads them from here
//
// A delayed task is a row inserted `pending` with its due time; no leader moves it. A worker
// claims in one transaction: SELECT now(); SELECT * FROM tasks WHERE (state = 'pending' AND due
// <= now) OR (state = 'running' AND lease_until <= now) ORDER BY due LIMIT 1 FOR UPDATE SKIP
// LOCKED; UPDATE it to running with attempt + 1 and a lease; COMMIT. A lease that expired is
// claimable again (at-least-once); a row another transaction holds locked is skipped. A cron
// fire inserts its fire record and its task in one transaction; with the fixed design's key a
// second fire of the same (schedule, nominal time) fails with 23505 and creates nothing.
//
// PgSession is one actor's connection, opened again after it is lost (08006) or ended by the
// server (25P03, a restart).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/client.hpp"
#include "models/postgres/server/deployment.hpp"
#include "models/scheduler/options.hpp"

namespace scheduler {

struct Context;

/// The columns of a `tasks` row, in order.
enum TaskColumn : std::size_t { col_id, col_name, col_due, col_state, col_attempt, col_lease, col_retries };

/// A table the design declares, with the rows it starts with.
struct PgTable {
  postgres::TableSchema schema;
  std::vector<postgres::Row> rows;
};
/// The design's tables; `schedules` rows of the schedules table, numbered from 0.
std::vector<PgTable> pg_tables(Design design, int schedules = 0);
void declare_pg_tables(postgres::Deployment& pg, Design design, int schedules);

/// The columns of a `schedules` row, in order.
enum ScheduleColumn : std::size_t { schedule_id, schedule_last, schedule_buffer };
/// A schedules row: lastScheduleTime (Unix s, -1: never fired) and Temporal's buffered starts.
std::pair<std::int64_t, std::string> schedule_status(const postgres::Row& row);

/// A task row as the claim read it.
struct TaskRow {
  std::int64_t id = 0;
  std::string name;
  std::int64_t attempt = 0;  ///< the row's attempt after the claim: the attempt's token
  std::int64_t retries = 0;  ///< the seed's retry_count
};
TaskRow task_row(const postgres::Row& row);

class PgSession {
public:
  PgSession(sim::Executor ex, sim::NodeId server, sim::Duration timeout);

  /// Runs one statement, connecting first when the connection is closed.
  sim::Task<postgres::Reply> run(postgres::Statement statement);
  /// SELECT now(): the transaction's start (or the statement's arrival) on the server, Unix ms;
  /// nullopt when it failed.
  sim::Task<std::optional<std::int64_t>> now_ms();
  sim::Task<postgres::Reply> begin();
  sim::Task<postgres::Reply> commit();
  /// ROLLBACK when the connection still stands.
  sim::Task<void> rollback();
  /// A call is under way (a connection takes one statement at a time).
  bool busy() const { return busy_; }

private:
  /// Marks the session busy for the life of one call's coroutine frame.
  struct BusyMark {
    explicit BusyMark(bool& flag) : flag_(flag) { flag_ = true; }
    ~BusyMark() { flag_ = false; }
    bool& flag_;
  };

  sim::Task<bool> ensure_open();

  sim::Executor ex_;
  sim::NodeId server_;
  sim::Duration timeout_;
  std::unique_ptr<postgres::Connection> db_;
  bool busy_ = false;
};

/// Statements of the store, built outside any co_await expression (g++ 12).
namespace sql {
postgres::Statement insert_task(std::int64_t id, const std::string& name, std::int64_t due_ms);
/// A cron tick's task: its schedule and nominal time in their columns.
postgres::Statement insert_cron_task(std::int64_t id, const std::string& name, std::int64_t due_ms, int schedule,
                                     std::int64_t nominal);
/// SELECT * FROM tasks WHERE id = ?
postgres::Statement task_by_id(std::int64_t id);
/// SELECT * FROM tasks WHERE schedule = ? AND state IN ('pending', 'running'): the schedule's active runs.
postgres::Statement active_runs(int schedule);
/// UPDATE tasks SET state = 'cancelled' WHERE schedule = ? AND state IN ('pending', 'running') RETURNING *.
postgres::Statement cancel_runs(int schedule);
/// cancel_other: the schedule's pending, running or cancelling rows (a cancelling run has not ended yet).
postgres::Statement live_runs(int schedule);
/// cancel_other: UPDATE tasks SET state = 'cancelling' WHERE schedule = ? AND state = 'running' RETURNING *.
postgres::Statement request_cancel(int schedule);
/// cancel_other: a cancelling row whose lease ended (its worker died) is cancelled.
postgres::Statement close_lapsed_cancels(int schedule, std::int64_t now_ms);
/// cancel_other: the cancelled run's worker closes its row (WHERE id, attempt AND state = 'cancelling').
postgres::Statement close_cancel(std::int64_t id, std::int64_t attempt);
/// SELECT * FROM schedules WHERE id = ? [FOR UPDATE]
postgres::Statement schedule_row(int schedule, bool lock);
/// UPDATE schedules SET last = ? WHERE id = ? [AND last < ?]: the seed's write is unguarded, the
/// fixed design's only moves lastScheduleTime forward.
postgres::Statement set_last(int schedule, std::int64_t last_s, bool forward_only);
/// UPDATE schedules SET last = ?, buffer = ? WHERE id = ?: a Temporal pass, on a row read FOR UPDATE.
postgres::Statement set_pass(int schedule, std::int64_t last_s, const std::string& buffer);
postgres::Statement insert_fire(int schedule, std::int64_t nominal, const std::string& node, std::int64_t token);
/// UPDATE fence SET token = T WHERE id = 1 AND token <= T RETURNING *
postgres::Statement raise_fence(std::int64_t token);
postgres::Statement claim_select(std::int64_t now_ms);
postgres::Statement claim_update(std::int64_t id, std::int64_t lease_until_ms);
/// UPDATE tasks SET state = 'dead' WHERE id = ? AND attempt = ?: a claim's row past its budget.
postgres::Statement bury(std::int64_t id, std::int64_t attempt);
/// UPDATE tasks SET ... WHERE id = ? [AND attempt = ? AND state = 'running'] RETURNING *:
/// the seed passes no attempt (its writes carry the task id only).
postgres::Statement finish(std::int64_t id, std::optional<std::int64_t> attempt, const std::string& state);
postgres::Statement extend(std::int64_t id, std::int64_t attempt, std::int64_t lease_until_ms);
/// cancel_other: the same, for a row running or asked to cancel (its run goes on until its handler returns).
postgres::Statement extend_live(std::int64_t id, std::int64_t attempt, std::int64_t lease_until_ms);
postgres::Statement retry(std::int64_t id, std::optional<std::int64_t> attempt, std::int64_t due_ms,
                          std::optional<std::int64_t> retries);
}  // namespace sql

/// The client's submissions into the tasks table, due at the database's now() + delay.
sim::Task<void> pg_submit_all(std::shared_ptr<Context> context);
/// The tasks table's dead rows (max_attempts), as the dead-letter queue's list: name and attempts, by id.
std::vector<std::pair<std::string, int>> pg_dead_letters(const Context& context);
/// Rows of the tasks table still pending or running at the end (nullopt: the server is down).
std::optional<std::size_t> pg_open_tasks(const Context& context);
/// The tasks table's counts for the report's depth chart, read from the committed rows by the
/// simulation (not by a query) at most once a depth slice: pending rows due by the server's
/// clock and running rows whose lease ended are ready, running rows within their lease in
/// flight, pending rows not yet due delayed.
void pg_sample_depth(Context& context);

}  // namespace scheduler
