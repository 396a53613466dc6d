#include "models/scheduler/pg_worker.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/kernel/spawn.hpp"

namespace scheduler {

void PgWorker::boot(const std::shared_ptr<Context>& context, int index) {
  auto worker = std::make_shared<PgWorker>(context, index);
  PgWorker* raw = worker.get();
  sim::NodeId node = context->workers.at(static_cast<std::size_t>(index));
  context->world.node(node).set_process(std::move(worker));
  sim::spawn(context->world.executor(node), raw->run());
}

PgWorker::PgWorker(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      index_(index),
      node_(context_->workers.at(static_cast<std::size_t>(index))),
      ex_(context_->world.executor(node_)),
      rng_(context_->world.rng("scheduler/" + context_->options.worker_name(index))
               .derive("incarnation/" + std::to_string(context_->world.node(node_).incarnation()))),
      db_(ex_, context_->pg->primary(), context_->options.request_timeout),
      beat_db_(ex_, context_->pg->primary(), context_->options.request_timeout) {}

sim::Task<void> PgWorker::run() {
  bool fixed = context_->options.design == Design::fixed;
  for (;;) {
    std::optional<TaskRow> row = co_await claim();
    pg_sample_depth(*context_);
    if (!row) {
      co_await sim::sleep(context_->options.poll);
      continue;
    }
    Attempt attempt{*row, 0};
    attempt.id = context_->attempt_started(row->name, index_, static_cast<int>(row->attempt));
    context_->trace(node_, "worker.claimed", fmt::format("{} (row {}) attempt {}", row->name, row->id, row->attempt));
    if (fixed)
      co_await process_fixed(attempt);
    else
      co_await process_seed(attempt);
  }
}

sim::Task<std::optional<TaskRow>> PgWorker::claim() {
  const SchedulerOptions& o = context_->options;
  postgres::Reply begun = co_await db_.begin();
  if (!begun.ok()) co_return std::nullopt;
  std::optional<std::int64_t> now = co_await db_.now_ms();  // now(): the transaction's start
  if (!now) {
    co_await db_.rollback();
    co_return std::nullopt;
  }
  postgres::Statement pick = sql::claim_select(*now);
  postgres::Reply picked = co_await db_.run(std::move(pick));
  if (!picked.ok() || picked.rows().empty()) {
    co_await db_.rollback();
    co_return std::nullopt;
  }
  TaskRow row = task_row(picked.rows().front());
  context_->trace(node_, "worker.locked", fmt::format("{} (row {})", row.name, row.id));
  if (o.max_attempts > 0 && row.attempt >= o.max_attempts) {
    co_await bury(row);  // its last attempt's lease expired: past the budget, as SQS's receive past maxReceiveCount
    co_return std::nullopt;
  }
  sim::Duration lease = o.design == Design::fixed ? o.heartbeat_timeout : o.visibility;
  postgres::Statement take = sql::claim_update(row.id, *now + lease.ns() / 1'000'000);
  postgres::Reply taken = co_await db_.run(std::move(take));
  if (!taken.ok() || taken.rows().size() != 1) {
    co_await db_.rollback();
    co_return std::nullopt;
  }
  postgres::Reply committed = co_await db_.commit();
  // A lost COMMIT answer leaves the claim in doubt: the lease, if it committed, brings the row back.
  if (!committed.ok()) co_return std::nullopt;
  co_return task_row(taken.rows().front());
}

// In the claim's transaction: the row goes to state dead instead of to a new attempt.
sim::Task<void> PgWorker::bury(const TaskRow& row) {
  postgres::Statement bury = sql::bury(row.id, row.attempt);
  postgres::Reply buried = co_await db_.run(std::move(bury));
  if (!buried.ok() || buried.rows().size() != 1) {
    co_await db_.rollback();
    co_return;
  }
  postgres::Reply committed = co_await db_.commit();
  if (committed.ok())
    context_->trace(node_, "worker.dead_letter",
                    fmt::format("{} (row {}) after {} attempts, the last one's lease expired", row.name, row.id,
                                row.attempt));
}

sim::Task<void> PgWorker::write(const Attempt& attempt, postgres::Statement statement) {
  postgres::Reply reply = co_await db_.run(std::move(statement));
  if (reply.broken) co_return;
  bool accepted = reply.ok() && !reply.rows().empty();
  bool stale = accepted && task_row(reply.rows().front()).attempt > attempt.row.attempt;
  context_->observations.acks.push_back(
      AckRecord{attempt.row.name, attempt.id, context_->world.now(), accepted, stale});
  context_->trace(node_, "worker.write",
                  fmt::format("{} (row {}) attempt {}: {}", attempt.row.name, attempt.row.id, attempt.row.attempt,
                              !accepted ? "no row"
                              : stale   ? "changed a newer attempt's row"
                                        : "done"));
}

sim::Task<void> PgWorker::process_seed(Attempt attempt) {
  const SchedulerOptions& o = context_->options;
  co_await sim::sleep(o.work.sample(rng_));
  HandlerOutcome outcome = co_await land_effect(*context_, ex_, attempt.row.name, attempt.row.attempt, attempt.id);
  const TaskRow& row = attempt.row;
  if (outcome == HandlerOutcome::transient && row.retries < o.max_retries) {
    // update_task(PENDING, schedule_time = now() + 60 x 2^k, retry_count + 1): the worker's wall clock.
    sim::Duration backoff = sim::Duration::seconds(60) * (std::int64_t{1} << std::min<std::int64_t>(row.retries, 30));
    std::int64_t due = (context_->world.node(node_).clock().wall(context_->world.now()) + backoff).unix_ms();
    postgres::Statement again = sql::retry(row.id, std::nullopt, due, row.retries + 1);
    co_await write(attempt, std::move(again));
    co_return;
  }
  bool completed = outcome == HandlerOutcome::succeeded || outcome == HandlerOutcome::abandoned;
  context_->observations.finals.push_back(
      FinalRecord{row.name, context_->world.now(), completed, outcome == HandlerOutcome::permanent});
  postgres::Statement done = sql::finish(row.id, std::nullopt, completed ? "done" : "failed");
  co_await write(attempt, std::move(done));
}

sim::Task<void> PgWorker::heartbeat(TaskRow row, std::shared_ptr<int> state) {
  const SchedulerOptions& o = context_->options;
  for (;;) {
    co_await sim::sleep(o.heartbeat_interval);
    if (*state != 0) co_return;
    if (beat_db_.busy()) continue;  // the last attempt's heartbeat still waits for its answer
    std::optional<std::int64_t> now = co_await beat_db_.now_ms();
    if (*state != 0) co_return;
    if (!now) continue;
    std::int64_t until = *now + o.heartbeat_timeout.ns() / 1'000'000;
    postgres::Statement extend = o.cron.overlap == Overlap::cancel_other ? sql::extend_live(row.id, row.attempt, until)
                                                                         : sql::extend(row.id, row.attempt, until);
    postgres::Reply reply = co_await beat_db_.run(std::move(extend));
    if (*state != 0) co_return;
    if (reply.ok() && reply.rows().empty()) {
      *state = 2;  // the row is no longer this attempt's: give it up
      co_return;
    }
  }
}

// Replace: whether the run's row was cancelled by a newer tick, read before the effect (as the
// SQS-like worker's last heartbeat asks). No answer: not known to be cancelled. cancel_other: a row
// asked to cancel is closed here, which lets the newest start begin.
sim::Task<bool> PgWorker::cancelled(const TaskRow& row) {
  postgres::Reply found = co_await db_.run(sql::task_by_id(row.id));
  if (!found.ok() || found.rows().empty()) co_return false;
  std::string state = std::get<std::string>(found.rows().front().at(col_state));
  if (state == "cancelling") {
    postgres::Statement close = sql::close_cancel(row.id, row.attempt);
    co_await db_.run(std::move(close));
  }
  co_return state == "cancelled" || state == "cancelling";
}

sim::Task<void> PgWorker::process_fixed(Attempt attempt) {
  const SchedulerOptions& o = context_->options;
  const TaskRow& row = attempt.row;
  auto state = std::make_shared<int>(0);  // 0 running, 1 done, 2 lost the row
  sim::spawn(ex_, heartbeat(row, state));
  co_await sim::sleep(o.work.sample(rng_));
  bool cancellable = o.cron.overlap == Overlap::replace || o.cron.overlap == Overlap::cancel_other;
  bool ended = false;
  if (cancellable && row.name.rfind("cron-", 0) == 0) ended = co_await cancelled(row);
  if (ended) {
    *state = 1;  // Replace, cancel_other: a newer tick cancelled this run; it lands no effect
    context_->attempt_ended(attempt.id, "cancelled");
    co_return;
  }
  HandlerOutcome outcome = co_await land_effect(*context_, ex_, row.name, row.attempt, attempt.id);
  bool lost = *state == 2;
  *state = 1;
  if (lost || outcome == HandlerOutcome::abandoned) co_return;  // a newer attempt owns the row now
  if (outcome == HandlerOutcome::transient && o.max_attempts > 0 && row.attempt >= o.max_attempts) {
    // The budget is spent: the statement that records this failure also buries the row.
    context_->trace(node_, "worker.dead_letter", fmt::format("{} (row {}) after {} attempts", row.name, row.id,
                                                             row.attempt));
    postgres::Statement dead = sql::finish(row.id, row.attempt, "dead");
    co_await write(attempt, std::move(dead));
    co_return;
  }
  if (outcome == HandlerOutcome::transient) {
    std::optional<std::int64_t> now = co_await db_.now_ms();
    if (!now) co_return;  // the lease brings the row back
    sim::Duration ceiling =
        std::min(o.backoff_cap, o.backoff_base * (std::int64_t{1} << std::min<std::int64_t>(row.attempt - 1, 30)));
    std::int64_t wait_ms = static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(ceiling.ns()))) / 1'000'000;
    postgres::Statement again = sql::retry(row.id, row.attempt, *now + wait_ms, std::nullopt);
    co_await write(attempt, std::move(again));
    co_return;
  }
  context_->observations.finals.push_back(FinalRecord{
      row.name, context_->world.now(), outcome == HandlerOutcome::succeeded, outcome == HandlerOutcome::permanent});
  postgres::Statement done = sql::finish(row.id, row.attempt, outcome == HandlerOutcome::succeeded ? "done" : "failed");
  co_await write(attempt, std::move(done));
}

}  // namespace scheduler
