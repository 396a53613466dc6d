// What each of the scheduler model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/postgres/server/docs.hpp"
#include "models/redis/docs.hpp"
#include "models/scheduler/scheduler.hpp"

namespace {

std::vector<sim::OptionDoc> cron_option_docs() {
  return {
      {"cron", "five-field cron expressions, in time_zone"},
      {"time_zone",
       "the schedules' zone (Kubernetes' .spec.timeZone), an IANA name among the 36 the model keeps with their "
       "rules (US, EU, New South Wales', New Zealand's or no daylight time), such as UTC, America/New_York, "
       "Europe/Berlin, Australia/Sydney, Pacific/Auckland, Asia/Tokyo or Asia/Kolkata; an unknown name is refused "
       "with the list"},
      {"dst",
       "a tick in a daylight-saving gap or overlap: vixie (cron(8): fixed-time jobs once, a skipped one right after "
       "the change) or kubernetes (robfig/cron: a skipped tick never runs, a repeated one runs twice)"},
      {"overlap",
       "a tick while the schedule's previous run is active: allow (Kubernetes' default; Temporal's allow_all), "
       "forbid (not started; tried again at the next check), replace (the active run is cancelled; Temporal's "
       "terminate_other), or, with missed_policy temporal, skip (its default: dropped), buffer_one (one waits for "
       "the run to end), buffer_all (all wait, then run one after another) or cancel_other (the active run is asked to "
       "cancel, the newest waits for it to end; with the SQS-like queue a running handler is interrupted); only the "
       "fixed design applies it"},
      {"start",
       "the true wall time at the run's start, in UTC, quoted (\"2026-03-08T05:00:00Z\"); empty: 2026-01-01T00:00:00Z"},
      {"missed_policy",
       "missed ticks: all (the seed's loop), legacy (Kubernetes <= 1.20, 100-missed rule), v2 (most recent "
       "only), quartz (misfire threshold and instruction) or temporal (catch-up window, then the overlap policy)"},
      {"misfire",
       "quartz: a misfired CronTrigger's instruction: smart_policy (the default: fire_once_now), fire_once_now (one "
       "fire now), do_nothing (no fire; the next tick after now) or ignore_misfire_policy (every missed tick fires)"},
      {"misfire_threshold", "quartz: org.quartz.jobStore.misfireThreshold, how late a tick is a misfire"},
      {"catchup_window", "temporal: a missed action older than this when the scheduler comes back is dropped"},
      {"starting_deadline", "Kubernetes' startingDeadlineSeconds: a tick later than this is not started"},
      {"check_interval", "the controller's period (Kubernetes: 10s)"},
      {"status_cache",
       "the leader keeps each schedule's last fire time as it read or wrote it (Kubernetes' informer cache) instead "
       "of a store read per schedule per check; emptied when it begins to lead. Off by default"},
  };
}

/// The SQS-like ready queue's options.
std::vector<sim::OptionDoc> queue_option_docs() {
  return {
      {"queue", "the ready queue's SQS rules"},
      {"queue.default_visibility", "visibility of a receive that names none (SQS: 30s)"},
      {"queue.max_receive_count", "receives before the dead-letter queue (0: none)"},
      {"queue.stale_handles", "an old receipt handle's delete: sqs (succeeds and deletes) or refused"},
      {"queue.retention",
       "MessageRetentionPeriod: a message older than this, counted from its send, is deleted whatever its state, "
       "in flight included (SQS: 4 days, 60s to 14 days)"},
      {"queue.dlq_retention",
       "the dead-letter queue's retention, counted from the message's original send as SQS counts it for a "
       "standard queue, so a message that spent most of it in the queue expires soon after it moves (SQS "
       "advises a longer retention than the queue's)"},
      {"queue.fifo",
       "a FIFO queue: a message whose body was sent in the last 5 minutes is accepted and dropped (content-based "
       "deduplication), messages of a group are received in send order and one at a time, no per-message delay "
       "(so not with delay_queue: sqs), and a message moved to the DLQ starts its retention again"},
      {"queue.deduplication_id",
       "a FIFO queue's MessageDeduplicationId: content (content-based, the body; the default) or task (each sender "
       "sets the task's id, without the seed's retry count, overriding the content-based one)"},
      {"queue.calls_per_second",
       "a FIFO queue's quota of calls a second per API action (SQS: 300 without high throughput mode; a batch of up "
       "to 10 messages is one call, hence 3,000 messages a second); a call over it is refused with "
       "ThrottlingException. 0: none"},
      {"queue.redrive_at",
       "an operator's DLQ redrive (StartMessageMoveTask to the source queue) at this time on the queue node's clock: "
       "the dead letters present then move back oldest first, each as a new message (new id, retention and receive "
       "count start again)"},
      {"queue.redrive_rate", "the redrive's MaxNumberOfMessagesPerSecond (1 to 500; 500 by default)"},
      {"queue.message_group",
       "a FIFO queue's MessageGroupId: task (each task alone) or schedule (a cron schedule's runs in one group: "
       "in tick order, one in flight)"},
  };
}

std::vector<sim::OptionDoc> scheduler_option_docs() {
  std::vector<sim::OptionDoc> docs{
      {"design",
       "seed: problem 4's worker and leader as written; fixed: visibility at receive, heartbeats, attempt "
       "identity, the store's clock, jittered backoff, fenced fires"},
      {"election",
       "leader election: client_go (lease record, own clocks, no fencing), etcd (lease, revision as "
       "fencing token) or redis (SET NX PX)"},
      {"delay_queue",
       "where delayed tasks wait: redis (a ZSET the leader moves), sqs (per-message delay, <= 15m) or postgres (a "
       "tasks table that is also the ready queue: workers claim due rows with FOR UPDATE SKIP LOCKED and a lease; "
       "fires insert a fire record keyed (schedule, nominal time) in the fixed design, unkeyed in the seed's)"},
      {"move",
       "how due tasks leave the ZSET: range_then_remove (the seed) or script (one Lua script a check: range and ZREM)"},
      {"sink", "where effects land: plain, idempotent (by task id) or fenced (attempt token)"},
      {"task_table",
       "the seed's separate task table on the store node (status, retry_count, schedule_time), written beside the "
       "ready queue: the seed's update_task by id then ack or nack, with retry_count + 1 from the task's copy; the "
       "fixed design claims the row at receive (a finished task's message is deleted unrun) and writes under the "
       "attempt's token, incrementing retry_count in the store. Not with delay_queue postgres. Off by default"},
      {"schedulers", "scheduler nodes, sched-1 .. sched-N"},
      {"workers", "worker nodes, worker-1 .. worker-M"},
      {"tasks", "one-time delayed tasks the client submits"},
      {"submit_at", "when the client submits them"},
      {"delay", "how long after submission the first task is due"},
      {"spacing", "task i is due i x spacing after the first"},
      {"work", "the handler's running time"},
      {"poll", "an idle worker's wait between receives"},
      {"visibility", "the seed's set_visibility_timeout, called after the receive (postgres: the claim's lease)"},
      {"max_retries", "the seed's retries at 60 x 2^k s before FAILED"},
      {"heartbeat_timeout",
       "fixed: the visibility taken at receive (postgres: the claim's lease) and renewed by each heartbeat"},
      {"heartbeat_interval", "fixed: time between heartbeats"},
      {"backoff_base", "fixed: the first retry's backoff ceiling"},
      {"backoff_cap", "fixed: the largest backoff ceiling (full jitter below it)"},
      {"lease_duration", "the leader lease (client_go LeaseDuration; etcd and redis: the TTL)"},
      {"renew_deadline", "client_go: the leader gives up after this without a renewal"},
      {"retry_period", "time between election steps"},
      {"request_timeout", "timeout of one call to the queue, sink, store or Redis"},
      {"liveness_bound", "after the last fault, a due task starts within this"},
      {"max_attempts",
       "fixed, delay_queue postgres: attempts (claims) of a row before it goes to state dead, in the transaction "
       "that records its last failure or finds its last lease expired (0: no budget)"},
      {"downstream", "the service every handler calls fails in a window"},
      {"downstream.fail_from", "start of the failure window (true time)"},
      {"downstream.fail_until", "end of the failure window"},
      {"downstream.error", "transient or permanent"},
  };
  for (sim::OptionDoc& doc : queue_option_docs()) docs.push_back(std::move(doc));
  for (sim::OptionDoc& doc : cron_option_docs()) docs.push_back(std::move(doc));
  for (sim::OptionDoc& doc : redis::option_docs_under("redis.", "the delay queue's Redis"))
    docs.push_back(std::move(doc));
  const char* tasks_server = "the PostgreSQL server holding the tasks table (delay_queue: postgres)";
  for (sim::OptionDoc& doc : postgres::option_docs_under("postgres.", tasks_server)) docs.push_back(std::move(doc));
  return docs;
}

}  // namespace

