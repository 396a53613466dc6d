// The task scheduler's options (problem 4, reference section 2): the seed's design as written or
// the fixed one, the leader election, the delay queue, the ready queue's SQS-like rules, the
// workers and their sink, the workload (one-time delayed tasks and cron schedules) and the
// downstream the handlers call. Defaults are the sources': the seed's 300 s visibility and
// 3 retries at 60 * 2^k s; SQS's 30 s default visibility; client-go's 15 s / 10 s / 2 s lease;
// Kubernetes' 10 s controller period; Temporal's heartbeat-based liveness.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "models/redis/options.hpp"
#include "models/scheduler/zone.hpp"
#include "sim/kernel/clock.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace scheduler {

/// `design`: the worker and scheduler code.
enum class Design {
  seed,   ///< problem 4's TaskWorker and leader as written
  fixed,  ///< visibility at receive, heartbeats, attempt identity, store clock, jittered backoff, fencing
};

/// `election`: how the scheduler nodes pick the one that fires cron ticks and moves due tasks.
enum class Election {
  client_go,  ///< a lease record on the store, judged on each node's own clock, no fencing
  etcd,       ///< a lease in the etcd-like service; the lock key's revision is the fencing token
  redis,      ///< SET NX PX on the Redis node, renewed by script, no fencing
};

/// `delay_queue`: where one-time delayed tasks wait until they are due.
enum class DelayQueue {
  redis,  ///< the seed's Redis ZSET, moved to the ready queue by the leader
  sqs,    ///< the ready queue's own per-message delay (SQS DelaySeconds, at most 15 min)
  /// a PostgreSQL tasks table that is both the delay queue and the ready queue (pg_store.hpp):
  /// workers claim due rows with FOR UPDATE SKIP LOCKED, no leader moves them
  postgres,
};

/// `move`: how the leader moves due tasks out of the Redis ZSET.
enum class Move {
  range_then_remove,  ///< the seed: ZRANGEBYSCORE, then ZREM and push whatever ZREM answered
  script,             ///< one Lua script a check that reads the due members and removes them; its caller pushes them
};

/// `sink`: where a task's side effect lands.
enum class Sink {
  plain,       ///< applies every write
  idempotent,  ///< applies a task's first write only (deduplicated by task id)
  fenced,      ///< applies a write whose attempt token is above every one seen for the task
};

/// `missed_policy`: what the leader does with cron ticks it missed.
enum class MissedPolicy {
  all,       ///< the seed's wall-time loop: every tick between the last one fired and now
  legacy,    ///< Kubernetes' controller up to 1.20: more than 100 missed, nothing starts
  v2,        ///< Kubernetes' controller from 1.21: only the most recent missed tick runs
  quartz,    ///< Quartz's CronTrigger: a tick later than misfire_threshold is a misfire, handled by `misfire`
  temporal,  ///< Temporal's schedules: missed actions within catchup_window, then the overlap policy
};

/// `misfire`: Quartz's CronTrigger misfire instruction (missed_policy: quartz).
enum class Misfire {
  smart_policy,           ///< MISFIRE_INSTRUCTION_SMART_POLICY, the default: for a CronTrigger, fire_once_now
  fire_once_now,          ///< MISFIRE_INSTRUCTION_FIRE_ONCE_NOW: one fire now for every misfired tick
  do_nothing,             ///< MISFIRE_INSTRUCTION_DO_NOTHING: no fire; the next tick after now is the next fire
  ignore_misfire_policy,  ///< MISFIRE_INSTRUCTION_IGNORE_MISFIRE_POLICY: every missed tick fires, at once
};

/// `dst`: what a cron tick in a daylight-saving gap or overlap does (cron.hpp).
enum class DstPolicy {
  vixie,       ///< cron(8): fixed-time jobs run once, a skipped one right after the change
  kubernetes,  ///< robfig/cron in .spec.timeZone: a skipped tick never runs, a repeated one twice
};

/// `overlap`: what a cron tick does while an earlier run of its schedule is still active.
enum class Overlap {
  allow,    ///< Kubernetes' Allow (the default), Temporal's AllowAll: runs may overlap
  forbid,   ///< Kubernetes' Forbid: not started; the controller tries the tick again at its next check
  replace,  ///< Kubernetes' Replace, Temporal's TerminateOther: the active run is cancelled first
  // Temporal's own (missed_policy: temporal); its AllowAll is `allow`, its TerminateOther `replace`.
  skip,        ///< SKIP (Temporal's default): not started and dropped; the next tick after the run is considered
  buffer_one,  ///< BUFFER_ONE: one start waits for the active run to end, later ones are dropped
  buffer_all,  ///< BUFFER_ALL: every start waits, and they run one after another
  /// CANCEL_OTHER: the active run is asked to cancel, and the newest start waits until it has ended
  cancel_other,
};

