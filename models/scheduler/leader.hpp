// A scheduler node: an election loop (election.hpp) and a controller loop that, every
// check_interval while the node believes it leads, fires due cron ticks and moves due delayed
// tasks from the Redis ZSET to the ready queue.
//
// Seed: "now" is the node's own wall clock; every tick between lastScheduleTime and now fires
// (missed_policy: all) straight into the ready queue, and lastScheduleTime is written without a
// guard; due tasks move by ZRANGEBYSCORE, then ZREM and a push whatever ZREM answered.
// Fixed: "now" is the store's clock; the declared missed policy picks the tick; a fire is a
// record keyed (schedule, nominal time) on the store, guarded by the election's fencing token,
// and only a record the store took goes to the ready queue; the record enters the store's outbox
// with it, and leaves once the leader says the queue took the task, so a tick whose leader
// crashed between the two is pushed by a later check (at least once); due tasks move by one Lua script per
// check that reads the due members and removes them in one step, and the mover it answered them
// to pushes them, ten to a send.
//
// With delay_queue: postgres no task moves: a fire is one transaction on the tasks table
// (pg_store.hpp), and the fixed leader's "now" is the database's now().
//
// The client node, also here, submits the workload's delayed tasks once at submit_at.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/scheduler/context.hpp"
#include "models/scheduler/election.hpp"
#include "models/scheduler/messages.hpp"
#include "models/scheduler/pg_store.hpp"

namespace scheduler {

class SchedulerNode {
public:
  static void boot(const std::shared_ptr<Context>& context, int index);
  SchedulerNode(std::shared_ptr<Context> context, int index);

private:
  sim::Task<void> elect();
  sim::Task<void> control();
  /// Whether the node believes it leads now; tells the recorder of a change.
  bool believes();
  sim::Instant belief_end() const;
  sim::Task<std::optional<std::int64_t>> now_unix_s();
  sim::Task<void> fire_schedule(int schedule, std::int64_t now_s);
  /// The schedule's status (last fire time, Unix seconds, -1 for none, and Temporal's buffer):
  /// from the cache with status_cache, else (and on a miss) from the store; nullopt without an answer.
  sim::Task<std::optional<std::pair<std::int64_t, std::string>>> status_of(int schedule);
  /// status_cache: what the store now holds as the schedule's last fire time, or nullopt if unknown.
  void remember_status(int schedule, std::optional<std::int64_t> last);
  sim::Task<void> fire_quartz(int schedule, std::int64_t last, std::int64_t now_s);
  sim::Task<void> fire_temporal(int schedule, std::int64_t last, std::string buffer, std::int64_t now_s);
  sim::Task<void> mark_processed(int schedule, std::int64_t until, std::string buffer);
  sim::Task<void> fire(int schedule, Tick tick);
  /// delay_queue: postgres (pg_leader.cpp): the fire record and the tick's task in one transaction;
  /// the fixed design's key on (schedule, nominal) refuses a second fire (23505), its fence a lower token.
  sim::Task<void> fire_pg(int schedule, Tick tick);
  /// The schedule's row of the schedules table (pg_store.hpp): lastScheduleTime and Temporal's buffer.
  sim::Task<std::optional<std::pair<std::int64_t, std::string>>> status_of_pg(int schedule);
  /// Quartz's do_nothing with the PostgreSQL store: the ticks up to `until` dealt with, fenced.
  sim::Task<void> mark_processed_pg(int schedule, std::int64_t until);
  /// The fence, replace's cancellation and a tick's fire record and task, inside a fire's transaction:
  /// each returns why it was refused, "" when it succeeded.
  sim::Task<std::string> pass_fence_pg(std::int64_t token);
  sim::Task<std::string> cancel_runs_pg(int schedule, std::vector<std::string>& cancelled);
  sim::Task<std::string> request_cancel_pg(int schedule, std::vector<std::string>& cancelled);
  sim::Task<std::string> insert_tick_pg(int schedule, Tick tick, std::int64_t token);
  /// missed_policy: temporal with the PostgreSQL store: one transaction a schedule a check.
  sim::Task<void> fire_temporal_pg(int schedule, std::int64_t now_s);
  sim::Task<std::string> temporal_pass_pg(int schedule, std::int64_t now_s, TemporalStep& step,
                                          std::vector<std::string>& cancelled);
  /// Temporal's drops (catch-up window, overlap policy): counted and traced.
  void note_temporal_step(int schedule, const TemporalStep& step);
  sim::Task<std::string> fire_pg_statements(int schedule, Tick tick, std::int64_t token, bool& active,
                                            std::vector<std::string>& cancelled);
  /// The tick's task was acknowledged: a submission the checks judge (the first for its name).
  void note_submission(const std::string& task);
  /// The fixed design's outbox (nodes.hpp): pushes the fires the store handed back with the time.
  sim::Task<void> push_unpushed();
  /// Tells the store the ready queue took the tick's task: its outbox entry goes.
  sim::Task<void> confirm_pushed(int schedule, std::int64_t nominal);
  sim::Task<void> move_due(std::int64_t now_ms);
  sim::Task<void> move_due_script(std::int64_t now_ms);
  sim::Task<bool> push(const std::string& body);
  /// Sends `bodies` to the ready queue in one request (SendMessageBatch); true if it took them.
  sim::Task<bool> push_batch(const std::vector<std::string>& bodies);
  sim::Task<bool> runs_active(int schedule, bool forbid = true);
  sim::Task<void> cancel_runs(int schedule);
  sim::Task<void> request_cancel(int schedule);
  sim::Task<void> act_on_runs(int schedule, Op op, const char* kind, const char* done);

  std::shared_ptr<Context> context_;
  int index_;
  sim::NodeId node_;
  sim::Executor ex_;
  std::unique_ptr<LeaderElection> election_;
  std::optional<std::size_t> belief_;  ///< the open BeliefRecord
  std::unique_ptr<PgSession> db_;      ///< delay_queue: postgres
  /// status_cache: per schedule, the last fire time the store holds as this node last read or
  /// wrote it (-1: none); emptied when the node begins to lead.
  std::vector<std::optional<std::int64_t>> status_cache_;
  /// The outbox's tasks the store's last time answer leased to this node to push.
  std::vector<std::string> unpushed_;
};

void boot_client(const std::shared_ptr<Context>& context);

}  // namespace scheduler
