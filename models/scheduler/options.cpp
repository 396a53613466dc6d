#include "models/scheduler/options.hpp"

#include <fmt/format.h>

#include "models/scheduler/cron.hpp"
#include "sim/scenario/param_reader.hpp"

namespace scheduler {
namespace {

using sim::Duration;

const Duration hour = Duration::minutes(60);
const Duration day = hour * 24;

void read_design(sim::ParamReader& params, SchedulerOptions& o) {
  o.design = params.choice("design", {"seed", "fixed"}, "seed") == "fixed" ? Design::fixed : Design::seed;
  bool fixed = o.design == Design::fixed;
  std::string election = params.choice("election", {"client_go", "etcd", "redis"}, fixed ? "etcd" : "client_go");
  o.election = election == "etcd" ? Election::etcd : election == "redis" ? Election::redis : Election::client_go;
  std::string queue = params.choice("delay_queue", {"redis", "sqs", "postgres"}, "redis");
  o.delay_queue = queue == "sqs" ? DelayQueue::sqs : queue == "postgres" ? DelayQueue::postgres : DelayQueue::redis;
  std::string move = params.choice("move", {"range_then_remove", "script"}, fixed ? "script" : "range_then_remove");
  o.move = move == "script" ? Move::script : Move::range_then_remove;
  if (o.delay_queue != DelayQueue::redis && params.has("move"))
    params.fail("move", "applies only with delay_queue: redis");
  o.task_table = params.boolean("task_table", false);
  if (o.task_table && o.delay_queue == DelayQueue::postgres)
    params.fail("task_table", "the tasks table is the queue with delay_queue: postgres: status and claim are one row");
  std::string sink = params.choice("sink", {"plain", "idempotent", "fenced"}, "plain");
  o.sink = sink == "idempotent" ? Sink::idempotent : sink == "fenced" ? Sink::fenced : Sink::plain;
}

void read_workload(sim::ParamReader& params, SchedulerOptions& o) {
  o.schedulers = params.integer<int>("schedulers", o.schedulers, 1, 9);
  o.workers = params.integer<int>("workers", o.workers, 1, 200);
  o.tasks = params.integer<int>("tasks", o.tasks, 0, 1'000'000);
  o.submit_at = params.duration("submit_at", o.submit_at, {Duration::zero(), day});
  o.delay = params.duration("delay", o.delay, {Duration::zero(), day});
  o.spacing = params.duration("spacing", o.spacing, {Duration::zero(), hour});
  o.work = params.duration_dist("work", o.work);
  o.poll = params.duration("poll", o.poll, {Duration::milliseconds(10), hour});
  if (o.delay_queue == DelayQueue::sqs && o.delay > Duration::minutes(15))
    params.fail("delay", "SQS delays a message by at most 15 minutes (DelaySeconds 0-900): use delay_queue: redis");
}

void read_workers(sim::ParamReader& params, SchedulerOptions& o) {
  // SQS's visibility timeout ranges over 0 s to 12 h.
  o.visibility = params.duration("visibility", o.visibility, {Duration::zero(), hour * 12});
  o.max_retries = params.integer<int>("max_retries", o.max_retries, 0, 100);
  o.heartbeat_timeout = params.duration("heartbeat_timeout", o.heartbeat_timeout, {Duration::seconds(1), hour * 12});
  o.heartbeat_interval =
      params.duration("heartbeat_interval", o.heartbeat_interval, {Duration::milliseconds(100), hour});
  if (o.heartbeat_interval >= o.heartbeat_timeout)
    params.fail("heartbeat_interval", "must be shorter than heartbeat_timeout, or a live attempt loses its message");
  o.backoff_base = params.duration("backoff_base", o.backoff_base, {Duration::milliseconds(1), hour});
  o.backoff_cap = params.duration("backoff_cap", o.backoff_cap, {Duration::milliseconds(1), hour * 12});
  o.request_timeout = params.duration("request_timeout", o.request_timeout, {Duration::milliseconds(1), hour});
  o.liveness_bound = params.optional_duration("liveness_bound", {Duration::milliseconds(1), day});
}

void read_election(sim::ParamReader& params, SchedulerOptions& o) {
  o.lease_duration = params.duration("lease_duration", o.lease_duration, {Duration::milliseconds(100), hour});
  o.renew_deadline = params.duration("renew_deadline", o.renew_deadline, {Duration::milliseconds(100), hour});
  o.retry_period = params.duration("retry_period", o.retry_period, {Duration::milliseconds(10), hour});
  // client-go refuses these (NewLeaderElector): LeaseDuration > RenewDeadline > 1.2 x RetryPeriod.
  if (o.election == Election::client_go && o.lease_duration <= o.renew_deadline)
    params.fail("renew_deadline", "client-go requires lease_duration > renew_deadline");
  if (o.election == Election::client_go && o.renew_deadline * 10 <= o.retry_period * 12)
    params.fail("retry_period", "client-go requires renew_deadline > 1.2 x retry_period");
}

void read_queue(sim::ParamReader& params, SchedulerOptions& o) {
  o.queue.stale_handles = o.design == Design::fixed ? StaleHandles::refused : StaleHandles::sqs;
  if (!params.has("queue")) return;
  sim::ParamReader q = params.section("queue");
  o.queue.default_visibility =
      q.duration("default_visibility", o.queue.default_visibility, {Duration::zero(), hour * 12});
  o.queue.max_receive_count = q.integer<int>("max_receive_count", o.queue.max_receive_count, 0, 1000);
  bool refused = o.queue.stale_handles == StaleHandles::refused;
  o.queue.stale_handles = q.choice("stale_handles", {"sqs", "refused"}, refused ? "refused" : "sqs") == "refused"
                              ? StaleHandles::refused
                              : StaleHandles::sqs;
  // SQS's MessageRetentionPeriod: an integer of seconds from 60 to 1,209,600 (14 days).
  const sim::DurationRange retained{Duration::seconds(60), day * 14};
  o.queue.retention = q.duration("retention", o.queue.retention, retained);
  o.queue.dlq_retention = q.duration("dlq_retention", o.queue.dlq_retention, retained);
  if (q.has("dlq_retention") && o.queue.max_receive_count == 0)
    q.fail("dlq_retention", "applies only with max_receive_count (the dead-letter queue)");
  o.queue.fifo = q.boolean("fifo", false);
  if (o.queue.fifo && o.delay_queue == DelayQueue::sqs)
    q.fail("fifo", "a FIFO queue takes no per-message delay (DelaySeconds), which delay_queue: sqs needs: use "
                   "delay_queue: redis or postgres");
  if (q.has("message_group") && !o.queue.fifo) q.fail("message_group", "applies only with fifo: true");
  o.queue.group = q.choice("message_group", {"task", "schedule"}, "task") == "schedule" ? MessageGroup::schedule
                                                                                       : MessageGroup::task;
  for (const char* key : {"deduplication_id", "calls_per_second"})
    if (q.has(key) && !o.queue.fifo) q.fail(key, "applies only with fifo: true");
  o.queue.dedup_by_task = q.choice("deduplication_id", {"content", "task"}, "content") == "task";
  o.queue.calls_per_second = q.integer<int>("calls_per_second", o.queue.calls_per_second, 0, 1'000'000);
  o.queue.redrive_at = q.optional_duration("redrive_at", {Duration::zero(), day * 30});
  // StartMessageMoveTask's MaxNumberOfMessagesPerSecond: at most 500.
  o.queue.redrive_rate = q.integer<int>("redrive_rate", o.queue.redrive_rate, 1, 500);
  if (q.has("redrive_rate") && !o.queue.redrive_at) q.fail("redrive_rate", "applies only with redrive_at");
  if (o.queue.redrive_at && o.queue.max_receive_count == 0)
    q.fail("redrive_at", "a redrive moves dead letters back: set max_receive_count (the dead-letter queue)");
  q.finish();
}

void read_downstream(sim::ParamReader& params, SchedulerOptions& o) {
  if (!params.has("downstream")) return;
  sim::ParamReader d = params.section("downstream");
  o.downstream.fail_from = d.duration("fail_from", {Duration::zero(), day * 30});
  o.downstream.fail_until = d.duration("fail_until", {Duration::zero(), day * 30});
  o.downstream.permanent = d.choice("error", {"transient", "permanent"}, "transient") == "permanent";
  if (*o.downstream.fail_until <= *o.downstream.fail_from) d.fail("fail_until", "must be after fail_from");
  d.finish();
}

void read_zone(sim::ParamReader& params, SchedulerOptions& o) {
  std::string zone = params.string("time_zone", "UTC");
  std::optional<Zone> found = find_zone(zone);
  if (!found) params.fail("time_zone", fmt::format("unknown zone '{}': the model carries {}", zone, zone_names()));
  o.cron.zone = *found;
  bool fixed = o.design == Design::fixed;
  o.cron.dst = params.choice("dst", {"vixie", "kubernetes"}, fixed ? "vixie" : "kubernetes") == "vixie"
                   ? DstPolicy::vixie
                   : DstPolicy::kubernetes;
  // Empty: the kernel's start, 2026-01-01T00:00:00Z.
  if (std::string text = params.string("start", ""); !text.empty()) {
    std::optional<std::int64_t> start = parse_utc(text);
    if (!start) params.fail("start", "expected a UTC time written as 2026-03-08T05:00:00Z");
    if (year_of(*start) < 2007 || year_of(*start) > 2099)
      params.fail("start", "the model's daylight-saving rules hold from 2007 to 2099");
    o.start_s = *start;
  }
}

// missed_policy, with Quartz's misfire instruction and threshold and Temporal's catch-up window.
void read_missed(sim::ParamReader& params, SchedulerOptions& o) {
  bool fixed = o.design == Design::fixed;
  std::string policy =
      params.choice("missed_policy", {"all", "v2", "legacy", "quartz", "temporal"}, fixed ? "v2" : "all");
  o.cron.missed_policy = policy == "legacy"     ? MissedPolicy::legacy
                         : policy == "v2"       ? MissedPolicy::v2
                         : policy == "quartz"   ? MissedPolicy::quartz
                         : policy == "temporal" ? MissedPolicy::temporal
                                                : MissedPolicy::all;
  bool quartz = o.cron.missed_policy == MissedPolicy::quartz;
  bool temporal = o.cron.missed_policy == MissedPolicy::temporal;
  if ((quartz || temporal) && !fixed)
    params.fail("missed_policy", fmt::format("the seed's leader has no {} rules: use design: fixed", policy));
  if ((quartz || temporal) && params.has("starting_deadline"))
    params.fail("starting_deadline",
                "Kubernetes' startingDeadlineSeconds: Quartz has misfire_threshold, Temporal catchup_window");
  for (const char* key : {"misfire", "misfire_threshold"})
    if (!quartz && params.has(key)) params.fail(key, "applies only with missed_policy: quartz");
  if (!temporal && params.has("catchup_window"))
    params.fail("catchup_window", "applies only with missed_policy: temporal");
  std::string misfire = params.choice(
      "misfire", {"smart_policy", "fire_once_now", "do_nothing", "ignore_misfire_policy"}, "smart_policy");
  o.cron.misfire = misfire == "fire_once_now"           ? Misfire::fire_once_now
                   : misfire == "do_nothing"            ? Misfire::do_nothing
                   : misfire == "ignore_misfire_policy" ? Misfire::ignore_misfire_policy
                                                        : Misfire::smart_policy;
  o.cron.misfire_threshold =
      params.duration("misfire_threshold", o.cron.misfire_threshold, {Duration::milliseconds(1), day});
  // Temporal refuses a catch-up window under 10 s.
  o.cron.catchup_window = params.duration("catchup_window", o.cron.catchup_window, {Duration::seconds(10), day * 3660});
}

// overlap: Kubernetes' three, and Temporal's six (AllowAll is allow, TerminateOther is replace).
void read_overlap(sim::ParamReader& params, SchedulerOptions& o) {
  bool temporal = o.cron.missed_policy == MissedPolicy::temporal;
  std::string overlap = params.choice("overlap",
                                      {"allow", "forbid", "replace", "skip", "buffer_one", "buffer_all", "cancel_other",
                                       "terminate_other", "allow_all"},
                                      temporal ? "skip" : "allow");
  bool temporal_only = overlap == "skip" || overlap == "buffer_one" || overlap == "buffer_all" ||
                       overlap == "cancel_other";
  if (temporal_only && !temporal)
    params.fail("overlap", fmt::format("{} is Temporal's: use missed_policy: temporal", overlap));
  if (temporal && overlap == "forbid")
    params.fail("overlap", "forbid is Kubernetes': Temporal's nearest is skip (which drops the tick)");
  o.cron.overlap = overlap == "forbid"                                    ? Overlap::forbid
                   : overlap == "replace" || overlap == "terminate_other" ? Overlap::replace
                   : overlap == "skip"                                    ? Overlap::skip
                   : overlap == "buffer_one"                              ? Overlap::buffer_one
                   : overlap == "buffer_all"                              ? Overlap::buffer_all
                   : overlap == "cancel_other"                            ? Overlap::cancel_other
                                                                          : Overlap::allow;
}

void read_cron(sim::ParamReader& params, SchedulerOptions& o) {
  o.cron.schedules = params.string_list("cron", {});
  for (const std::string& expression : o.cron.schedules) {
    if (expression.rfind("TZ=", 0) == 0 || expression.rfind("CRON_TZ=", 0) == 0)
      params.fail("cron", fmt::format("'{}': Kubernetes rejects TZ= and CRON_TZ= in a schedule (from 1.29); name the "
                                      "zone in time_zone (.spec.timeZone)",
                                      expression));
    std::string error;
    if (!parse_cron(expression, error)) params.fail("cron", fmt::format("'{}': {}", expression, error));
  }
  read_missed(params, o);
  o.cron.starting_deadline = params.optional_duration("starting_deadline", {Duration::seconds(1), day * 30});
  o.cron.check_interval = params.duration("check_interval", o.cron.check_interval, {Duration::milliseconds(100), hour});
  o.cron.status_cache = params.boolean("status_cache", o.cron.status_cache);
  bool kubernetes = o.cron.missed_policy != MissedPolicy::quartz && o.cron.missed_policy != MissedPolicy::temporal;
  if (o.cron.status_cache && (!kubernetes || o.delay_queue == DelayQueue::postgres))
    params.fail("status_cache", "applies to Kubernetes' policies (all, v2, legacy) with the store node, not postgres");
  read_overlap(params, o);
  read_zone(params, o);
}

void read_redis(sim::ParamReader& params, SchedulerOptions& o) {
  if (!o.uses_redis()) {
    if (params.has("redis")) params.fail("redis", "no Redis is used: it holds the delay queue or the redis election");
    return;
  }
  sim::ParamReader section = params.section("redis");
  o.redis = redis::read_redis_options(section);
  if (o.redis.masters != 1) params.fail("redis", "the delay queue's ZSET is one key on one master: leave masters at 1");
}

// The tasks table's server, its dead-letter budget, and what makes no sense beside it: the SQS-like
// queue's options.
void read_postgres(sim::ParamReader& params, SchedulerOptions& o) {
  if (!o.uses_postgres()) {
    if (params.has("postgres")) params.fail("postgres", "applies only with delay_queue: postgres (the tasks table)");
    if (params.has("max_attempts"))
      params.fail("max_attempts", "applies only with delay_queue: postgres: the SQS-like queue's budget is "
                                  "queue.max_receive_count");
    return;
  }
  if (o.design == Design::seed && params.has("max_attempts"))
    params.fail("max_attempts", "the seed's worker has no dead-letter budget: its own is max_retries");
  o.max_attempts = params.integer<int>("max_attempts", o.max_attempts, 0, 1000);
  if (params.has("queue"))
    params.fail("queue", "the SQS-like ready queue's options: with delay_queue: postgres the tasks table is the queue "
                         "and a claim's lease is visibility (seed) or heartbeat_timeout (fixed)");
  sim::ParamReader section = params.section("postgres");
  o.postgres = postgres::read_postgres_options(section);
}

// A duration of whole days as days ("365 days"), any other as usual.
std::string whole_days(sim::Duration d) {
  if (d < day || d.ns() % day.ns() != 0) return sim::to_string(d);
  return fmt::format("{} days", d.ns() / day.ns());
}

// The workers' lease, retries and backoff, as the design takes them.
void describe_workers(const SchedulerOptions& o, std::vector<std::pair<std::string, std::string>>& rows) {
  if (o.design == Design::seed) {
    const char* how = o.uses_postgres() ? ", the claim's lease, never extended" : ", set after the receive";
    rows.emplace_back("visibility", sim::to_string(o.visibility) + how);
    rows.emplace_back("max_retries", fmt::format("{}, at 60 x 2^k s from the worker's wall clock", o.max_retries));
  } else {
    rows.emplace_back("heartbeat", fmt::format("timeout {} at {}, every {}", sim::to_string(o.heartbeat_timeout),
                                               o.uses_postgres() ? "claim" : "receive",
                                               sim::to_string(o.heartbeat_interval)));
    rows.emplace_back("backoff", fmt::format("full jitter, base {}, cap {}, by the {} clock",
                                             sim::to_string(o.backoff_base), sim::to_string(o.backoff_cap),
                                             o.uses_postgres() ? "database's" : "queue's"));
  }
}

}  // namespace

sim::Duration SchedulerOptions::liveness() const {
  sim::Duration hold = design == Design::fixed ? heartbeat_timeout : visibility;
  // The tasks table has no receive-time default visibility: a claim sets its lease at once.
  sim::Duration receive = uses_postgres() ? sim::Duration::zero() : queue.default_visibility;
  return liveness_bound.value_or(hold + receive + poll * 2 + lease_duration + cron.check_interval);
}

SchedulerOptions read_options(sim::ParamReader& params) {
  SchedulerOptions o;
  read_design(params, o);
  read_workload(params, o);
  read_workers(params, o);
  read_election(params, o);
  read_queue(params, o);
  read_downstream(params, o);
  read_cron(params, o);
  read_redis(params, o);
  read_postgres(params, o);
  params.finish();
  return o;
}

const char* to_string(Design design) { return design == Design::fixed ? "fixed" : "seed"; }

const char* to_string(Election election) {
  switch (election) {
    case Election::client_go: return "client_go";
    case Election::etcd: return "etcd";
    case Election::redis: return "redis";
  }
  return "?";
}

const char* to_string(Sink sink) {
  switch (sink) {
    case Sink::plain: return "plain";
    case Sink::idempotent: return "idempotent";
    case Sink::fenced: return "fenced";
  }
  return "?";
}

const char* to_string(DelayQueue queue) {
  switch (queue) {
    case DelayQueue::redis: return "redis";
    case DelayQueue::sqs: return "sqs";
    case DelayQueue::postgres: return "postgres";
  }
  return "?";
}

const char* to_string(Overlap overlap) {
  switch (overlap) {
    case Overlap::allow: return "allow";
    case Overlap::forbid: return "forbid";
    case Overlap::replace: return "replace";
    case Overlap::skip: return "skip";
    case Overlap::buffer_one: return "buffer_one";
    case Overlap::buffer_all: return "buffer_all";
    case Overlap::cancel_other: return "cancel_other";
  }
  return "?";
}

const char* to_string(Misfire misfire) {
  switch (misfire) {
    case Misfire::smart_policy: return "smart_policy";
    case Misfire::fire_once_now: return "fire_once_now";
    case Misfire::do_nothing: return "do_nothing";
    case Misfire::ignore_misfire_policy: return "ignore_misfire_policy";
  }
  return "?";
}

bool CronOptions::collapses_missed() const {
  switch (missed_policy) {
    case MissedPolicy::all: return false;
    case MissedPolicy::legacy:
    case MissedPolicy::v2: return true;
    case MissedPolicy::quartz: return misfire == Misfire::smart_policy || misfire == Misfire::fire_once_now;
    case MissedPolicy::temporal: return overlap != Overlap::allow && overlap != Overlap::buffer_all;
  }
  return false;
}

const char* to_string(DstPolicy policy) { return policy == DstPolicy::vixie ? "vixie" : "kubernetes"; }

const char* to_string(MissedPolicy policy) {
  switch (policy) {
    case MissedPolicy::all: return "all";
    case MissedPolicy::legacy: return "legacy";
    case MissedPolicy::v2: return "v2";
    case MissedPolicy::quartz: return "quartz";
    case MissedPolicy::temporal: return "temporal";
  }
  return "?";
}

namespace {

// The SQS-like queue's row of the options table.
std::string describe_queue(const QueueOptions& q) {
  std::string text = fmt::format("default visibility {}, max_receive_count {}, stale handles {}, retention {}",
                                 sim::to_string(q.default_visibility), q.max_receive_count,
                                 q.stale_handles == StaleHandles::sqs ? "sqs" : "refused", sim::to_string(q.retention));
  if (q.max_receive_count > 0) text += " (dead letters " + sim::to_string(q.dlq_retention) + ")";
  if (q.fifo) text += std::string(", FIFO by ") + (q.group == MessageGroup::task ? "task" : "schedule");
  if (q.fifo && q.dedup_by_task) text += ", deduplication id: the task's";
  if (q.fifo && q.calls_per_second != 300) text += fmt::format(", {} calls a second per action", q.calls_per_second);
  if (q.redrive_at)
    text += fmt::format(", DLQ redrive at {}, {} a second", sim::to_string(*q.redrive_at), q.redrive_rate);
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe(const SchedulerOptions& o) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("design", to_string(o.design));
  rows.emplace_back("election", to_string(o.election));
  rows.emplace_back("delay_queue", to_string(o.delay_queue));
  if (o.delay_queue == DelayQueue::redis)
    rows.emplace_back("move", o.move == Move::script ? "script" : "range_then_remove");
  rows.emplace_back("sink", to_string(o.sink));
  if (o.task_table)
    rows.emplace_back("task_table", o.design == Design::seed
                                        ? "on the store: update_task by id, then ack or nack (two calls)"
                                        : "on the store: claimed at receive, written under the attempt's token");
  rows.emplace_back("schedulers", std::to_string(o.schedulers));
  rows.emplace_back("workers", std::to_string(o.workers));
  rows.emplace_back("tasks",
                    fmt::format("{} submitted at {}, due {} later, {} apart", o.tasks, sim::to_string(o.submit_at),
                                sim::to_string(o.delay), sim::to_string(o.spacing)));
  rows.emplace_back("work", o.work.describe());
  rows.emplace_back("poll", sim::to_string(o.poll));
  describe_workers(o, rows);
  rows.emplace_back("lease", fmt::format("duration {}, renew deadline {}, retry {}", sim::to_string(o.lease_duration),
                                         sim::to_string(o.renew_deadline), sim::to_string(o.retry_period)));
  if (o.uses_postgres() && o.max_attempts > 0)
    rows.emplace_back("max_attempts", fmt::format("{}, then the row's state is dead", o.max_attempts));
  if (!o.uses_postgres()) rows.emplace_back("queue", describe_queue(o.queue));
  if (o.downstream.fail_from)
    rows.emplace_back("downstream",
                      fmt::format("{} errors from {} to {}", o.downstream.permanent ? "permanent" : "transient",
                                  sim::to_string(*o.downstream.fail_from), sim::to_string(*o.downstream.fail_until)));
  for (std::size_t i = 0; i < o.cron.schedules.size(); ++i)
    rows.emplace_back(fmt::format("cron-{}", i + 1), fmt::format("{} ({})", o.cron.schedules[i], o.cron.zone.name));
  if (!o.cron.schedules.empty() && o.cron.overlap != Overlap::allow)
    rows.emplace_back("overlap",
                      fmt::format("{}{}", to_string(o.cron.overlap),
                                  o.design == Design::seed ? " (declared; the seed's code ignores it)" : ""));
  if (!o.cron.schedules.empty() && !o.cron.zone.is_utc()) rows.emplace_back("dst", to_string(o.cron.dst));
  if (o.start_s != sim::default_wall_start.unix_ns() / 1'000'000'000)
    rows.emplace_back("start", civil_text(o.start_s) + " UTC");
  if (!o.cron.schedules.empty() && o.cron.missed_policy == MissedPolicy::quartz)
    rows.emplace_back("misfire", fmt::format("{}, threshold {}", to_string(o.cron.misfire),
                                             sim::to_string(o.cron.misfire_threshold)));
  if (!o.cron.schedules.empty() && o.cron.missed_policy == MissedPolicy::temporal)
    rows.emplace_back("catchup_window", whole_days(o.cron.catchup_window));
  if (!o.cron.schedules.empty())
    rows.emplace_back("missed_policy",
                      fmt::format("{}, starting deadline {}, checked every {}", to_string(o.cron.missed_policy),
                                  o.cron.starting_deadline ? sim::to_string(*o.cron.starting_deadline) : "none",
                                  sim::to_string(o.cron.check_interval)));
  if (o.cron.status_cache) rows.emplace_back("status_cache", "on: the leader reads each schedule's status once");
  rows.emplace_back("liveness_bound", sim::to_string(o.liveness()));
  if (o.uses_redis())
    for (auto& [key, value] : redis::describe(o.redis)) rows.emplace_back("redis." + key, value);
  if (o.uses_postgres())
    for (auto& [key, value] : postgres::describe(o.postgres)) rows.emplace_back("postgres." + key, value);
  return rows;
}

}  // namespace scheduler
