#include "models/scheduler/nodes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iterator>

#include "models/scheduler/context.hpp"
#include "models/scheduler/messages.hpp"
#include "models/scheduler/sqs.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace scheduler {

const char* op_name(Op op) {
  switch (op) {
    case Op::send: return "send";
    case Op::send_batch: return "send_batch";
    case Op::receive: return "receive";
    case Op::change_visibility: return "change_visibility";
    case Op::delete_message: return "delete_message";
    case Op::set_visibility_id: return "set_visibility_timeout";
    case Op::ack_id: return "ack";
    case Op::nack_id: return "nack";
    case Op::write: return "write";
    case Op::time: return "time";
    case Op::lease_get: return "lease_get";
    case Op::lease_update: return "lease_update";
    case Op::status_get: return "status_get";
    case Op::status_set: return "status_set";
    case Op::fire: return "fire";
    case Op::active: return "active";
    case Op::cancel_runs: return "cancel_runs";
    case Op::request_cancel: return "request_cancel";
    case Op::processed: return "processed";
    case Op::pushed: return "pushed";
    case Op::task_claim: return "task_claim";
    case Op::task_update: return "update_task";
  }
  return "?";
}

std::string Request::describe() const {
  if (op == Op::send_batch) return fmt::format("{} {}", op_name(op), fmt::join(tasks, " "));
  return fmt::format("{} {}{}{}{}", op_name(op), task, handle.empty() ? "" : " " + handle,
                     token != 0 ? fmt::format(" token {}", token) : "", status.empty() ? "" : " " + status);
}

std::string Response::describe() const {
  return fmt::format("{}{}{}", ok ? "ok" : "refused", task.empty() ? "" : " " + task, text.empty() ? "" : ": " + text);
}

std::string sink_verdict(Sink kind, SinkState& state, const std::string& task, std::int64_t token) {
  switch (kind) {
    case Sink::plain: return "applied";  // keeps nothing: a plain sink applies every write
    case Sink::idempotent: return state.seen.insert(task).second ? "applied" : "deduplicated";
    case Sink::fenced: {
      auto [it, fresh] = state.highest.try_emplace(task, token);
      if (fresh) return "applied";
      if (token <= it->second) return "refused";
      it->second = token;
      return "replaced";
    }
  }
  return "refused";
}

namespace {

/// The sink's trace kind for a verdict, spelt whole so that a fault's `after:` can name it.
const char* sink_event(const std::string& verdict) {
  if (verdict == "applied") return "sink.applied";
  if (verdict == "deduplicated") return "sink.deduplicated";
  if (verdict == "replaced") return "sink.replaced";
  return "sink.refused";
}

}  // namespace

bool FiredTicks::insert(int schedule, std::int64_t nominal) {
  constexpr std::int64_t minute = 60;
  std::map<std::int64_t, std::int64_t>& runs = runs_[schedule];
  auto after = runs.upper_bound(nominal);
  if (after != runs.begin()) {
    auto before = std::prev(after);
    if (nominal <= before->second) {  // within its span: on its minutes, or kept on its own
      if ((nominal - before->first) % minute == 0) return false;
      return others_.insert({schedule, nominal}).second;
    }
    if (before->second + minute == nominal) {
      before->second = after != runs.end() && after->first == nominal + minute ? after->second : nominal;
      if (before->second != nominal) runs.erase(after);
      return true;
    }
  }
  if (after != runs.end() && after->first == nominal + minute) {
    std::int64_t last = after->second;
    runs.erase(after);
    runs.emplace(nominal, last);
    return true;
  }
  runs.emplace(nominal, nominal);
  return true;
}

namespace {

using Reply = std::shared_ptr<Response>;

}  // namespace

// Retention's deletions since the queue's last use, timed by when they fell due.
void apply_retention(Context& c, SqsQueue& q, sim::MonoTime now) {
  for (Expired& e : q.expire(now)) {
    sim::Instant at = c.world.now() - (now - e.expired_at);
    sim::Duration after_move = e.dead_letter ? e.expired_at - e.moved : sim::Duration::zero();
    c.trace(c.queue, e.dead_letter ? "queue.dead_letter_expired" : "queue.expired",
            fmt::format("{} sent {} ago{}", e.task, sim::to_string(e.expired_at - e.sent),
                        e.dead_letter ? ", in the DLQ for " + sim::to_string(after_move) : ""));
    c.observations.expired.push_back(Observations::Expiry{std::move(e.task), e.dead_letter, at, after_move});
  }
}

