#include "models/scheduler/worker.hpp"

#include <fmt/format.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/redirect_error.hpp>

#include <algorithm>

#include "models/scheduler/io.hpp"
#include "sim/kernel/spawn.hpp"

namespace scheduler {

std::uint64_t Context::attempt_started(const std::string& task, int worker, int receives) {
  AttemptRecord a;
  a.id = ++observations.attempts_recorded;
  a.task = task;
  a.worker = worker;
  a.receives = receives;
  a.started = world.now();
  observations.attempts.push_back(a);
  return a.id;
}

void Context::attempt_ended(std::uint64_t attempt, const std::string& outcome) {
  AttemptRecord* a = observations.attempt(attempt);
  if (!a || a->ended) return;
  a->ended = world.now();
  a->outcome = outcome;
}

sim::Task<HandlerOutcome> land_effect(Context& context, sim::Executor ex, std::string task, std::int64_t token,
                                      std::uint64_t attempt) {
  const DownstreamOptions& d = context.options.downstream;
  sim::Instant now = context.world.now();
  if (d.fail_from && now >= sim::Instant::zero() + *d.fail_from && now < sim::Instant::zero() + *d.fail_until) {
    context.attempt_ended(attempt, d.permanent ? "permanent" : "transient");
    co_return d.permanent ? HandlerOutcome::permanent : HandlerOutcome::transient;
  }
  Request write;
  write.op = Op::write;
  write.task = std::move(task);
  write.token = token;
  write.attempt = attempt;
  std::shared_ptr<const Response> wrote = co_await call(context, ex, context.sink, write);
  if (!wrote) {
    context.attempt_ended(attempt, "transient");
    co_return HandlerOutcome::transient;  // a timeout: the effect may or may not have landed
  }
  context.attempt_ended(attempt, wrote->ok ? "succeeded" : "refused");
  co_return wrote->ok ? HandlerOutcome::succeeded : HandlerOutcome::abandoned;
}

void Worker::boot(const std::shared_ptr<Context>& context, int index) {
  auto worker = std::make_shared<Worker>(context, index);
  Worker* raw = worker.get();
  sim::NodeId node = context->workers.at(static_cast<std::size_t>(index));
  context->world.node(node).set_process(std::move(worker));
  sim::spawn(context->world.executor(node), raw->run());
}

Worker::Worker(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      index_(index),
      node_(context_->workers.at(static_cast<std::size_t>(index))),
      ex_(context_->world.executor(node_)),
      rng_(context_->world.rng("scheduler/" + context_->options.worker_name(index))
               .derive("incarnation/" + std::to_string(context_->world.node(node_).incarnation()))) {}

sim::Task<void> Worker::run() {
  const SchedulerOptions& o = context_->options;
  bool fixed = o.design == Design::fixed;
  for (;;) {
    Request receive;
    receive.op = Op::receive;
    receive.has_duration = fixed;  // the seed takes the queue's default, then sets its own
    receive.duration = o.heartbeat_timeout;
    std::shared_ptr<const Response> got = co_await call(*context_, ex_, context_->queue, receive);
    if (!got || !got->ok) {
      co_await sim::sleep(o.poll);
      continue;
    }
    Attempt attempt{got->task, got->handle, static_cast<int>(got->number), 0};
    if (fixed && o.task_table && !co_await claim(attempt)) continue;
    attempt.id = context_->attempt_started(task_of(attempt.body), index_, attempt.receives);
    context_->trace(node_, "worker.received",
                    fmt::format("{} receive {} ({})", attempt.body, attempt.receives, attempt.handle));
    if (fixed)
      co_await process_fixed(attempt);
    else
      co_await process_seed(attempt);
  }
}

sim::Task<Worker::Outcome> Worker::handle(const Attempt& attempt, std::shared_ptr<Run> run) {
  const SchedulerOptions& o = context_->options;
  co_await work(run);
  bool cancellable = o.cron.overlap == Overlap::replace || o.cron.overlap == Overlap::cancel_other;
  if (run && run->state == Run::running && cancellable && attempt.body.rfind("cron-", 0) == 0) {
    // Replace, cancel_other: a run confirms it is still current (one more heartbeat) before its effect.
    Request beat;
    beat.op = Op::change_visibility;
    beat.handle = attempt.handle;
    beat.duration = o.heartbeat_timeout;
    std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, beat);
    if (answer && run->state == Run::running) run->state = state_of(answer.get());
  }
  if (run && (run->state == Run::cancelled || run->state == Run::cancel_requested)) {
    context_->attempt_ended(attempt.id, "cancelled");
    co_return Outcome::abandoned;
  }
  Outcome outcome = co_await land_effect(*context_, ex_, task_of(attempt.body), attempt.receives, attempt.id);
  co_return outcome;
}

// The handler's work; under cancel_other a heartbeat's cancellation cuts it short.
sim::Task<void> Worker::work(std::shared_ptr<Run> run) {
  const SchedulerOptions& o = context_->options;
  sim::Duration time = o.work.sample(rng_);
  if (!run || o.cron.overlap != Overlap::cancel_other) {
    co_await sim::sleep(time);
    co_return;
  }
  sim::error_code interrupted;
  co_await sim::sleep_for(ex_, time,
                          boost::asio::bind_cancellation_slot(
                              run->interrupt.slot(), boost::asio::redirect_error(sim::use_awaitable, interrupted)));
  if (interrupted) context_->trace(node_, "worker.interrupted", "the run was asked to cancel: its work stops");
}

Worker::Run::State Worker::state_of(const Response* answer) {
  if (answer->text == "cancelled") return Run::cancelled;
  if (answer->text == "cancel_requested") return Run::cancel_requested;
  return answer->ok ? Run::running : Run::lost;
}

sim::Task<void> Worker::ack(const Attempt& attempt, Op op) {
  Request request;
  request.op = op;
  request.task = task_of(attempt.body);
  request.handle = attempt.handle;
  request.number = attempt.receives;
  std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, request);
  if (!answer) co_return;
  context_->observations.acks.push_back(
      AckRecord{request.task, attempt.id, context_->world.now(), answer->ok, answer->ok && answer->number == 1});
}

