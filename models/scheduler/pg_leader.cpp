// A cron fire on the PostgreSQL task store: BEGIN; INSERT INTO fires (schedule, nominal, node,
// token); (fixed) UPDATE fence SET token = T WHERE id = 1 AND token <= T; INSERT INTO tasks (the
// tick's task, due at the tick); COMMIT. The fixed design's fires table has its primary key on
// (schedule, nominal): a second fire of the tick, say by a deposed leader that woke from a pause,
// fails with 23505 (waiting first, under read committed, for a concurrent insert of the same key
// to commit or abort) and its transaction creates no task. The seed's table has no key, so both
// fires commit and the tick runs twice. The fence refuses a fire under a token below the highest
// seen (the etcd election's revision; client-go and redis give none, 0). The fixed design applies
// Kubernetes' overlap policies in the same transaction: Forbid starts nothing while a task of the
// schedule is pending or running (tried again at the next check), Replace marks those tasks
// cancelled (their workers' heartbeats then find the row gone and land no effect).
//
// lastScheduleTime is the schedule's row of the schedules table, set in the fire's transaction (the
// seed's write unguarded, the fixed design's forward only, behind the fence), so the fire record
// and the time the leader next reads commit together or not at all.
#include <fmt/format.h>

#include <algorithm>

#include "models/scheduler/io.hpp"
#include "models/scheduler/leader.hpp"

