#include "models/scheduler/worker.hpp"

#include <fmt/format.h>

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
    attempt.id = context_->attempt_started(task_of(attempt.body), index_, attempt.receives);
    context_->trace(node_, "worker.received",
                    fmt::format("{} receive {} ({})", attempt.body, attempt.receives, attempt.handle));
    if (fixed)
      co_await process_fixed(attempt);
    else
      co_await process_seed(attempt);
  }
}

sim::Task<Worker::Outcome> Worker::handle(const Attempt& attempt, std::shared_ptr<int> lost) {
  const SchedulerOptions& o = context_->options;
  co_await sim::sleep(o.work.sample(rng_));
  if (lost && *lost == 0 && o.cron.overlap == Overlap::replace && attempt.body.rfind("cron-", 0) == 0) {
    // Replace: a run confirms it is still current (one more heartbeat) before its effect.
    Request beat;
    beat.op = Op::change_visibility;
    beat.handle = attempt.handle;
    beat.duration = o.heartbeat_timeout;
    std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, beat);
    if (answer && !answer->ok && *lost == 0) *lost = answer->text == "cancelled" ? 3 : 2;
  }
  if (lost && *lost == 3) {
    context_->attempt_ended(attempt.id, "cancelled");
    co_return Outcome::abandoned;
  }
  Outcome outcome = co_await land_effect(*context_, ex_, task_of(attempt.body), attempt.receives, attempt.id);
  co_return outcome;
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
  std::string task = task_of(attempt.body);
  if (outcome == Outcome::transient && retries_of(attempt.body) < o.max_retries) {
    co_await seed_retry(attempt);
    co_return;
  }
  bool completed = outcome == Outcome::succeeded || outcome == Outcome::abandoned;
  context_->observations.finals.push_back(
      FinalRecord{task, context_->world.now(), completed, outcome == Outcome::permanent});
  co_await ack(attempt, Op::ack_id);
}

// The seed's retry: update_task(PENDING, schedule_time = now() + 60 x 2^k, retry_count + 1) puts
// the task back in the delay queue at the worker's own wall clock, then nack makes the message
// visible again at once.
sim::Task<void> Worker::seed_retry(const Attempt& attempt) {
  const SchedulerOptions& o = context_->options;
  int k = retries_of(attempt.body);
  std::string task = task_of(attempt.body);
  sim::Duration backoff = sim::Duration::seconds(60) * (std::int64_t{1} << std::min(k, 30));
  std::string next = fmt::format("{}|{}", task, k + 1);
  if (o.delay_queue == DelayQueue::redis) {
    sim::WallTime when = context_->world.node(node_).clock().wall(context_->world.now()) + backoff;
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

sim::Task<void> Worker::heartbeat(std::string handle, std::shared_ptr<int> state) {
  const SchedulerOptions& o = context_->options;
  for (;;) {
    co_await sim::sleep(o.heartbeat_interval);
    if (*state != 0) co_return;
    Request beat;
    beat.op = Op::change_visibility;
    beat.handle = handle;
    beat.duration = o.heartbeat_timeout;
    std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, beat);
    if (*state != 0) co_return;
    if (answer && !answer->ok) {
      *state = answer->text == "cancelled" ? 3 : 2;  // the queue no longer counts this attempt: give it up
      co_return;
    }
  }
}

sim::Task<void> Worker::process_fixed(Attempt attempt) {
  const SchedulerOptions& o = context_->options;
  auto state = std::make_shared<int>(0);  // 0 running, 1 done, 2 lost its message, 3 cancelled
  sim::spawn(ex_, heartbeat(attempt.handle, state));
  Outcome outcome = co_await handle(attempt, state);
  bool lost = *state >= 2;
  *state = 1;
  std::string task = task_of(attempt.body);
  if (lost || outcome == Outcome::abandoned) co_return;  // a newer attempt owns the task now
  if (outcome == Outcome::transient) {
    sim::Duration ceiling =
        std::min(o.backoff_cap, o.backoff_base * (std::int64_t{1} << std::min(attempt.receives - 1, 30)));
    Request later;
    later.op = Op::change_visibility;
    later.handle = attempt.handle;
    later.duration =
        sim::Duration::nanoseconds(static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(ceiling.ns()))));
    co_await call(*context_, ex_, context_->queue, later);
    co_return;
  }
  if (outcome == Outcome::succeeded || outcome == Outcome::permanent)
    context_->observations.finals.push_back(
        FinalRecord{task, context_->world.now(), outcome == Outcome::succeeded, outcome == Outcome::permanent});
  co_await ack(attempt, Op::delete_message);
}

}  // namespace scheduler