sim::Task<void> Worker::process_seed(Attempt attempt) {
  const SchedulerOptions& o = context_->options;
  Request hide;
  hide.op = Op::set_visibility_id;
  hide.task = task_of(attempt.body);
  hide.duration = o.visibility;
  co_await call(*context_, ex_, context_->queue, hide);
  Outcome outcome = co_await handle(attempt);
  if (outcome == Outcome::transient && retries_of(attempt.body) < o.max_retries) {
    co_await seed_retry(attempt);
    co_return;
  }
  co_await seed_finish(attempt, outcome);
}

sim::Task<void> Worker::seed_finish(const Attempt& attempt, Outcome outcome) {
  bool completed = outcome == Outcome::succeeded || outcome == Outcome::abandoned;
  if (context_->options.task_table) {
    bool wrote = co_await update_task(task_write(attempt, completed ? "COMPLETED" : "FAILED")) != nullptr;
    if (!wrote && !completed) co_return;  // raised in an except handler: it escapes, no ack
    if (!wrote) {  // raised in the try block: `except Exception` marks the task FAILED and acks
      completed = false;
      if (!co_await update_task(task_write(attempt, "FAILED"))) co_return;
    }
  }
  context_->observations.finals.push_back(
      FinalRecord{task_of(attempt.body), context_->world.now(), completed, outcome == Outcome::permanent});
  co_await ack(attempt, Op::ack_id);
}

Request Worker::task_write(const Attempt& attempt, const char* status) const {
  Request write;
  write.op = Op::task_update;
  write.task = task_of(attempt.body);
  write.status = status;
  if (context_->options.design == Design::fixed) write.token = attempt.receives;
  return write;
}

sim::Task<std::shared_ptr<const Response>> Worker::update_task(Request write) {
  co_return co_await call(*context_, ex_, context_->store, std::move(write));
}

// The seed's retry: update_task(PENDING, schedule_time = now() + 60 x 2^k, retry_count + 1) puts
// the task back in the delay queue at the worker's own wall clock, then nack makes the message
// visible again at once. With the task table, the row takes the status, the retry_count the
// worker computed from its copy (k + 1, whatever the row holds) and the schedule_time first; a
// write that raises escapes the `except RetryableError` handler: no copy, no nack, and the
// message comes back when its visibility ends.
sim::Task<void> Worker::seed_retry(const Attempt& attempt) {
  const SchedulerOptions& o = context_->options;
  int k = retries_of(attempt.body);
  std::string task = task_of(attempt.body);
  sim::Duration backoff = sim::Duration::seconds(60) * (std::int64_t{1} << std::min(k, 30));
  std::string next = fmt::format("{}|{}", task, k + 1);
  sim::WallTime when = context_->world.node(node_).clock().wall(context_->world.now()) + backoff;
  if (o.task_table) {
    Request write = task_write(attempt, "PENDING");
    write.number = k + 1;
    write.when = when.unix_ms();
    if (!co_await update_task(std::move(write))) co_return;  // raised in the handler: it escapes, no nack

  }
  if (o.delay_queue == DelayQueue::redis) {
    std::vector<std::string> zadd{"ZADD", context_->delay_key, std::to_string(when.unix_ms()), next};
    co_await redis_call(*context_, ex_, std::move(zadd));
  } else {
    Request send;
    send.op = Op::send;
    send.task = next;
    send.duration = std::min(backoff, sim::Duration::minutes(15));
    co_await call(*context_, ex_, context_->queue, send);
  }
  co_await ack(attempt, Op::nack_id);
}

