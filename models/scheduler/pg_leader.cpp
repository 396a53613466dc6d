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
// lastScheduleTime stays on the store node, as with the other queues: the seed writes it
// unguarded, the fixed design as a fenced "processed" mark after its fire committed.
#include <fmt/format.h>

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
  postgres::Statement record =
      sql::insert_fire(schedule, tick.nominal, context_->options.scheduler_name(index_), token);
  postgres::Reply inserted = co_await db_->run(std::move(record));
  if (!inserted.ok()) co_return inserted.sqlstate();
  if (fixed) {
    postgres::Reply raised = co_await db_->run(sql::raise_fence(token));
    if (!raised.ok()) co_return raised.sqlstate();
    if (raised.rows().empty()) co_return fmt::format("fencing token {} is below the fence", token);
  }
  if (overlap == Overlap::replace) {
    postgres::Reply runs = co_await db_->run(sql::cancel_runs(schedule));
    if (!runs.ok()) co_return runs.sqlstate();
    for (const postgres::Row& row : runs.rows()) cancelled.push_back(task_row(row).name);
  }
  std::string task = fmt::format("cron-{}@{}", schedule + 1, tick.nominal);
  postgres::Statement row =
      sql::insert_cron_task(context_->next_task_id++, task, tick.due * 1000, schedule, tick.nominal);
  postgres::Reply added = co_await db_->run(std::move(row));
  if (!added.ok()) co_return added.sqlstate();
  co_return "";
}

sim::Task<void> SchedulerNode::fire_pg(int schedule, Tick tick) {
  bool fixed = context_->options.design == Design::fixed;
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
  if (fixed) {
    std::string no_buffer;
    co_await mark_processed(schedule, tick.due, no_buffer);
    co_return;
  }
  Request last;  // the seed's lastScheduleTime, unguarded
  last.op = Op::status_set;
  last.number = schedule;
  last.when = tick.due;
  co_await call(*context_, ex_, context_->store, last);
}

}  // namespace scheduler