/// `stale_handles`: the queue's answer to a delete or visibility change with an old receipt handle.
enum class StaleHandles {
  sqs,      ///< succeeds, and the delete removes the message even while another reader holds it
  refused,  ///< refused: only the current receive may complete a message (SWF, Temporal)
};

/// Whether an overlap policy promises no two runs of a schedule at once (forbid, skip, buffer_*, cancel_other).
inline bool promises_no_overlap(Overlap overlap) {
  return overlap == Overlap::forbid || overlap == Overlap::skip || overlap == Overlap::buffer_one ||
         overlap == Overlap::buffer_all || overlap == Overlap::cancel_other;
}

/// A FIFO queue's MessageGroupId for a task's message.
enum class MessageGroup {
  task,      ///< each task its own group: no order between tasks, a task's messages one at a time
  schedule,  ///< a cron schedule's runs in one group (one in flight, in tick order); a delayed task alone
};

struct QueueOptions {
  sim::Duration default_visibility = sim::Duration::seconds(30);  ///< `default_visibility`: at receive
  int max_receive_count = 0;  ///< `max_receive_count`: receives before the DLQ (0: no DLQ)
  StaleHandles stale_handles = StaleHandles::sqs;
  /// `retention` and `dlq_retention`: MessageRetentionPeriod of the queue and of its dead-letter
  /// queue (SQS: 4 days by default, 60 s to 14 days), both counted from the original send.
  sim::Duration retention = sim::Duration::minutes(4 * 24 * 60);
  sim::Duration dlq_retention = sim::Duration::minutes(4 * 24 * 60);
  /// `fifo`: a FIFO queue: content-based deduplication over 5 minutes, delivery in order within
  /// a message group and one message of a group in flight at a time, no per-message delay, and a
  /// dead-letter queue that restarts the retention clock.
  bool fifo = false;
  MessageGroup group = MessageGroup::task;  ///< `message_group`
  /// `deduplication_id`: a FIFO queue's MessageDeduplicationId: `content` (content-based: the
  /// body) or `task` (every sender sets it to the task's id, the body without the seed's retry
  /// count, which overrides the content-based one).
  bool dedup_by_task = false;
  /// `calls_per_second`: a FIFO queue's quota of calls a second per API action (SQS: 300, each
  /// batch of up to 10 one call); a call over it is refused (ThrottlingException). 0: no quota.
  int calls_per_second = 300;
  /// `redrive_at`: when an operator starts a DLQ redrive (StartMessageMoveTask back to this queue),
  /// counted on the queue node's clock from its boot; `redrive_rate`: MaxNumberOfMessagesPerSecond.
  std::optional<sim::Duration> redrive_at;
  int redrive_rate = 500;
};

struct DownstreamOptions {
  /// `fail_from`, `fail_until`: the downstream every handler calls fails in this window of true time.
  std::optional<sim::Duration> fail_from;
  std::optional<sim::Duration> fail_until;
  bool permanent = false;  ///< `error: permanent | transient` (default transient)
};

struct CronOptions {
  std::vector<std::string> schedules;  ///< `cron`: five-field expressions in `time_zone`
  Zone zone;                           ///< `time_zone`: an IANA name the model carries (zone.hpp)
  DstPolicy dst = DstPolicy::vixie;    ///< `dst`
  Overlap overlap = Overlap::allow;    ///< `overlap`: declared; only the fixed design applies it
  MissedPolicy missed_policy = MissedPolicy::v2;
  std::optional<sim::Duration> starting_deadline;             ///< `starting_deadline`: startingDeadlineSeconds
  sim::Duration check_interval = sim::Duration::seconds(10);  ///< `check_interval`: the controller's period
  Misfire misfire = Misfire::smart_policy;                    ///< `misfire` (quartz)
  /// `misfire_threshold` (quartz): org.quartz.jobStore.misfireThreshold, 60,000 ms by default.
  sim::Duration misfire_threshold = sim::Duration::seconds(60);
  /// `catchup_window` (temporal): a missed action older than this is dropped; one year by default.
  sim::Duration catchup_window = sim::Duration::seconds(365LL * 24 * 3600);
  /// `status_cache`: the leader keeps each schedule's last fire time as it read or wrote it, as
  /// Kubernetes' controller reads its informer's cache, instead of one store read per schedule
  /// per check; emptied whenever the node begins to lead. Kubernetes' policies (all, v2, legacy)
  /// with the store node only (not delay_queue: postgres). Off by default.
  bool status_cache = false;

