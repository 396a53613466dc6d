#include "models/scheduler/leader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "models/scheduler/io.hpp"
#include "sim/kernel/spawn.hpp"

namespace scheduler {
namespace {

/// Due members a check moves at most (the LIMIT of the range it reads).
constexpr int move_batch_max = 100;
/// Messages one send to the ready queue carries at most (SQS's SendMessageBatch takes ten).
constexpr std::size_t send_batch_max = 10;
/// How long a member taken by a move stays in the moving set before another move takes it again:
/// the time its mover has to push it to the ready queue and remove it from the set.
constexpr std::int64_t move_lease_ms = 60'000;

// The fixed design's move, as the reliable-queue pattern: one script takes a check's due members
// out of the delay ZSET (KEYS[1]) into the moving ZSET (KEYS[2]), scored by the lease's end, so no
// other mover can take them in between; members whose lease has ended (their mover crashed, or
// its push to the ready queue failed) are taken again first. The mover removes them from the
// moving set once the ready queue has them.
const std::string& move_script() {
  static const std::string text =
      "local taken = redis.call('zrangebyscore', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2]) "
      "local room = tonumber(ARGV[2]) - #taken "
      "if room > 0 then "
      "  local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, room) "
      "  if #due > 0 then redis.call('zrem', KEYS[1], unpack(due)) end "
      "  for i = 1, #due do taken[#taken + 1] = due[i] end "
      "end "
      "for i = 1, #taken do redis.call('zadd', KEYS[2], ARGV[3], taken[i]) end "
      "return taken";
  return text;
}

}  // namespace

void SchedulerNode::boot(const std::shared_ptr<Context>& context, int index) {
  auto node = std::make_shared<SchedulerNode>(context, index);
  SchedulerNode* raw = node.get();
  context->world.node(raw->node_).set_process(std::move(node));
  sim::spawn(raw->ex_, raw->elect());
  sim::spawn(raw->ex_, raw->control());
}

SchedulerNode::SchedulerNode(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      index_(index),
      node_(context_->schedulers.at(static_cast<std::size_t>(index))),
      ex_(context_->world.executor(node_)),
      election_(make_election(*context_, index)) {
  if (context_->options.uses_postgres())
    db_ = std::make_unique<PgSession>(ex_, context_->pg->primary(), context_->options.request_timeout);
}

bool SchedulerNode::believes() {
  bool leads = election_->leads();
  std::vector<BeliefRecord>& beliefs = context_->observations.beliefs;
  if (leads && !belief_) {
    status_cache_.assign(context_->options.cron.status_cache ? context_->crons.size() : 0, std::nullopt);
    belief_ = beliefs.size();
    beliefs.push_back(BeliefRecord{index_, context_->world.now(), std::nullopt});
    context_->trace(node_, "scheduler.leads", fmt::format("token {}", election_->token()));
  } else if (!leads && belief_) {
    beliefs[*belief_].to = std::max(beliefs[*belief_].from, belief_end());
    belief_.reset();
    context_->trace(node_, "scheduler.follows", "");
  }
  return leads;
}

// When the belief ended: for a lease judged on the node's clock, the true time that clock
// passed the lease's end (the node may notice later, after a pause); for client-go's flag, now.
sim::Instant SchedulerNode::belief_end() const {
  sim::Instant now = context_->world.now();
  std::optional<sim::MonoTime> until = election_->valid_until();
  if (!until) return now;
  const sim::Clock& clock = context_->world.node(node_).clock();
  sim::Duration past = clock.mono(now) - *until;  // on the node's clock, at its current rate
  if (past <= sim::Duration::zero()) return now;
  __int128 scaled = static_cast<__int128>(past.ns()) * 1'000'000 / (1'000'000 + clock.drift_ppm());
  return now - sim::Duration::nanoseconds(static_cast<std::int64_t>(scaled));
}

sim::Task<void> SchedulerNode::elect() {
  // The nodes' processes start 3 s apart, so the first election has one winner.
  if (context_->world.node(node_).incarnation() == 0) co_await sim::sleep(sim::Duration::seconds(3) * index_);
  for (;;) {
    co_await election_->step();
    believes();
    co_await sim::sleep(context_->options.retry_period);
  }
}

sim::Task<std::optional<std::int64_t>> SchedulerNode::now_unix_s() {
  if (context_->options.design == Design::seed)
    co_return context_->world.node(node_).clock().wall(context_->world.now()).unix_ns() / 1'000'000'000;
  if (db_) {
    std::optional<std::int64_t> now_ms = co_await db_->now_ms();
    if (!now_ms) co_return std::nullopt;
    co_return *now_ms / 1000;
  }
  Request time;
  time.op = Op::time;
  time.token = election_->token();
  std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->store, time);
  if (!answer) co_return std::nullopt;
  unpushed_ = answer->tasks;
  co_return answer->number / 1'000'000'000;
}

// The outbox's fires whose leader never said the ready queue took their task (it crashed between
// the record and the push, or the push failed): pushed now, at least once.
sim::Task<void> SchedulerNode::push_unpushed() {
  std::vector<std::string> tasks = std::move(unpushed_);
  unpushed_.clear();
  for (const std::string& task : tasks) {
    std::optional<std::pair<int, std::int64_t>> tick = tick_of_task(task);
    if (!tick) continue;
    context_->trace(node_, "scheduler.outbox", fmt::format("{}: taken by the store, its push never confirmed", task));
    bool pushed = co_await push(task);
    context_->observations.fires.push_back(
        FireRecord{tick->first, tick->second, context_->world.now(), index_, pushed, election_->token()});
    context_->judge_closed();
    if (pushed) co_await confirm_pushed(tick->first, tick->second);
  }
}

sim::Task<void> SchedulerNode::confirm_pushed(int schedule, std::int64_t nominal) {
  Request done;
  done.op = Op::pushed;
  done.number = schedule;
  done.nominal = nominal;
  co_await call(*context_, ex_, context_->store, done);
}

sim::Task<void> SchedulerNode::control() {
  const SchedulerOptions& o = context_->options;
  for (;;) {
    co_await sim::sleep(o.cron.check_interval);
    if (!believes()) continue;
    std::optional<std::int64_t> now = co_await now_unix_s();
    if (!now) continue;
    if (!unpushed_.empty()) co_await push_unpushed();
    for (std::size_t s = 0; s < context_->crons.size(); ++s) co_await fire_schedule(static_cast<int>(s), *now);
    if (o.delay_queue == DelayQueue::redis) co_await move_due(*now * 1000);
  }
}

sim::Task<void> SchedulerNode::fire_schedule(int schedule, std::int64_t now_s) {
  const SchedulerOptions& o = context_->options;
  const Schedule& cron = context_->crons.at(static_cast<std::size_t>(schedule));
  if (db_ && o.cron.missed_policy == MissedPolicy::temporal) {  // its own transaction reads the schedule's row
    co_await fire_temporal_pg(schedule, now_s);
    co_return;
  }
  std::optional<std::pair<std::int64_t, std::string>> status = co_await status_of(schedule);
  if (!status) co_return;
  // A schedule nothing has fired yet counts from its creation, the start of the run.
  std::int64_t last = status->first >= 0 ? status->first : o.start_s;
  if (o.cron.missed_policy == MissedPolicy::quartz) co_await fire_quartz(schedule, last, now_s);
  std::string buffer = std::move(status->second);
  if (o.cron.missed_policy == MissedPolicy::temporal) co_await fire_temporal(schedule, last, buffer, now_s);
  if (o.cron.missed_policy == MissedPolicy::quartz || o.cron.missed_policy == MissedPolicy::temporal) co_return;
  if (o.cron.missed_policy == MissedPolicy::all) {
    for (std::optional<Tick> t = cron.next_after(last); t && t->due <= now_s; t = cron.next_after(t->due))
      co_await fire(schedule, *t);
    co_return;
  }
  CronDecision decision = decide(cron, last, now_s, o.cron.missed_policy, o.cron.starting_deadline);
  if (decision.too_many) {
    ++context_->observations.too_many_missed;
    context_->trace(node_, "scheduler.too_many_missed", fmt::format("cron-{}: more than 100 missed", schedule + 1));
  }
  if (decision.fire) co_await fire(schedule, *decision.fire);
}

sim::Task<std::optional<std::pair<std::int64_t, std::string>>> SchedulerNode::status_of(int schedule) {
  auto s = static_cast<std::size_t>(schedule);
  if (s < status_cache_.size() && status_cache_[s]) co_return std::pair{*status_cache_[s], std::string()};
  if (db_) co_return co_await status_of_pg(schedule);
  Request get;
  get.op = Op::status_get;
  get.number = schedule;
  std::shared_ptr<const Response> status = co_await call(*context_, ex_, context_->store, get);
  if (!status) co_return std::nullopt;
  remember_status(schedule, status->number);
  co_return std::pair{status->number, status->text};
}

void SchedulerNode::remember_status(int schedule, std::optional<std::int64_t> last) {
  auto s = static_cast<std::size_t>(schedule);
  if (s < status_cache_.size()) status_cache_[s] = last;
}

// Quartz (cron.hpp): ticks within the misfire threshold fire late; a misfired trigger follows its
// instruction. do_nothing records the ticks up to now as dealt with, so the next fire is the next tick.
sim::Task<void> SchedulerNode::fire_quartz(int schedule, std::int64_t last, std::int64_t now_s) {
  const CronOptions& c = context_->options.cron;
  const Schedule& cron = context_->crons.at(static_cast<std::size_t>(schedule));
  QuartzDecision decision = decide_quartz(cron, last, now_s, c.misfire, c.misfire_threshold);
  if (decision.misfired) {
    ++context_->observations.misfires;
    context_->trace(
        node_, "scheduler.misfire",
        fmt::format("cron-{}: misfired ({}: {} to fire)", schedule + 1, to_string(c.misfire), decision.fire.size()));
  }
  for (const Tick& tick : decision.fire) co_await fire(schedule, tick);
  std::string no_buffer;
  if (decision.processed) co_await mark_processed(schedule, *decision.processed, no_buffer);
}

// Temporal (cron.hpp): the ticks since the last pass join the buffer the store keeps, the overlap
// policy picks what starts, and the store records the pass (fenced) with what is left buffered.
sim::Task<void> SchedulerNode::fire_temporal(int schedule, std::int64_t last, std::string buffer, std::int64_t now_s) {
  const CronOptions& c = context_->options.cron;
  const Schedule& cron = context_->crons.at(static_cast<std::size_t>(schedule));
  bool running = false;
  if (c.overlap != Overlap::allow) running = co_await runs_active(schedule, false);
  TemporalStep step = temporal_step(cron, last, now_s, ticks_from_text(buffer), running, c.overlap, c.catchup_window);
  note_temporal_step(schedule, step);
  if (step.terminate) co_await cancel_runs(schedule);
  if (step.cancel) co_await request_cancel(schedule);
  for (const Tick& tick : step.start) co_await fire(schedule, tick);
  std::string left = ticks_text(step.buffer);
  co_await mark_processed(schedule, now_s, left);
}

void SchedulerNode::note_temporal_step(int schedule, const TemporalStep& step) {
  Observations& o = context_->observations;
  o.catchup_dropped += step.dropped_window;
  o.overlap_skipped += step.overlap_skipped;
  if (step.dropped_window > 0 || step.overlap_skipped > 0)
    context_->trace(node_, "scheduler.drop",
                    fmt::format("cron-{}: {} past the catch-up window, {} skipped by overlap {}", schedule + 1,
                                step.dropped_window, step.overlap_skipped, to_string(context_->options.cron.overlap)));
}

sim::Task<void> SchedulerNode::mark_processed(int schedule, std::int64_t until, std::string buffer) {
  if (db_) {
    co_await mark_processed_pg(schedule, until);
    co_return;
  }
  Request done;
  done.op = Op::processed;
  done.number = schedule;
  done.when = until;
  done.task = std::move(buffer);
  done.token = election_->token();
  co_await call(*context_, ex_, context_->store, done);
}

// The fire names the tick by its nominal time; lastScheduleTime and the store's "not yet due"
// guard read its due time.
sim::Task<void> SchedulerNode::fire(int schedule, Tick tick) {
  bool fixed = context_->options.design == Design::fixed;
  std::string task = fmt::format("cron-{}@{}", schedule + 1, tick.nominal);
  context_->trace(node_, "scheduler.fire", fmt::format("cron-{} tick {}", schedule + 1, tick.nominal));
  if (db_) {
    co_await fire_pg(schedule, tick);
    co_return;
  }
  Request record;
  record.op = fixed ? Op::fire : Op::status_set;
  record.number = schedule;
  record.when = tick.due;
  record.nominal = tick.nominal;
  record.token = election_->token();
  if (fixed) record.task = task;  // the outbox's entry until the push is confirmed
  // Temporal's policies decide before the fire (fire_temporal); Kubernetes' apply here.
  Overlap overlap =
      context_->options.cron.missed_policy == MissedPolicy::temporal ? Overlap::allow : context_->options.cron.overlap;
  if (fixed && overlap == Overlap::forbid) {
    bool active = co_await runs_active(schedule);
    if (active) co_return;
  }
  if (fixed) {
    std::shared_ptr<const Response> taken = co_await call(*context_, ex_, context_->store, record);
    // The store keeps the later of its last fire time and this tick's; a refusal or no answer
    // leaves it unknown here.
    std::optional<std::int64_t> cached =
        static_cast<std::size_t>(schedule) < status_cache_.size() ? status_cache_[static_cast<std::size_t>(schedule)]
                                                                   : std::nullopt;
    remember_status(schedule, taken && taken->ok && cached ? std::optional(std::max(*cached, tick.due)) : std::nullopt);
    if (!taken || !taken->ok) {
      context_->trace(
          node_, "scheduler.fire_refused",
          fmt::format("cron-{} tick {}: {}", schedule + 1, tick.nominal, taken ? taken->text : "no answer"));
      context_->observations.fires.push_back(
          FireRecord{schedule, tick.nominal, context_->world.now(), index_, false, record.token});
      context_->judge_closed();
      co_return;
    }
  }
  if (fixed && overlap == Overlap::replace) co_await cancel_runs(schedule);
  bool pushed = co_await push(task);
  context_->observations.fires.push_back(
      FireRecord{schedule, tick.nominal, context_->world.now(), index_, pushed, record.token});
  context_->judge_closed();
  if (pushed && fixed) co_await confirm_pushed(schedule, tick.nominal);
  if (pushed && !fixed) {  // lastScheduleTime, unguarded
    std::shared_ptr<const Response> set = co_await call(*context_, ex_, context_->store, record);
    remember_status(schedule, set && set->ok ? std::optional(tick.due) : std::nullopt);
  }
}

// Forbid: whether a run of the schedule is still in the queue (Kubernetes' Status.Active). When
// the queue does not answer, the run counts as active: the tick is tried again at the next check.
sim::Task<bool> SchedulerNode::runs_active(int schedule, bool forbid) {
  Request ask;
  ask.op = Op::active;
  ask.task = fmt::format("cron-{}@", schedule + 1);
  std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, ask);
  bool active = !answer || answer->number > 0;
  if (active && forbid) {
    ++context_->observations.forbidden;
    context_->trace(node_, "scheduler.forbid", fmt::format("cron-{}: a run is still active", schedule + 1));
  }
  co_return active;
}