namespace {

// A send; a FIFO queue's deduplication answers a repeated one as sent and drops it.
void send(Context& c, SqsQueue& q, const std::string& task, sim::MonoTime now, sim::Duration delay) {
  if (!q.send(task, now, delay))
    c.trace(c.queue, "queue.deduplicated", task + ": the same body was sent less than 5 minutes ago");
}

// The queue's counts, at the first call in each slice of the run.
void sample_depth(Context& c, const SqsQueue& q, sim::MonoTime now) {
  Observations& o = c.observations;
  std::int64_t slice = (c.world.now() - sim::Instant::zero()).ns() / o.depth_slice.ns();
  if (!o.depth.empty() && (o.depth.back().at - sim::Instant::zero()).ns() / o.depth_slice.ns() == slice) return;
  SqsQueue::Counts n = q.counts(now);
  o.depth.push_back(DepthSample{c.world.now(), n.ready, n.in_flight, n.delayed, n.dead});
}

// Runs the overlap policy cancelled (replace) or asked to cancel (cancel_other), counted in the reply.
void note_cancelled(Context& c, const std::vector<std::string>& tasks, Response& reply) {
  for (const std::string& task : tasks) {
    c.observations.cancelled.insert(task);
    ++reply.number;
  }
}

// Whether the call is one of SQS's API actions, which a FIFO queue's quota counts (the controller's
// view of a schedule's active runs and its cancellations are not).
bool api_action(Op op) { return op != Op::active && op != Op::cancel_runs && op != Op::request_cancel; }

Reply queue_answer(Context& c, const Request& r) {
  SqsQueue& q = *c.ready;
  sim::MonoTime now = c.world.node(c.queue).clock().mono(c.world.now());
  apply_retention(c, q, now);
  q.end_abandoned_cancels(now);
  sample_depth(c, q, now);
  auto reply = std::make_shared<Response>();
  reply->ok = true;
  if (api_action(r.op) && !q.admit_call(static_cast<int>(r.op), now)) {
    c.trace(c.queue, "queue.throttled", fmt::format("{}: over the FIFO queue's calls a second", op_name(r.op)));
    reply->ok = false;
    reply->text = "ThrottlingException";
    return reply;
  }
  switch (r.op) {
    case Op::send: send(c, q, r.task, now, r.duration); break;
    case Op::send_batch:
      for (const std::string& task : r.tasks) send(c, q, task, now, r.duration);
      break;
    case Op::receive: {
      std::optional<Received> got = q.receive(now, r.has_duration ? std::optional(r.duration) : std::nullopt);
      c.observations.dead_letters = q.dead_letters();
      reply->ok = got.has_value();
      if (got) {
        reply->task = got->task;
        reply->handle = got->handle;
        reply->number = got->receives;
      }
      break;
    }
    case Op::change_visibility: {
      QueueAnswer a = q.change_visibility(r.handle, now, r.duration);
      reply->ok = a.ok;
      if (a.use == HandleUse::cancelled) reply->text = "cancelled";
      if (a.use == HandleUse::cancel_requested) reply->text = "cancel_requested";
      break;
    }
    case Op::delete_message: {
      QueueAnswer a = q.delete_message(r.handle);
      reply->ok = a.ok;
      reply->number = a.held_by_newer ? 1 : 0;
      break;
    }
    case Op::set_visibility_id: reply->ok = q.set_visibility_by_task(r.task, now, r.duration); break;
    case Op::ack_id: reply->number = q.delete_by_task(r.task, r.handle, now).held_by_newer ? 1 : 0; break;
    case Op::nack_id: reply->ok = q.nack_by_task(r.task, now); break;
    case Op::active: reply->number = static_cast<std::int64_t>(q.tasks_with_prefix(r.task).size()); break;
    case Op::cancel_runs: note_cancelled(c, q.cancel_with_prefix(r.task), *reply); break;
    case Op::request_cancel: note_cancelled(c, q.request_cancel_with_prefix(r.task, now), *reply); break;
    default: reply->ok = false; reply->text = "not a queue operation";
  }
  return reply;
}

/// How long a leader has to push a fire's task and say so before the outbox hands it to another.
constexpr std::int64_t push_lease_ns = 60'000'000'000;

// The fixed leader's clock read: the outbox entries whose lease ended go to the caller under a new
// lease, unless its token is below the highest the store has seen (a deposed leader's).
void hand_out_unpushed(StoreState& s, const Request& r, std::int64_t wall_ns, Response& reply) {
  if (r.token < s.highest_token) return;
  for (auto& [tick, entry] : s.outbox) {
    if (entry.lease_until_ns > wall_ns) continue;
    entry.lease_until_ns = wall_ns + push_lease_ns;
    reply.tasks.push_back(entry.task);
  }
}

// The fixed design's fire record: refused for a token below the highest seen, a tick still ahead
// of the store's clock, or a tick already fired; taken, it moves lastScheduleTime and enters the outbox.
void take_fire(StoreState& s, const Request& r, std::int64_t wall_ns, Response& reply) {
  int schedule = static_cast<int>(r.number);
  std::int64_t nominal = r.nominal;
  if (r.token < s.highest_token) {
    reply.ok = false;
    reply.text = fmt::format("fencing token {} is below {}", r.token, s.highest_token);
  } else if (r.when * 1'000'000'000 > wall_ns) {
    reply.ok = false;
    reply.text = "the tick is still ahead of the store's clock";
  } else if (!s.fired.insert(schedule, nominal)) {
    reply.ok = false;
    reply.text = "this tick was already fired";
  } else {
    s.highest_token = r.token;
    std::int64_t& last = s.last_schedule[schedule];
    last = std::max(last, r.when);
    s.outbox[{schedule, nominal}] = Unpushed{r.task, wall_ns + push_lease_ns};
  }
}

Reply store_answer(Context& c, StoreState& s, const Request& r) {
  auto reply = std::make_shared<Response>();
  std::int64_t wall_ns = c.world.node(c.store).clock().wall(c.world.now()).unix_ns();
  reply->ok = true;
  switch (r.op) {
    case Op::time:
      reply->number = wall_ns;
      if (!s.outbox.empty()) hand_out_unpushed(s, r, wall_ns, *reply);
      break;
    case Op::pushed: s.outbox.erase({static_cast<int>(r.number), r.nominal}); break;
    case Op::lease_get:
      reply->holder = s.lease_holder;
      reply->number = s.lease_version;
      break;
    case Op::lease_update:
      reply->ok = r.number == s.lease_version;
      if (reply->ok) {
        s.lease_holder = r.task;
        ++s.lease_version;
      }
      reply->number = s.lease_version;
      break;
    case Op::status_get: {
      auto found = s.last_schedule.find(static_cast<int>(r.number));
      reply->number = found == s.last_schedule.end() ? -1 : found->second;
      if (auto buffer = s.buffers.find(static_cast<int>(r.number)); buffer != s.buffers.end())
        reply->text = buffer->second;
      break;
    }
    case Op::processed:  // the schedule's ticks up to `when` are dealt with, and its buffer is `task`; fenced
      if (r.token < s.highest_token) {
        reply->ok = false;
        reply->text = fmt::format("fencing token {} is below {}", r.token, s.highest_token);
        break;
      }
      s.last_schedule[static_cast<int>(r.number)] = std::max(s.last_schedule[static_cast<int>(r.number)], r.when);
      s.buffers[static_cast<int>(r.number)] = r.task;
      break;
    case Op::status_set: s.last_schedule[static_cast<int>(r.number)] = r.when; break;
    case Op::fire: take_fire(s, r, wall_ns, *reply); break;
    case Op::task_claim:
    case Op::task_update: answer_task_op(c, s.tasks, r, wall_ns, *reply); break;
    default: reply->ok = false; reply->text = "not a store operation";
  }
  return reply;
}

}  // namespace

