// A worker on the PostgreSQL task store (delay_queue: postgres; pg_store.hpp): it claims a due
// row, or one whose lease expired, with SELECT ... FOR UPDATE SKIP LOCKED and an UPDATE to running
// with attempt + 1 and a lease, in one transaction, then runs the handler with the row's attempt
// as its token.
//
// Seed: the lease is the seed's fixed visibility (300 s), never extended (S2); the completion
// and the retry write carry the row's id only (S3: a stale attempt completes, or puts back, the
// row a newer attempt holds); the retry's due time is the worker's own wall clock + 60 x 2^k s
// with retry_count + 1 from the row it read (S5, S6); past max_retries, or on any other error,
// FAILED for good (S7, S8). The claim itself is atomic here: the table closes S1.
//
// Fixed: the lease is heartbeat_timeout, extended every heartbeat_interval on a second
// connection (UPDATE ... WHERE id AND attempt AND state = 'running'; no row: the attempt lost
// the task and gives it up); the completion and the retry are guarded the same way, so a stale
// attempt changes nothing; a transient error sets the row pending again, due at the database's
// now() + full-jitter backoff; a permanent one marks it failed at once. With max_attempts, a row
// whose attempt reached the budget goes to state dead: in the statement that records the last
// attempt's transient failure, or in the claim that finds the last attempt's lease expired.
#pragma once

#include <memory>

#include "models/scheduler/context.hpp"
#include "models/scheduler/pg_store.hpp"
#include "models/scheduler/worker.hpp"
#include "sim/kernel/random.hpp"

namespace scheduler {

class PgWorker {
public:
  static void boot(const std::shared_ptr<Context>& context, int index);
  PgWorker(std::shared_ptr<Context> context, int index);

private:
  struct Attempt {
    TaskRow row;
    std::uint64_t id = 0;  ///< the recorder's number
  };

  sim::Task<void> run();
  /// The claim transaction; nullopt when no row was due or the transaction failed.
  sim::Task<std::optional<TaskRow>> claim();
  /// max_attempts: the claimed row's budget is spent; it goes to state dead in the claim's transaction.
  sim::Task<void> bury(const TaskRow& row);
  sim::Task<void> process_seed(Attempt attempt);
  sim::Task<void> process_fixed(Attempt attempt);
  sim::Task<bool> cancelled(const TaskRow& row);
  sim::Task<void> heartbeat(TaskRow row, std::shared_ptr<int> state);
  /// Runs a write of the attempt's and records it as an ack: accepted when it changed the row,
  /// stale when the row it changed belonged to a newer attempt.
  sim::Task<void> write(const Attempt& attempt, postgres::Statement statement);

  std::shared_ptr<Context> context_;
  int index_;
  sim::NodeId node_;
  sim::Executor ex_;
  sim::Rng rng_;
  PgSession db_;
  PgSession beat_db_;  ///< the heartbeats' own connection (one statement at a time per connection)
};

}  // namespace scheduler