// Replace: the schedule's active runs are deleted from the queue; a worker running one finds out
// at its next heartbeat and lands no effect.
sim::Task<void> SchedulerNode::cancel_runs(int schedule) {
  co_await act_on_runs(schedule, Op::cancel_runs, "scheduler.replace", "cancelled");
}

// CancelOther: the schedule's active runs are asked to cancel; each stays active until its worker
// has stopped it (or died), and the newest start waits in the store's buffer until then.
sim::Task<void> SchedulerNode::request_cancel(int schedule) {
  co_await act_on_runs(schedule, Op::request_cancel, "scheduler.cancel_other", "asked to cancel");
}

// Sends `op` for every active run of the schedule to the queue and notes how many it reached.
sim::Task<void> SchedulerNode::act_on_runs(int schedule, Op op, const char* kind, const char* done) {
  Request request;
  request.op = op;
  request.task = fmt::format("cron-{}@", schedule + 1);
  std::shared_ptr<const Response> answer = co_await call(*context_, ex_, context_->queue, request);
  if (answer && answer->number > 0)
    context_->trace(node_, kind, fmt::format("cron-{}: {} active run(s) {}", schedule + 1, answer->number, done));
}

sim::Task<bool> SchedulerNode::push(const std::string& body) {
  Request send;
  send.op = Op::send;
  send.task = body;
  std::shared_ptr<const Response> sent = co_await call(*context_, ex_, context_->queue, send);
  bool ok = sent && sent->ok;
  if (ok) note_submission(task_of(body));
  co_return ok;
}