const sim::ModelDocs& scheduler_docs() {
  static const sim::ModelDocs docs{
      "design",
      {"cron: ['* * * * *']\nqueue: { max_receive_count: 5, dlq_retention: 5d, fifo: true, message_group: schedule "
       "}\ndownstream: { fail_from: 1s, fail_until: 2s }\n"
       "redis: { replicas: 1 }\n",
       "delay_queue: postgres\npostgres: { cores: 2 }\n"},
      scheduler_option_docs(),
      {
          {"lost_task", "every acknowledged task runs to an effect, or fails for good on a permanent error",
           "tasks lost, out of those acknowledged"},
          {"duplicate_execution",
           "reported: tasks whose handler completed more than once (task_table: and those run again after their row "
           "said COMPLETED)",
           "tasks"},
          {"concurrent_execution", "no two attempts of one task run at the same time",
           "overlapping pairs, total overlap"},
          {"duplicate_side_effect", "no task's effect lands twice at the sink", "tasks with more than one effect"},
          {"stale_ack",
           "no ack from an attempt deletes a message a newer attempt holds (postgres: no completion or retry write "
           "from an attempt changes the row a newer attempt claimed)",
           "stale acks accepted"},
          {"duplicate_fire", "each cron tick fires once", "fires beyond the first"},
          {"missed_fire", "each cron tick fires, unless the declared policy skips it", "ticks missed"},
          {"early_fire", "no tick fires before its time", "early fires"},
          {"fire_lateness", "how late ticks fire; no tick starts past a declared starting_deadline",
           "p50, p99, max, ticks past the deadline"},
          {"two_leaders", "no two scheduler nodes believe they lead at the same time",
           "overlap of beliefs, and the deposed one's actions that took effect in it"},
          {"overlap",
           "runs of one schedule overlap only as the declared overlap policy allows (forbid: never; replace: a "
           "replaced run lands no effect)",
           "overlapping pairs, total overlap, pairs against the policy"},
          {"retry_budget",
           "no task takes more attempts than its budget (seed: max_retries + 1; fixed: max_receive_count, with "
           "postgres max_attempts; a new budget per DLQ redrive), the seed's retries wait its declared 60 x 2^k s, "
           "and (task_table) no retry loses a retry_count increment; the largest retry wave is reported",
           "tasks over budget, retries sooner than the backoff, lost increments, retries due within 100 ms"},
          {"dlq_correct",
           "a dead-lettered task (postgres: a row in state dead) reached its budget and never succeeded (a redriven "
           "task: its receive count only)",
           "wrong dead letters"},
          {"liveness", "after the last fault, every due task starts within liveness_bound", "tasks that did not"},
      },
  };
  return docs;
}
