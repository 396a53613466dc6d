#include "models/scheduler/task_table.hpp"

#include <fmt/format.h>

#include "models/scheduler/context.hpp"
#include "models/scheduler/messages.hpp"

namespace scheduler {

namespace {

/// The store's trace kind for a task write, spelt whole so that a fault's `after:` can name it.
const char* write_event(const std::string& status, bool accepted) {
  if (!accepted) return "store.task_refused";
  if (status == "COMPLETED") return "store.task_completed";
  if (status == "FAILED") return "store.task_failed";
  return "store.task_pending";
}

// The fixed design's claim: RUNNING under the token, or the row's end.
void claim(Context& c, TableRow& row, const Request& r, Response& reply) {
  if (row.status == "COMPLETED" || row.status == "FAILED") {
    reply.ok = false;
    reply.text = row.status;
  } else if (r.token < row.attempt) {
    reply.ok = false;
    reply.text = fmt::format("attempt {} claimed it already", row.attempt);
  } else {
    row.status = "RUNNING";
    row.attempt = r.token;
  }
  c.trace(c.store, reply.ok ? "store.task_claimed" : "store.task_refused",
          fmt::format("{} attempt {}{}", r.task, r.token, reply.ok ? "" : ": " + reply.text));
}

// update_task: the seed's by id alone, the fixed design's only while its attempt holds the row.
void update(Context& c, TableRow& row, const Request& r, std::int64_t wall_ns, Response& reply) {
  bool fenced = r.token != 0;
  if (fenced && (row.status != "RUNNING" || row.attempt != r.token)) {
    reply.ok = false;
    reply.text = fmt::format("the row is {} under attempt {}", row.status, row.attempt);
  }
  TaskWrite write{r.task, c.world.now(), r.status, row.retry_count, row.retry_count, reply.ok, c.world.now()};
  if (reply.ok) {
    row.status = r.status;
    if (r.status == "PENDING") {
      row.retry_count = fenced ? row.retry_count + 1 : r.number;
      row.schedule_time_ms = fenced ? (wall_ns + r.duration.ns()) / 1'000'000 : r.when;
      // True time at which the retry is due: the store's delay, or the seed's wall time as true wall time reads it.
      write.due = fenced
                      ? c.world.now() + r.duration
                      : sim::Instant::zero() + sim::Duration::milliseconds(r.when - c.observations.wall_start_s * 1000);
    }
    write.retry_after = row.retry_count;
  }
  c.observations.task_writes.push_back(write);
  c.trace(c.store, write_event(r.status, reply.ok),
          fmt::format("{} {} retry_count {} -> {}{}", r.task, r.status, write.retry_before, write.retry_after,
                      reply.ok ? "" : ": " + reply.text));
}

}  // namespace

void answer_task_op(Context& context, TaskTable& table, const Request& request, std::int64_t wall_ns,
                    Response& reply) {
  TableRow& row = table.rows[request.task];
  if (request.op == Op::task_claim) claim(context, row, request, reply);
  if (request.op == Op::task_update) update(context, row, request, wall_ns, reply);
  reply.task = row.status;
  reply.number = row.retry_count;
}

}  // namespace scheduler