void SchedulerNode::note_submission(const std::string& task) {
  if (context_->note_submitted(task))
    context_->observations.submissions.push_back(Submission{task, context_->world.now(), context_->world.now()});
}

// The seed's move: ZRANGEBYSCORE, then a ZREM and a push for each member whatever the ZREM
// answered, so two movers that read the same range both push it.
sim::Task<void> SchedulerNode::move_due(std::int64_t now_ms) {
  if (context_->options.move == Move::script) {
    co_await move_due_script(now_ms);
    co_return;
  }
  std::vector<std::string> range{"ZRANGEBYSCORE", context_->delay_key, "-inf", std::to_string(now_ms),
                                 "LIMIT",         "0",                 std::to_string(move_batch_max)};
  std::optional<redis::Reply> due = co_await redis_call(*context_, ex_, std::move(range));
  if (!due || due->type != redis::Reply::Type::array) co_return;
  if (!due->elements.empty())
    context_->trace(node_, "scheduler.move", fmt::format("{} due in the ZSET", due->elements.size()));
  for (const redis::Reply& member : due->elements) {
    std::vector<std::string> remove{"ZREM", context_->delay_key, member.text};
    co_await redis_call(*context_, ex_, std::move(remove));
    bool pushed = co_await push(member.text);
    if (pushed) context_->observations.moves.push_back(MoveRecord{task_of(member.text), index_, context_->world.now()});
  }
}

