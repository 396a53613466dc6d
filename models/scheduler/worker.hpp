// A worker node: polls the ready queue and runs what it receives, as the seed's TaskWorker does
// or as the fixed one does.
//
// Seed, as written: the receive hides the message for the queue's default visibility, and only
// then does set_visibility_timeout(task.id, 300 s) follow (S1, S2: fixed, no heartbeat); the
// handler writes the effect, then COMPLETED, then ack(task.id), which deletes the task's message
// whoever holds it now (S3, S4); a retryable error reschedules at the worker's own wall clock +
// 60 x 2^retry_count s into the delay queue and also nacks, so the task runs now and again then
// (S5, S6); past max_retries, or on any other error, FAILED for good (S7, S8).
//
// Fixed: the visibility is taken at receive (heartbeat_timeout) and extended by heartbeats every
// heartbeat_interval; the sink write carries the attempt's token (the receive count) and the
// delete its receipt handle, so a stale attempt can neither overwrite nor delete a newer one
// where the sink and queue check them; a transient error is retried by setting the message's
// visibility to a full-jitter backoff, U[0, min(cap, base x 2^(receives-1))), counted by the
// queue's clock; a permanent error is final at once. Transient failures beyond the queue's
// max_receive_count go to its dead-letter queue. Under cancel_other a heartbeat answered
// cancel_requested interrupts the handler's work; it lands nothing and deletes the message.
//
// With the task table (task_table.hpp), the seed writes update_task by id before its ack or nack,
// retry_count + 1 from its copy; the fixed worker claims the row at receive and writes under its
// token, deleting its message only once the row says COMPLETED or FAILED.
#pragma once

#include <boost/asio/cancellation_signal.hpp>

#include <memory>

#include "models/scheduler/context.hpp"
#include "models/scheduler/messages.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/timer.hpp"

namespace scheduler {

/// How a handler's run ended: abandoned is a run the sink refused or the overlap policy cancelled.
enum class HandlerOutcome { succeeded, transient, permanent, abandoned };

/// The handler after its work: the downstream call, then the sink write carrying `token`; ends
/// the attempt's record with the outcome. Shared by both stores' workers.
sim::Task<HandlerOutcome> land_effect(Context& context, sim::Executor ex, std::string task, std::int64_t token,
                                      std::uint64_t attempt);

class Worker {
public:
  static void boot(const std::shared_ptr<Context>& context, int index);
  Worker(std::shared_ptr<Context> context, int index);

private:
  using Outcome = HandlerOutcome;
  struct Attempt {
    std::string body;
    std::string handle;
    int receives = 0;
    std::uint64_t id = 0;
  };

  /// The fixed worker's attempt as its heartbeats see it.
  struct Run {
    enum State { running, done, lost, cancelled, cancel_requested };
    State state = running;
    /// Cuts the handler's work short once the queue says the run was asked to cancel (cancel_other).
    boost::asio::cancellation_signal interrupt;
  };

  sim::Task<void> run();
  sim::Task<void> process_seed(Attempt attempt);
  sim::Task<void> process_fixed(Attempt attempt);
  sim::Task<void> seed_retry(const Attempt& attempt);
  /// The seed's end of a run: update_task(COMPLETED or FAILED), then ack(task.id); with the task
  /// table, a status write that raises (no answer) takes the seed's `except Exception` path.
  sim::Task<void> seed_finish(const Attempt& attempt, HandlerOutcome outcome);
  /// A write to the task table (task_table: true); the answer, or null.
  sim::Task<std::shared_ptr<const Response>> update_task(Request write);
  Request task_write(const Attempt& attempt, const char* status) const;
  /// The fixed design's claim of the task's row at receive; false: not to run (a finished task's
  /// message is deleted, unrun).
  sim::Task<bool> claim(const Attempt& attempt);
  sim::Task<void> fixed_retry(const Attempt& attempt);
  /// Runs the handler: the work, the downstream call, and the sink write with the attempt's token.
  /// A fixed run cancelled (overlap: replace) or asked to cancel (cancel_other, which also cuts
  /// the work short) writes no effect; under either a cron run asks the queue once more just
  /// before its write.
  sim::Task<Outcome> handle(const Attempt& attempt, std::shared_ptr<Run> run = nullptr);
  sim::Task<void> work(std::shared_ptr<Run> run);
  sim::Task<void> heartbeat(std::string handle, std::shared_ptr<Run> run);
  /// The queue's answer to a heartbeat, as the run's state: lost, cancelled, cancel_requested or running.
  static Run::State state_of(const Response* answer);
  sim::Task<void> ack(const Attempt& attempt, Op op);

  std::shared_ptr<Context> context_;
  int index_;
  sim::NodeId node_;
  sim::Executor ex_;
  sim::Rng rng_;
};

}  // namespace scheduler