  /// Whether the declared policy lets one catch-up run stand for the ticks it missed (Kubernetes'
  /// most recent only, Quartz's fire-once-now, Temporal's overlap policies that start one of many).
  bool collapses_missed() const;
  /// Whether the declared overlap policy promises no two runs of a schedule at once.
  bool no_overlap() const { return promises_no_overlap(overlap); }
};

struct SchedulerOptions {
  Design design = Design::seed;
  Election election = Election::client_go;
  DelayQueue delay_queue = DelayQueue::redis;
  Move move = Move::range_then_remove;
  Sink sink = Sink::plain;
  int schedulers = 2;  ///< `schedulers`: sched-1 .. sched-N
  int workers = 2;     ///< `workers`: worker-1 .. worker-M
  /// `tasks`: one-time delayed tasks the client submits at `submit_at`; task i is due at
  /// submit_at + delay + i x spacing.
  int tasks = 1;
  sim::Duration submit_at = sim::Duration::seconds(1);
  sim::Duration delay = sim::Duration::seconds(5);
  sim::Duration spacing = sim::Duration::zero();
  sim::DurationDist work = sim::DurationDist::constant(sim::Duration::seconds(1));  ///< `work`: handler time
  sim::Duration poll = sim::Duration::seconds(1);                 ///< `poll`: an idle worker's wait between receives
  sim::Duration visibility = sim::Duration::seconds(300);         ///< `visibility`: the seed's set_visibility_timeout
  int max_retries = 3;                                            ///< `max_retries`: the seed's
  sim::Duration heartbeat_timeout = sim::Duration::seconds(30);   ///< `heartbeat_timeout`: fixed, at receive
  sim::Duration heartbeat_interval = sim::Duration::seconds(10);  ///< `heartbeat_interval`: fixed
  sim::Duration backoff_base = sim::Duration::seconds(1);         ///< `backoff_base`: fixed
  sim::Duration backoff_cap = sim::Duration::seconds(100);        ///< `backoff_cap`: fixed
  sim::Duration lease_duration = sim::Duration::seconds(15);      ///< `lease_duration` (etcd, redis: the TTL)
  sim::Duration renew_deadline = sim::Duration::seconds(10);      ///< `renew_deadline`: client_go
  sim::Duration retry_period = sim::Duration::seconds(2);         ///< `retry_period`: every election
  sim::Duration request_timeout = sim::Duration::seconds(1);      ///< `request_timeout`: every call
  /// `start`: the true wall time (Unix seconds) at the run's start on the scheduler's nodes.
  std::int64_t start_s = sim::default_wall_start.unix_ns() / 1'000'000'000;
  /// `liveness_bound`: after the last fault, a due task starts within this.
  std::optional<sim::Duration> liveness_bound;
  /// `max_attempts`: the PostgreSQL store's dead-letter budget (fixed design): a row whose attempt
  /// reaches it goes to state `dead` instead of being retried or claimed again (0: no budget), as
  /// the SQS-like queue's max_receive_count sends a message to its dead-letter queue.
  int max_attempts = 0;
  /// `task_table`: the seed's separate task table on the store node (task_table.hpp), written
  /// beside the ready queue: the seed's update_task then ack, the fixed design's fenced claim and
  /// writes. Not with delay_queue: postgres, whose table is the queue.
  bool task_table = false;
  QueueOptions queue;
  DownstreamOptions downstream;
  CronOptions cron;
  redis::RedisOptions redis;  ///< `redis:` the delay queue's (and the redis election's) Redis
  postgres::ServerOptions postgres;  ///< `postgres:` the server holding the tasks table (delay_queue: postgres)

  bool uses_redis() const { return delay_queue == DelayQueue::redis || election == Election::redis; }
  bool uses_postgres() const { return delay_queue == DelayQueue::postgres; }
  /// Attempts a task may take before it is dead-lettered (0: unlimited): max_attempts with the
  /// PostgreSQL store, the queue's max_receive_count otherwise.
  int dead_letter_budget() const { return uses_postgres() ? max_attempts : queue.max_receive_count; }
  std::string scheduler_name(int i) const { return "sched-" + std::to_string(i + 1); }
  std::string worker_name(int i) const { return "worker-" + std::to_string(i + 1); }
  sim::Duration liveness() const;
};

SchedulerOptions read_options(sim::ParamReader& params);
std::vector<std::pair<std::string, std::string>> describe(const SchedulerOptions& options);

const char* to_string(Design design);
const char* to_string(Election election);
const char* to_string(Sink sink);
const char* to_string(DelayQueue queue);
const char* to_string(MissedPolicy policy);
const char* to_string(DstPolicy policy);
const char* to_string(Overlap overlap);
const char* to_string(Misfire misfire);

}  // namespace scheduler
