// The calls workers and scheduler nodes make to the queue, sink and store nodes: one request
// type with an operation, so every store speaks the same small protocol, and a PostgreSQL-backed
// store can later answer the same operations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/network.hpp"

namespace scheduler {

enum class Op {
  send,               // queue: a task, with a delay
  send_batch,         // queue: several tasks, with one delay (SendMessageBatch)
  receive,            // queue: the next visible message, with a visibility (absent: the default)
  change_visibility,  // queue: by receipt handle
  delete_message,     // queue: by receipt handle
  set_visibility_id,  // queue: the seed's set_visibility_timeout(task.id, ...)
  ack_id,             // queue: the seed's ack(task.id)
  nack_id,            // queue: the seed's nack(task.id)
  write,              // sink: the task's side effect, with the attempt's token
  time,               // store: the store's wall clock
  lease_get,          // store: the client-go lease record
  lease_update,       // store: compare-and-swap of the lease record on its version
  status_get,         // store: a schedule's lastScheduleTime
  status_set,         // store: the seed's unguarded lastScheduleTime update
  fire,               // store: the fixed design's fire record, keyed (schedule, nominal), fenced
  active,             // queue: how many messages of a schedule's runs are in the queue (overlap: forbid)
  cancel_runs,        // queue: deletes every message of a schedule's runs (overlap: replace)
  request_cancel,     // queue: asks a schedule's runs to cancel (Temporal's cancel_other)
  processed,          // store: a schedule dealt with up to a time, without a fire, and its buffered starts
  pushed,             // store: the fixed design's fire of (schedule, nominal) is in the ready queue: out of the outbox
  task_claim,         // store (task_table, fixed): the task's row RUNNING under the attempt's token, or its end
  task_update,        // store (task_table): the seed's update_task by id; the fixed design's, fenced by the token
};

const char* op_name(Op op);

struct Request final : sim::MessageBody {
  Op op = Op::send;
  std::string task;           ///< task id; the holder's name for the lease
  std::vector<std::string> tasks;  ///< send_batch: the tasks, in order
  std::string handle;         ///< receipt handle
  std::int64_t number = 0;    ///< receive count, nominal Unix seconds, expected lease version, schedule
  std::int64_t token = 0;     ///< attempt token (receive count) or fencing token
  std::int64_t when = 0;      ///< a tick's due time or lastScheduleTime, Unix seconds
  std::int64_t nominal = 0;   ///< fire: the tick's nominal time (cron.hpp), the record's key
  sim::Duration duration;     ///< visibility or delay
  bool has_duration = false;  ///< receive: whether `duration` overrides the default visibility
  std::uint64_t attempt = 0;  ///< the recorder's attempt number (for the recorder only)
  /// task_update: the row's new status (PENDING, COMPLETED, FAILED); `number` the seed's
  /// retry_count, `when` its schedule_time; the fixed design's `duration` is the retry's delay.
  std::string status;
  std::string describe() const override;
};

struct Response final : sim::MessageBody {
  bool ok = false;
  std::string task;
  std::string handle;
  std::string holder;
  std::int64_t number = 0;  ///< receive count; lease version; lastScheduleTime; wall time in Unix ns
  std::string text;
  /// time (fixed design): the outbox's tasks whose lease ended, now leased to the caller to push.
  std::vector<std::string> tasks;
  std::string describe() const override;
};

}  // namespace scheduler