sim::Task<void> Worker::heartbeat(std::string handle, std::shared_ptr<Run> run) {
  const SchedulerOptions& o = context_->options;
  for (;;) {
    co_await sim::sleep(o.heartbeat_interval);
    if (run->state != Run::running) co_return;
    Request beat;
    beat.op = Op::change_visibility;
    beat.handle = handle;
    beat.duration = o.heartbeat_timeout;
    std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, beat);
    if (run->state != Run::running) co_return;
    if (!answer) continue;
    run->state = state_of(answer.get());  // not running: the queue no longer counts this attempt, give it up
    if (run->state == Run::cancel_requested) run->interrupt.emit(boost::asio::cancellation_type::terminal);
    if (run->state != Run::running) co_return;
  }
}

sim::Task<void> Worker::process_fixed(Attempt attempt) {
  const SchedulerOptions& o = context_->options;
  auto run = std::make_shared<Run>();
  sim::spawn(ex_, heartbeat(attempt.handle, run));
  Outcome outcome = co_await handle(attempt, run);
  Run::State ended = run->state;
  run->state = Run::done;
  std::string task = task_of(attempt.body);
  if (ended == Run::cancel_requested) {  // the run has stopped: its message goes, and the run with it
    co_await ack(attempt, Op::delete_message);
    co_return;
  }
  bool lost = ended == Run::lost || ended == Run::cancelled;
  if (lost || outcome == Outcome::abandoned) co_return;  // a newer attempt owns the task now
  if (outcome == Outcome::transient) {
    co_await fixed_retry(attempt);
    co_return;
  }
  if (o.task_table) {  // the row is the commit: the delete only tidies a message whose task has ended
    std::shared_ptr<const Response> wrote =
        co_await update_task(task_write(attempt, outcome == Outcome::succeeded ? "COMPLETED" : "FAILED"));
    if (!wrote || !wrote->ok) co_return;  // its visibility ends and the message comes back
  }
  context_->observations.finals.push_back(
      FinalRecord{task, context_->world.now(), outcome == Outcome::succeeded, outcome == Outcome::permanent});
  co_await ack(attempt, Op::delete_message);
}

// A transient failure: the message comes back after a full-jitter backoff by the queue's clock;
// with the task table, the row first counts the retry in the store, under the attempt's token.
sim::Task<void> Worker::fixed_retry(const Attempt& attempt) {
  const SchedulerOptions& o = context_->options;
  sim::Duration ceiling =
      std::min(o.backoff_cap, o.backoff_base * (std::int64_t{1} << std::min(attempt.receives - 1, 30)));
  Request later;
  later.op = Op::change_visibility;
  later.handle = attempt.handle;
  later.duration =
      sim::Duration::nanoseconds(static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(ceiling.ns()))));
  if (o.task_table) {
    Request write = task_write(attempt, "PENDING");
    write.duration = later.duration;
    co_await update_task(std::move(write));
  }
  co_await call(*context_, ex_, context_->queue, later);
}

// The row RUNNING under this receive's token; a row already COMPLETED or FAILED has its message
// deleted unrun (a crash between the row's write and the delete), a newer claim's is left alone.
sim::Task<bool> Worker::claim(const Attempt& attempt) {
  Request claim;
  claim.op = Op::task_claim;
  claim.task = task_of(attempt.body);
  claim.token = attempt.receives;
  std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->store, claim);
  if (!answer) co_return false;  // hidden until its visibility ends, then received again
  if (answer->ok) co_return true;
  if (answer->text != "COMPLETED" && answer->text != "FAILED") co_return false;
  context_->trace(node_, "worker.finished_task",
                  fmt::format("{} is {} in the task table: its message is deleted unrun", claim.task, answer->text));
  Request tidy;
  tidy.op = Op::delete_message;
  tidy.handle = attempt.handle;
  co_await call(*context_, ex_, context_->queue, tidy);
  co_return false;
}

}  // namespace scheduler
