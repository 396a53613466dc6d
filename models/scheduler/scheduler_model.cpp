#include "models/scheduler/scheduler_model.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/etcd/member.hpp"
#include "models/scheduler/checks.hpp"
#include "models/scheduler/leader.hpp"
#include "models/scheduler/nodes.hpp"
#include "models/scheduler/pg_worker.hpp"
#include "models/scheduler/sqs.hpp"
#include "models/scheduler/worker.hpp"
#include "sim/kernel/assert.hpp"

namespace scheduler {

void SchedulerModel::configure(sim::ParamReader& params) { options_ = read_options(params); }

std::vector<std::string> SchedulerModel::check_names() const { return scheduler::check_names(); }

// Every node the model adds starts its wall clock at `start`; the Redis deployment's nodes keep
// the kernel's default, which only their own expiry reads.
sim::ClockOptions SchedulerModel::clock_options() const {
  sim::ClockOptions clock;
  clock.wall_start = sim::WallTime::from_unix_ns(options_.start_s * 1'000'000'000);
  return clock;
}

void SchedulerModel::build_services(sim::World& world) {
  Context& c = *context_;
  sim::ClockOptions clock = clock_options();
  c.queue = world.add_node("queue", {"queue", "store"}, clock);
  c.sink = world.add_node("sink", {"sink"}, clock);
  c.store = world.add_node("store", {"store"}, clock);
  c.client = world.add_node("client", {"client"}, clock);
  c.ready = std::make_shared<SqsQueue>(options_.queue);
  auto sink = std::make_shared<SinkState>();
  auto store = std::make_shared<StoreState>();
  world.node(c.queue).set_boot([context = context_] { boot_queue(context); });
  world.node(c.sink).set_boot([context = context_, sink] { boot_sink(context, sink); });
  world.node(c.store).set_boot([context = context_, store] { boot_store(context, store); });
  world.node(c.client).set_boot([context = context_] { boot_client(context); });
  if (options_.uses_redis()) {
    c.redis = std::make_shared<redis::Deployment>(options_.redis, "redis");
    c.redis->build(world);
  }
  if (options_.uses_postgres()) {
    c.pg = std::make_shared<postgres::Deployment>(options_.postgres, "postgres");
    declare_pg_tables(*c.pg, options_.design, static_cast<int>(options_.cron.schedules.size()));
    c.pg->build(world);
  }
  if (options_.election == Election::etcd) {
    for (int i = 0; i < 3; ++i) c.members.push_back(world.add_node("etcd-" + std::to_string(i + 1), {"etcd"}, clock));
    etcd::install_service(world, c.members, etcd::ServiceOptions{}, nullptr);
  }
}

void SchedulerModel::watch_crashes(sim::World& world) {
  world.on_crash([context = context_](sim::NodeId node) {
    Observations& o = context->observations;
    for (std::size_t w = 0; w < context->workers.size(); ++w)
      if (context->workers[w] == node)
        for (AttemptRecord& a : o.attempts)
          if (a.worker == static_cast<int>(w) && !a.ended) {
            a.ended = context->world.now();
            a.outcome = "crashed";
          }
    for (std::size_t s = 0; s < context->schedulers.size(); ++s)
      if (context->schedulers[s] == node)
        for (BeliefRecord& b : o.beliefs)
          if (b.node == static_cast<int>(s) && !b.to) b.to = context->world.now();
  });
}

void SchedulerModel::build(sim::World& world, sim::Duration length) {
  SIM_ASSERT(!context_, "the scheduler model was built twice");
  context_ = std::make_shared<Context>(world, options_);
  for (const std::string& expression : options_.cron.schedules) {
    std::string error;
    context_->crons.push_back(Schedule{*parse_cron(expression, error), options_.cron.zone, options_.cron.dst});
  }
  build_services(world);
  Observations& o = context_->observations;
  o.schedules = options_.cron.schedules;
  o.zone = options_.cron.zone;
  o.starting_deadline = options_.cron.starting_deadline;
  o.overlap = options_.cron.overlap;
  o.wall_start_s = options_.start_s;
  o.most_recent_only = options_.cron.collapses_missed();
  o.missed_policy = options_.cron.missed_policy;
  o.misfire = options_.cron.misfire;
  o.cron_from = sim::Instant::zero();
  o.run_end = sim::Instant::zero() + length;
  o.liveness_bound = options_.liveness();
  // The fixed design's store refuses a second fire of a tick (its fire record), so a clean tick is
  // judged a liveness bound after its last record. The seed's leader fires by its own wall clock
  // with no record, and may fire any tick again (an hour later across a fall-back): its ticks are
  // judged at the end, so that a second fire's story names the first.
  if (options_.design == Design::fixed) o.retention = o.liveness_bound;
  bool seed = options_.design == Design::seed;
  o.max_attempts = seed ? options_.max_retries + 1 : options_.dead_letter_budget();
  if (seed) o.backoff_base = sim::Duration::seconds(60);  // the seed's 60 x 2^k s
  o.task_table = options_.task_table;
  o.depth_slice = std::max(sim::Duration::seconds(1), length / 200);
  // One record of each kind per delayed task in a run without faults: room for them up front.
  auto tasks = static_cast<std::size_t>(options_.tasks);
  o.submissions.reserve(tasks);
  o.attempts.reserve(tasks);
  o.effects.reserve(tasks);
  o.acks.reserve(tasks);
  o.finals.reserve(tasks);
  o.moves.reserve(tasks);
  for (int i = 0; i < options_.schedulers; ++i) {
    o.scheduler_names.push_back(options_.scheduler_name(i));
    context_->schedulers.push_back(world.add_node(o.scheduler_names.back(), {"scheduler"}, clock_options()));
    world.node(context_->schedulers.back()).set_boot([context = context_, i] { SchedulerNode::boot(context, i); });
  }
  for (int i = 0; i < options_.workers; ++i) {
    o.worker_names.push_back(options_.worker_name(i));
    context_->workers.push_back(world.add_node(o.worker_names.back(), {"worker"}, clock_options()));
    if (options_.uses_postgres())
      world.node(context_->workers.back()).set_boot([context = context_, i] { PgWorker::boot(context, i); });
    else
      world.node(context_->workers.back()).set_boot([context = context_, i] { Worker::boot(context, i); });
  }
  watch_crashes(world);
}

sim::Table SchedulerModel::task_table() const {
  const Observations& o = observations();
  sim::Table table;
  table.title = "Workers";
  table.columns = {"worker", "attempts", "succeeded", "transient errors", "permanent errors", "crashed"};
  // One pass over the attempts: per worker, all of them and those of each outcome shown.
  const std::vector<std::string> outcomes = {"succeeded", "transient", "permanent", "crashed"};
  std::vector<std::vector<std::size_t>> counts(o.worker_names.size(), std::vector<std::size_t>(outcomes.size() + 1));
  for (const AttemptRecord& a : o.attempts) {
    if (a.worker < 0 || static_cast<std::size_t>(a.worker) >= counts.size()) continue;
    std::vector<std::size_t>& row = counts[static_cast<std::size_t>(a.worker)];
    ++row[0];
    for (std::size_t k = 0; k < outcomes.size(); ++k)
      if (a.outcome == outcomes[k]) ++row[k + 1];
  }
  for (std::size_t w = 0; w < o.retired.succeeded_by_worker.size() && w < counts.size(); ++w) {
    counts[w][0] += o.retired.succeeded_by_worker[w];  // judged ticks' runs: one attempt, succeeded
    counts[w][1] += o.retired.succeeded_by_worker[w];
  }
  for (std::size_t w = 0; w < o.worker_names.size(); ++w) {
    std::vector<std::string> row{o.worker_names[w]};
    for (std::size_t n : counts[w]) row.push_back(std::to_string(n));
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string prevention(const SchedulerOptions& options, const sim::Findings& findings) {
  const sim::CheckResult* first = sim::earliest_violation(findings.checks);
  if (!first) return "";
  bool seed = options.design == Design::seed;
  if (first->name == "concurrent_execution" || first->name == "stale_ack")
    return seed ? "Take the visibility at receive, extend it by heartbeats while the handler runs, and delete by the "
                  "receipt handle of the attempt, refused when a newer receive holds the message."
                : "A paused or slow attempt outlived its heartbeats: the sink must check the attempt's token.";
  if (first->name == "duplicate_side_effect")
    return "The queue delivers at least once: make the sink idempotent (deduplicate by task id) or fence it with the "
           "attempt's token.";
  if (first->name == "duplicate_fire" || first->name == "two_leaders")
    return "A deposed leader acted on a belief its own clock still allowed: key each fire by (schedule, nominal time) "
           "in the store and guard it with the lease's fencing token (the etcd revision).";
  if (first->name == "early_fire" || first->name == "missed_fire")
    return "Judge ticks by one clock, the store's, not the leader's wall clock, and declare a catch-up policy.";
  if (first->name == "lost_task")
    return "Tell transient errors from permanent ones, retry transient ones with capped, jittered backoff, and keep "
           "acknowledged submissions in a store that a failover cannot roll back.";
  return "";
}

// The ready queue's depth over the run, one point per slice (the counts at its first call); with
// the PostgreSQL store, the tasks table's open rows by state (its dead rows are not charted).
sim::Plot depth_plot(const Observations& o, bool table) {
  sim::Plot plot;
  plot.title = table ? "The tasks table: open rows by state" : "The ready queue: messages by state";
  plot.x_label = "true time (s)";
  plot.y_label = table ? "rows" : "messages";
  plot.lines = {{"ready", {}}, {"in flight", {}}, {"delayed", {}}};
  if (!table) plot.lines.push_back({"dead-letter", {}});
  for (const DepthSample& d : o.depth) {
    double x = static_cast<double>((d.at - sim::Instant::zero()).ns()) / 1e9;
    plot.lines[0].points.emplace_back(x, d.ready);
    plot.lines[1].points.emplace_back(x, d.in_flight);
    plot.lines[2].points.emplace_back(x, d.delayed);
    if (!table) plot.lines[3].points.emplace_back(x, d.dead);
  }
  return plot;
}

sim::Findings SchedulerModel::finish(sim::World& world, const sim::FaultActivity& faults) {
  Observations& o = context_->observations;
  if (!options_.uses_postgres())
    apply_retention(*context_, *context_->ready, world.node(context_->queue).clock().mono(world.now()));
  o.dead_letters = options_.uses_postgres() ? pg_dead_letters(*context_) : context_->ready->dead_letters();
  sim::Findings findings;
  findings.checks = run_checks(o, options_.dead_letter_budget(), faults);
  findings.measures["submitted"] = static_cast<double>(o.submissions.size() + o.retired.ticks);
  findings.measures["attempts"] = static_cast<double>(o.attempts.size() + o.retired.ticks);
  findings.measures["fires"] = static_cast<double>(o.fires.size() + o.retired.fires);
  if (!options_.uses_postgres()) {
    findings.measures["queue_depth_at_end"] = static_cast<double>(context_->ready->depth());
  } else if (std::optional<std::size_t> open = pg_open_tasks(*context_)) {
    findings.measures["tasks_open_at_end"] = static_cast<double>(*open);  // pending or running rows
  }
  findings.tables.push_back(task_table());
  for (const BeliefRecord& b : o.beliefs)
    findings.intervals.push_back(sim::LaneInterval{o.scheduler_names.at(static_cast<std::size_t>(b.node)), b.from,
                                                   b.to.value_or(o.run_end), "leads"});
  if (!o.depth.empty()) findings.plots.push_back(depth_plot(o, options_.uses_postgres()));
  findings.prevention = prevention(options_, findings);
  return findings;
}

}  // namespace scheduler