namespace scheduler {

// The fire's transaction, after BEGIN: the overlap policy's query, the fire record, the fence and
// the tick's task. Returns why the fire was refused ("" when every statement succeeded); the
// caller commits or rolls back. `active` tells a forbid whose schedule still has a run.
sim::Task<std::string> SchedulerNode::fire_pg_statements(int schedule, Tick tick, std::int64_t token, bool& active,
                                                         std::vector<std::string>& cancelled) {
  bool fixed = context_->options.design == Design::fixed;
  Overlap overlap = fixed ? context_->options.cron.overlap : Overlap::allow;
  if (overlap == Overlap::forbid) {
    postgres::Reply runs = co_await db_->run(sql::active_runs(schedule));
    active = !runs.ok() || !runs.rows().empty();  // no answer: counted as active, tried at the next check
    if (active) co_return "a run is still active";
  }
  if (fixed) {
    std::string fenced = co_await pass_fence_pg(token);
    if (!fenced.empty()) co_return fenced;
  }
  if (overlap == Overlap::replace) {
    std::string refused = co_await cancel_runs_pg(schedule, cancelled);
    if (!refused.empty()) co_return refused;
  }
  std::string refused = co_await insert_tick_pg(schedule, tick, token);
  if (!refused.empty()) co_return refused;
  // lastScheduleTime, in the fire's transaction: the seed's write unguarded, the fixed one's forward only.
  postgres::Statement set_last = sql::set_last(schedule, tick.due, fixed);
  postgres::Reply last = co_await db_->run(std::move(set_last));
  if (!last.ok()) co_return last.sqlstate();
  co_return "";
}

sim::Task<std::string> SchedulerNode::pass_fence_pg(std::int64_t token) {
  postgres::Statement raise = sql::raise_fence(token);
  postgres::Reply raised = co_await db_->run(std::move(raise));
  if (!raised.ok()) co_return raised.sqlstate();
  if (raised.rows().empty()) co_return fmt::format("fencing token {} is below the fence", token);
  co_return "";
}

sim::Task<std::string> SchedulerNode::cancel_runs_pg(int schedule, std::vector<std::string>& cancelled) {
  postgres::Statement cancel = sql::cancel_runs(schedule);
  postgres::Reply runs = co_await db_->run(std::move(cancel));
  if (!runs.ok()) co_return runs.sqlstate();
  for (const postgres::Row& row : runs.rows()) cancelled.push_back(task_row(row).name);
  co_return "";
}

// cancel_other: running rows are asked to cancel (their workers close them when their handlers
// return), rows not yet claimed are cancelled at once.
sim::Task<std::string> SchedulerNode::request_cancel_pg(int schedule, std::vector<std::string>& cancelled) {
  postgres::Statement ask = sql::request_cancel(schedule);
  postgres::Reply asked = co_await db_->run(std::move(ask));
  if (!asked.ok()) co_return asked.sqlstate();
  for (const postgres::Row& row : asked.rows()) cancelled.push_back(task_row(row).name);
  co_return co_await cancel_runs_pg(schedule, cancelled);
}

// The fire record keyed (schedule, nominal) in the fixed design, then the tick's task.
sim::Task<std::string> SchedulerNode::insert_tick_pg(int schedule, Tick tick, std::int64_t token) {
  postgres::Statement record =
      sql::insert_fire(schedule, tick.nominal, context_->options.scheduler_name(index_), token);
  postgres::Reply inserted = co_await db_->run(std::move(record));
  if (!inserted.ok()) co_return inserted.sqlstate();
  std::string task = fmt::format("cron-{}@{}", schedule + 1, tick.nominal);
  postgres::Statement row =
      sql::insert_cron_task(context_->next_task_id++, task, tick.due * 1000, schedule, tick.nominal);
  postgres::Reply added = co_await db_->run(std::move(row));
  if (!added.ok()) co_return added.sqlstate();
  co_return "";
}

// Temporal's pass after BEGIN: the schedule's row read FOR UPDATE (its last pass and buffer), whether
// a run is active from the tasks table, the overlap policy's step, the fence, terminate_other's
// cancellation, each start's fire record and task, and the row's new time and buffer.
sim::Task<std::string> SchedulerNode::temporal_pass_pg(int schedule, std::int64_t now_s, TemporalStep& step,
                                                       std::vector<std::string>& cancelled) {
  const CronOptions& c = context_->options.cron;
  postgres::Statement read = sql::schedule_row(schedule, true);
  postgres::Reply status = co_await db_->run(std::move(read));
  if (!status.ok()) co_return status.sqlstate();
  if (status.rows().empty()) co_return "no row in schedules";
  auto [last, buffer] = schedule_status(status.rows().front());
  if (last < 0) last = context_->options.start_s;  // counted from the schedule's creation
  bool running = false;
  bool cancel_other = c.overlap == Overlap::cancel_other;
  if (cancel_other) {  // a run asked to cancel whose worker died has ended once its lease has
    postgres::Statement close = sql::close_lapsed_cancels(schedule, now_s * 1000);
    postgres::Reply lapsed = co_await db_->run(std::move(close));
    if (!lapsed.ok()) co_return lapsed.sqlstate();
  }
  if (c.overlap != Overlap::allow) {
    postgres::Statement ask = sql::active_runs(schedule);
    if (cancel_other) ask = sql::live_runs(schedule);
    postgres::Reply runs = co_await db_->run(std::move(ask));
    if (!runs.ok()) co_return runs.sqlstate();
    running = !runs.rows().empty();
  }
  const Schedule& cron = context_->crons.at(static_cast<std::size_t>(schedule));
  step = temporal_step(cron, last, now_s, ticks_from_text(buffer), running, c.overlap, c.catchup_window);
  std::int64_t token = election_->token();
  std::string refused = co_await pass_fence_pg(token);
  if (refused.empty() && step.terminate) refused = co_await cancel_runs_pg(schedule, cancelled);
  if (refused.empty() && step.cancel) refused = co_await request_cancel_pg(schedule, cancelled);
  for (const Tick& tick : step.start) {
    if (!refused.empty()) break;
    context_->trace(node_, "scheduler.fire", fmt::format("cron-{} tick {}", schedule + 1, tick.nominal));
    refused = co_await insert_tick_pg(schedule, tick, token);
  }
  if (!refused.empty()) co_return refused;
  std::string left = ticks_text(step.buffer);
  postgres::Statement set = sql::set_pass(schedule, std::max(last, now_s), left);
  postgres::Reply pass = co_await db_->run(std::move(set));
  if (!pass.ok()) co_return pass.sqlstate();
  co_return "";
}

// Temporal on the PostgreSQL store: one transaction a schedule a check (temporal_pass_pg), so the
// buffer, the runs it starts and the time of the pass commit together or not at all.
sim::Task<void> SchedulerNode::fire_temporal_pg(int schedule, std::int64_t now_s) {
  TemporalStep step;
  std::vector<std::string> cancelled;
  postgres::Reply begun = co_await db_->begin();
  std::string refusal = begun.sqlstate();
  if (begun.ok()) refusal = co_await temporal_pass_pg(schedule, now_s, step, cancelled);
  if (refusal.empty()) {
    postgres::Reply committed = co_await db_->commit();
    if (!committed.ok()) refusal = committed.sqlstate();  // 08006: in doubt, counted as not taken
  } else {
    co_await db_->rollback();
  }
  bool accepted = refusal.empty();
  for (const Tick& tick : step.start)
    context_->observations.fires.push_back(
        FireRecord{schedule, tick.nominal, context_->world.now(), index_, accepted, election_->token()});
  context_->judge_closed();
  if (!accepted) {
    context_->trace(node_, "scheduler.pass_refused", fmt::format("cron-{}: {}", schedule + 1, refusal));
    co_return;
  }
  note_temporal_step(schedule, step);
  for (const std::string& name : cancelled) context_->observations.cancelled.insert(name);
  for (const Tick& tick : step.start) note_submission(fmt::format("cron-{}@{}", schedule + 1, tick.nominal));
}

sim::Task<void> SchedulerNode::fire_pg(int schedule, Tick tick) {
  std::int64_t token = election_->token();
  std::string task = fmt::format("cron-{}@{}", schedule + 1, tick.nominal);
  std::string refusal;
  bool active = false;
  std::vector<std::string> cancelled;
  postgres::Reply begun = co_await db_->begin();
  if (!begun.ok()) refusal = begun.sqlstate();
  if (refusal.empty()) refusal = co_await fire_pg_statements(schedule, tick, token, active, cancelled);
  if (refusal.empty()) {
    postgres::Reply committed = co_await db_->commit();
    if (!committed.ok()) refusal = committed.sqlstate();  // 08006: in doubt, counted as not taken
  } else {
    co_await db_->rollback();
  }
  if (active) {  // Forbid, as the SQS-like queue's: no fire, the tick is tried again at the next check
    ++context_->observations.forbidden;
    context_->trace(node_, "scheduler.forbid", fmt::format("cron-{}: a run is still active", schedule + 1));
    co_return;
  }
  bool accepted = refusal.empty();
  context_->observations.fires.push_back(
      FireRecord{schedule, tick.nominal, context_->world.now(), index_, accepted, token});
  context_->judge_closed();
  if (!accepted) {
    context_->trace(node_, "scheduler.fire_refused",
                    fmt::format("cron-{} tick {}: {}", schedule + 1, tick.nominal, refusal));
    co_return;
  }
  for (const std::string& name : cancelled) context_->observations.cancelled.insert(name);
  if (!cancelled.empty())
    context_->trace(node_, "scheduler.replace",
                    fmt::format("cron-{}: {} active run(s) cancelled", schedule + 1, cancelled.size()));
  note_submission(task);
}

sim::Task<std::optional<std::pair<std::int64_t, std::string>>> SchedulerNode::status_of_pg(int schedule) {
  postgres::Statement read = sql::schedule_row(schedule, false);
  postgres::Reply found = co_await db_->run(std::move(read));
  if (!found.ok() || found.rows().empty()) co_return std::nullopt;
  co_return schedule_status(found.rows().front());
}

sim::Task<void> SchedulerNode::mark_processed_pg(int schedule, std::int64_t until) {
  std::string refusal;
  postgres::Reply begun = co_await db_->begin();
  if (!begun.ok()) refusal = begun.sqlstate();
  if (refusal.empty()) {
    postgres::Statement raise = sql::raise_fence(election_->token());
    postgres::Reply raised = co_await db_->run(std::move(raise));
    if (!raised.ok() || raised.rows().empty()) refusal = raised.ok() ? "below the fence" : raised.sqlstate();
  }
  if (refusal.empty()) {
    postgres::Statement forward = sql::set_last(schedule, until, true);
    postgres::Reply set = co_await db_->run(std::move(forward));
    if (!set.ok()) refusal = set.sqlstate();
  }
  if (refusal.empty()) {
    co_await db_->commit();
    co_return;
  }
  co_await db_->rollback();
  context_->trace(node_, "scheduler.processed_refused", fmt::format("cron-{}: {}", schedule + 1, refusal));
}

}  // namespace scheduler