// The fixed design's move: one script per check takes the due members out of the ZSET into the
// moving set (a member leaves the ZSET once, whichever leader runs the script), then they go to
// the ready queue in batches, and each batch the queue took leaves the moving set. A batch whose
// send failed stays there until its lease ends and a later check takes it again.
sim::Task<void> SchedulerNode::move_due_script(std::int64_t now_ms) {
  std::vector<std::string> take{"EVAL",
                                move_script(),
                                "2",
                                context_->delay_key,
                                context_->moving_key,
                                std::to_string(now_ms),
                                std::to_string(move_batch_max),
                                std::to_string(now_ms + move_lease_ms)};
  std::optional<redis::Reply> taken = co_await redis_call(*context_, ex_, std::move(take));
  if (!taken || taken->type != redis::Reply::Type::array || taken->elements.empty()) co_return;
  context_->trace(node_, "scheduler.move", fmt::format("{} taken from the ZSET", taken->elements.size()));
  std::vector<std::string> batch;
  for (std::size_t i = 0; i < taken->elements.size(); ++i) {
    batch.push_back(std::move(taken->elements[i].text));
    if (batch.size() < send_batch_max && i + 1 < taken->elements.size()) continue;
    bool pushed = co_await push_batch(batch);
    if (pushed) {
      for (const std::string& body : batch)
        context_->observations.moves.push_back(MoveRecord{task_of(body), index_, context_->world.now()});
      // Not answered: the lease ends and a later move pushes them again (at least once).
      std::vector<std::string> done{"ZREM", context_->moving_key};
      done.insert(done.end(), batch.begin(), batch.end());
      co_await redis_call(*context_, ex_, std::move(done));
    }
    batch.clear();
  }
}

