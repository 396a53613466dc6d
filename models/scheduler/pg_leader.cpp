// A cron fire on the PostgreSQL task store: BEGIN; INSERT INTO fires (schedule, nominal, node,
// token); (fixed) UPDATE fence SET token = T WHERE id = 1 AND token <= T; INSERT INTO tasks (the
// tick's task, due at the tick); COMMIT. The fixed design's fires table has its primary key on
// (schedule, nominal): a second fire of the tick, say by a deposed leader that woke from a pause,
// fails with 23505 (waiting first, under read committed, for a concurrent insert of the same key
// to commit or abort) and its transaction creates no task. The seed's table has no key, so both
// fires commit and the tick runs twice. The fence refuses a fire under a token below the highest
// seen (the etcd election's revision; client-go and redis give none, 0).
//
// lastScheduleTime stays on the store node, as with the other queues: the seed writes it
// unguarded, the fixed design as a fenced "processed" mark after its fire committed.
#include <fmt/format.h>

#include "models/scheduler/io.hpp"
#include "models/scheduler/leader.hpp"

namespace scheduler {

sim::Task<void> SchedulerNode::fire_pg(int schedule, Tick tick) {
  bool fixed = context_->options.design == Design::fixed;
  std::int64_t token = election_->token();
  std::string task = fmt::format("cron-{}@{}", schedule + 1, tick.nominal);
  std::string refusal;
  postgres::Reply begun = co_await db_->begin();
  if (!begun.ok()) refusal = begun.sqlstate();
  if (refusal.empty()) {
    postgres::Statement record =
        sql::insert_fire(schedule, tick.nominal, context_->options.scheduler_name(index_), token);
    postgres::Reply inserted = co_await db_->run(std::move(record));
    if (!inserted.ok()) refusal = inserted.sqlstate();
  }
  if (refusal.empty() && fixed) {
    postgres::Statement fence = sql::raise_fence(token);
    postgres::Reply raised = co_await db_->run(std::move(fence));
    if (!raised.ok())
      refusal = raised.sqlstate();
    else if (raised.rows().empty())
      refusal = fmt::format("fencing token {} is below the fence", token);
  }
  if (refusal.empty()) {
    postgres::Statement row = sql::insert_task(context_->next_task_id++, task, tick.due * 1000);
    postgres::Reply inserted = co_await db_->run(std::move(row));
    if (!inserted.ok()) refusal = inserted.sqlstate();
  }
  if (refusal.empty()) {
    postgres::Reply committed = co_await db_->commit();
    if (!committed.ok()) refusal = committed.sqlstate();  // 08006: in doubt, counted as not taken
  } else {
    co_await db_->rollback();
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