namespace {

// An operator's DLQ redrive (StartMessageMoveTask to the source queue): the dead letters present
// when it starts, redrive_rate a second, oldest first.
sim::Task<void> redrive(std::shared_ptr<Context> context) {
  Context& c = *context;
  SqsQueue& q = *c.ready;
  co_await sim::sleep(*c.options.queue.redrive_at);
  auto now = [&c] { return c.world.node(c.queue).clock().mono(c.world.now()); };
  apply_retention(c, q, now());
  c.trace(c.queue, "queue.redrive",
          fmt::format("{} dead letters to move back, {} a second", q.start_redrive(), c.options.queue.redrive_rate));
  while (q.redrive_left() > 0) {
    apply_retention(c, q, now());
    for (const std::string& body : q.redrive(static_cast<std::size_t>(c.options.queue.redrive_rate), now())) {
      ++c.observations.redriven[body.substr(0, body.find('|'))];
      c.trace(c.queue, "queue.redriven", body);
    }
    if (q.redrive_left() > 0) co_await sim::sleep(sim::Duration::seconds(1));
  }
}

}  // namespace

void boot_queue(const std::shared_ptr<Context>& context) {
  Context* c = context.get();
  c->world.rpc().serve(c->queue, [c](const sim::RpcRequest& incoming, sim::Responder responder) {
    if (const auto* r = dynamic_cast<const Request*>(incoming.body.get())) responder.reply(queue_answer(*c, *r));
  });
  if (c->options.queue.redrive_at) sim::spawn(c->world.executor(c->queue), redrive(context));
}

void boot_sink(const std::shared_ptr<Context>& context, const std::shared_ptr<SinkState>& state) {
  Context* c = context.get();
  SinkState* s = state.get();
  c->world.rpc().serve(c->sink, [c, s](const sim::RpcRequest& incoming, sim::Responder responder) {
    const auto* r = dynamic_cast<const Request*>(incoming.body.get());
    if (!r) return;
    std::string verdict = sink_verdict(c->options.sink, *s, r->task, r->token);
    c->observations.effects.push_back(EffectRecord{r->task, r->attempt, c->world.now(), verdict});
    c->trace(c->sink, sink_event(verdict), fmt::format("{} token {}", r->task, r->token));
    auto reply = std::make_shared<Response>();
    reply->ok = verdict != "refused";
    reply->text = verdict;
    responder.reply(std::move(reply));
  });
}

void boot_store(const std::shared_ptr<Context>& context, const std::shared_ptr<StoreState>& state) {
  Context* c = context.get();
  StoreState* s = state.get();
  c->world.rpc().serve(c->store, [c, s](const sim::RpcRequest& incoming, sim::Responder responder) {
    if (const auto* r = dynamic_cast<const Request*>(incoming.body.get())) responder.reply(store_answer(*c, *s, *r));
  });
}

}  // namespace scheduler
