// The scheduler model's store nodes, each a durable state machine behind the RPC server:
//   queue  the ready queue (sqs.hpp) and its dead-letter queue;
//   sink   where a task's side effect lands: plain (every write is a new effect), idempotent
//          (a task's first write only) or fenced (a write whose attempt token is above every
//          one seen for the task overwrites the earlier; a lower or equal one is refused);
//   store  the client-go lease record, each schedule's lastScheduleTime, and the fixed design's
//          fire records keyed by (schedule, nominal time), refused for a fencing token below the
//          highest seen or a nominal time still ahead of the store's clock; each record taken also
//          enters an outbox until its leader says the ready queue has the task (a transactional
//          outbox: a leader's `time` call hands it the entries whose 60 s push lease has ended);
//          with task_table, the tasks' rows (task_table.hpp).
// Simplification: each node's state survives a crash of its node (a durable database).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "models/scheduler/options.hpp"
#include "models/scheduler/task_table.hpp"
#include "sim/kernel/clock_reading.hpp"

namespace scheduler {

struct Context;
class SqsQueue;

struct SinkState {
  std::map<std::string, std::int64_t> highest;  ///< per task: the highest token applied (fenced)
  std::set<std::string> seen;                   ///< tasks with an effect (idempotent)
};

/// The sink's verdict on a write: "applied", "replaced", "deduplicated" or "refused".
std::string sink_verdict(Sink kind, SinkState& state, const std::string& task, std::int64_t token);

/// The store's fire records, keyed (schedule, nominal time): per schedule, runs of nominal times
/// a minute apart, [first, last], so that a schedule firing every minute keeps one run however
/// long the run; a time inside a run's span that is not on its minutes is kept on its own.
class FiredTicks {
public:
  /// Records the tick; false if it was recorded already.
  bool insert(int schedule, std::int64_t nominal);

private:
  std::map<int, std::map<std::int64_t, std::int64_t>> runs_;  ///< per schedule: first -> last
  std::set<std::pair<int, std::int64_t>> others_;
};

/// A fire the fixed design's store took whose task the ready queue is not yet known to hold: the
/// task, and when the lease of the leader pushing it ends (the store's wall clock, Unix ns).
struct Unpushed {
  std::string task;
  std::int64_t lease_until_ns = 0;
};

struct StoreState {
  std::string lease_holder;
  std::int64_t lease_version = 0;
  std::map<int, std::int64_t> last_schedule;  ///< per schedule, Unix seconds
  FiredTicks fired;
  std::int64_t highest_token = 0;
  std::map<int, std::string> buffers;  ///< per schedule, Temporal's buffered starts (ticks_text)
  /// The fixed design's outbox, keyed (schedule, nominal): a fire record and its entry here are
  /// one step, so a tick whose leader crashed (or whose push failed) before the ready queue took
  /// it is handed to a leader's next check once the lease ends, instead of being lost.
  std::map<std::pair<int, std::int64_t>, Unpushed> outbox;
  TaskTable tasks;  ///< task_table: true, the seed's separate task table
};

void boot_queue(const std::shared_ptr<Context>& context);
/// Deletes what the queue's retention deleted by `now` (its clock) and records it.
void apply_retention(Context& context, SqsQueue& queue, sim::MonoTime now);
void boot_sink(const std::shared_ptr<Context>& context, const std::shared_ptr<SinkState>& state);
void boot_store(const std::shared_ptr<Context>& context, const std::shared_ptr<StoreState>& state);

}  // namespace scheduler