sim::Task<bool> SchedulerNode::push_batch(const std::vector<std::string>& bodies) {
  Request send;
  send.op = Op::send_batch;
  send.tasks = bodies;
  std::shared_ptr<const Response> sent = co_await call(*context_, ex_, context_->queue, send);
  bool ok = sent && sent->ok;
  if (ok)
    for (const std::string& body : bodies) note_submission(task_of(body));
  co_return ok;
}

bool Context::note_submitted(const std::string& task) {
  constexpr std::string_view prefix = "task-";
  std::size_t n = 0;
  bool numbered = task.size() > prefix.size() && task.size() <= prefix.size() + 9 && task.starts_with(prefix) &&
                  task[prefix.size()] != '0' &&
                  std::all_of(task.begin() + prefix.size(), task.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numbered) n = std::stoul(task.substr(prefix.size()));
  if (!numbered || n > static_cast<std::size_t>(options.tasks))
    return !judged_task(observations, task) && others_submitted.insert(task).second;  // a judged tick was submitted
  if (client_tasks_submitted.size() < n) client_tasks_submitted.resize(static_cast<std::size_t>(options.tasks));
  if (client_tasks_submitted[n - 1]) return false;
  client_tasks_submitted[n - 1] = true;
  return true;
}

namespace {

sim::Task<void> submit_all(std::shared_ptr<Context> context) {
  const SchedulerOptions& o = context->options;
  sim::Executor ex = context->world.executor(context->client);
  co_await sim::sleep(o.submit_at);
  for (int i = 0; i < o.tasks; ++i) {
    std::string task = fmt::format("task-{}", i + 1);
    sim::Duration delay = o.delay + o.spacing * i;
    bool acked = false;
    // The task is due `delay` after the client sent it: with many tasks the submissions take time.
    sim::Instant due_at = context->world.now() + delay;
    if (o.delay_queue == DelayQueue::redis) {
      sim::WallTime due = context->world.node(context->client).clock().wall(context->world.now()) + delay;
      std::vector<std::string> zadd{"ZADD", context->delay_key, std::to_string(due.unix_ms()), task};
      std::optional<redis::Reply> reply = co_await redis_call(*context, ex, std::move(zadd));
      acked = reply && reply->type == redis::Reply::Type::integer;
    } else {
      Request send;
      send.op = Op::send;
      send.task = task;
      send.duration = delay;
      std::shared_ptr<const Response> sent = co_await call(*context, ex, context->queue, send);
      acked = sent && sent->ok;
    }
    if (!acked) continue;
    context->note_submitted(task);
    context->observations.submissions.push_back(Submission{task, context->world.now(), due_at});
  }
}

}  // namespace

void boot_client(const std::shared_ptr<Context>& context) {
  if (context->world.node(context->client).incarnation() > 0) return;
  if (context->options.uses_postgres()) {
    sim::spawn(context->world.executor(context->client), pg_submit_all(context));
    return;
  }
  sim::spawn(context->world.executor(context->client), submit_all(context));
}

}  // namespace scheduler
