// The scheduler's checkers (reference section 2.5), each a pure function of the observations
// (record.hpp), each saying how bad:
//   lost_task              an acknowledged task that never ran to an effect, and was not failed
//                          for good on a permanent error (at-least-once);
//   duplicate_execution    reported, never failed: tasks whose handler ran more than once (with the
//                          task table, also those run again after their row said COMPLETED);
//   concurrent_execution   the true time two attempts of one task overlapped;
//   duplicate_side_effect  tasks with more than one new effect at the sink;
//   stale_ack              acks that deleted a message a newer receive held (the postgres store:
//                          completions or retry writes that changed a row a newer attempt claimed);
//   duplicate_fire         cron ticks (schedule, nominal time) that reached the ready queue twice;
//   missed_fire            ticks never fired and not skipped by the declared policy (a tick that
//                          a later catch-up fire superseded is skipped; see cron.hpp);
//                          in a time zone both judge what a local-time schedule's user expects,
//                          whatever the model's dst policy: cron(8)'s reading (each fixed local
//                          time once, a skipped one due at the change; `*` jobs by real time);
//   early_fire             fires before their tick in true time;
//   fire_lateness          p50, p99 and max of fire time minus tick, first fires only; violated only
//                          by a tick started past a declared starting_deadline;
//   two_leaders            true time in which two nodes believed they led, with the deposed one's
//                          fires and moves that took effect in it;
//   overlap                runs of one schedule (attempts of different ticks) at once, against
//                          the declared policy: forbid, none; replace, no replaced run lands an
//                          effect after its replacement started; allow, reported;
//   retry_budget           no task takes more attempts than its budget (the seed: max_retries + 1;
//                          fixed: max_receive_count when a DLQ is set), and (the seed) no retry
//                          starts sooner than the declared 60 x 2^k s after its k-th transient failure;
//                          with the task table, no retry_count increment is lost, and the largest
//                          number of retries due within 100 ms (the retry wave) is reported;
//   dlq_correct            a dead-lettered task was received at least max_receive_count times
//                          and never also succeeded;
//   liveness               after the last fault, every due task not yet done starts within the bound.
#pragma once

#include <string>
#include <vector>

#include "models/scheduler/record.hpp"
#include "sim/kernel/fault_windows.hpp"
#include "sim/results/check.hpp"

namespace scheduler {

namespace checking {
class AttemptIndex;
}

std::vector<std::string> check_names();

sim::CheckResult lost_task(const Observations& o);
sim::CheckResult duplicate_execution(const Observations& o);
sim::CheckResult concurrent_execution(const Observations& o);
sim::CheckResult duplicate_side_effect(const Observations& o);
sim::CheckResult stale_ack(const Observations& o);
sim::CheckResult duplicate_fire(const Observations& o);
sim::CheckResult missed_fire(const Observations& o);
sim::CheckResult early_fire(const Observations& o);
sim::CheckResult fire_lateness(const Observations& o);
sim::CheckResult two_leaders(const Observations& o);
sim::CheckResult overlap(const Observations& o);
sim::CheckResult retry_budget(const Observations& o);
sim::CheckResult dlq_correct(const Observations& o, int max_receive_count);
sim::CheckResult liveness(const Observations& o, const sim::FaultActivity& faults);

/// The same, reading each task's attempts from an index built once (check_support.hpp).
sim::CheckResult lost_task(const Observations& o, const checking::AttemptIndex& attempts);
sim::CheckResult duplicate_execution(const Observations& o, const checking::AttemptIndex& attempts);
sim::CheckResult concurrent_execution(const Observations& o, const checking::AttemptIndex& attempts);
sim::CheckResult retry_budget(const Observations& o, const checking::AttemptIndex& attempts);
sim::CheckResult liveness(const Observations& o, const sim::FaultActivity& faults,
                          const checking::AttemptIndex& attempts);

/// Every check, in check_names() order, sharing one index of the attempts.
std::vector<sim::CheckResult> run_checks(const Observations& o, int max_receive_count,
                                         const sim::FaultActivity& faults);

}  // namespace scheduler
