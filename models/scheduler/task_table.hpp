// The seed's separate task table (`task_table: true`), on the store node: one row per task,
// {status, retry_count, schedule_time}, as problem 4's task record has them, beside the ready
// queue that carries the task's copy. The two are written by separate calls, so what the table
// says and what the queue holds can part (S4), and the seed's retry_count + 1 comes from the copy
// the worker received, not from the row (S6).
//
// The seed's update_task writes by id alone: status, and for PENDING the retry_count and
// schedule_time it computed. The fixed design writes under its attempt's token: a claim at
// receive sets the row RUNNING with the token (refused, with the row's status, for a COMPLETED or
// FAILED row, so a redelivered message of a finished task is deleted unrun; refused for a token
// below the row's), and each later write applies only while the row is RUNNING under that token,
// a retry incrementing retry_count in the store (retry_count = retry_count + 1) and setting its
// schedule_time from the store's clock. Rows are created by their first call (the submission's
// insert is not modelled as a call: an absent row reads PENDING with retry_count 0).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace scheduler {

struct Context;
struct Request;
struct Response;

struct TableRow {
  std::string status = "PENDING";  ///< PENDING | RUNNING | COMPLETED | FAILED
  std::int64_t retry_count = 0;
  std::int64_t schedule_time_ms = 0;  ///< Unix ms (the seed's worker's clock, or the store's)
  std::int64_t attempt = 0;           ///< the fixed design's claim token
};

struct TaskTable {
  std::map<std::string, TableRow> rows;
};

/// Answers task_claim and task_update on the store node, whose wall clock reads `wall_ns`, and
/// records each write (record.hpp's TaskWrite) and its trace.
void answer_task_op(Context& context, TaskTable& table, const Request& request, std::int64_t wall_ns,
                    Response& reply);

}  // namespace scheduler
