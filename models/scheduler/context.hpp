// What the scheduler model's nodes share: the World, the options, the parsed cron schedules,
// the node ids, the Redis deployment (delay queue or redis election), the PostgreSQL deployment
// (delay_queue: postgres), the etcd members (etcd election), and the observations the checkers read.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/postgres/server/deployment.hpp"
#include "models/redis/server/deployment.hpp"
#include "models/scheduler/cron.hpp"
#include "models/scheduler/options.hpp"
#include "models/scheduler/record.hpp"
#include "sim/kernel/world.hpp"

namespace scheduler {

class SqsQueue;

struct Context {
  Context(sim::World& w, SchedulerOptions o) : world(w), options(std::move(o)) {}

  sim::World& world;
  SchedulerOptions options;
  std::vector<Schedule> crons;
  Observations observations;
  sim::NodeId queue = sim::no_node;
  sim::NodeId sink = sim::no_node;
  sim::NodeId store = sim::no_node;
  sim::NodeId client = sim::no_node;
  std::vector<sim::NodeId> schedulers;
  std::vector<sim::NodeId> workers;
  std::vector<sim::NodeId> members;  ///< election: etcd
  std::shared_ptr<redis::Deployment> redis;
  std::shared_ptr<SqsQueue> ready;  ///< the queue node's durable state
  std::shared_ptr<postgres::Deployment> pg;  ///< delay_queue: postgres, the tasks table's server
  std::int64_t next_task_id = 1;             ///< the tasks table's ids, in the order rows are built
  /// Notes that `task` is in observations.submissions; false if it already was. The client's
  /// tasks (task-1 .. task-N) take a bit each, other names (cron runs) a set entry.
  bool note_submitted(const std::string& task);
  std::string delay_key = "delayed";
  std::string moving_key = "delayed:moving";  ///< the fixed design's members taken, not yet in the ready queue
  std::string leader_key = "scheduler:leader";

  std::vector<bool> client_tasks_submitted;  ///< note_submitted's bits, task-1 at 0
  std::set<std::string> others_submitted;    ///< note_submitted's other names

  /// Lets the checks judge the cron ticks that ended clean and drop their records (record.hpp's
  /// judge_closed); called as fires are recorded, so it adds no event to the run.
  void judge_closed();
  std::uint64_t attempt_started(const std::string& task, int worker, int receives);
  void attempt_ended(std::uint64_t attempt, const std::string& outcome);
  void trace(sim::NodeId node, std::string_view kind, const std::string& detail) {
    world.trace().record(world.now(), node, kind, detail);
  }
};

}  // namespace scheduler
