// What the scheduler model's nodes tell the checkers (checks.hpp): submissions, attempts,
// effects at the sink, acks, final statuses, cron fires, leadership beliefs and delay-queue
// moves, each with the true time it happened. The model fills it; the checkers only read it.
//
// The cron ticks whose runs ended clean are judged as the run goes and leave the vectors
// (retired.hpp); what is left are the open ticks, the tasks and ticks with anything to report,
// and the client's tasks.
//
// Determinism: vectors in the order things happened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/scheduler/options.hpp"
#include "models/scheduler/retired.hpp"
#include "models/scheduler/zone.hpp"
#include "sim/kernel/clock.hpp"
#include "sim/kernel/time.hpp"

namespace scheduler {

/// An acknowledged submission (a delayed task the client's ZADD or send was answered for, or a
/// cron fire the ready queue took).
struct Submission {
  std::string task;
  sim::Instant acked;
  sim::Instant due;  ///< true time at which it was meant to run
};

struct AttemptRecord {
  std::uint64_t id = 0;  ///< the recorder's number
  std::string task;
  int worker = 0;
  int receives = 0;  ///< the queue's receive count: the attempt's token
  sim::Instant started;
  std::optional<sim::Instant> ended;  ///< the handler returned, or the worker crashed
  std::string outcome = "running";    ///< succeeded | transient | permanent | crashed | running
};

/// The sink's verdict on one write: applied (a new effect), replaced (a fenced sink's newer
/// attempt overwrote the earlier one), deduplicated or refused.
struct EffectRecord {
  std::string task;
  std::uint64_t attempt = 0;
  sim::Instant at;
  std::string verdict;
};

struct AckRecord {
  std::string task;
  std::uint64_t attempt = 0;
  sim::Instant at;
  bool accepted = false;
  bool stale = false;  ///< the message it deleted was held by a newer receive
};

/// A status the worker wrote as final: COMPLETED or FAILED.
struct FinalRecord {
  std::string task;
  sim::Instant at;
  bool completed = false;
  bool permanent = false;  ///< FAILED on an error the downstream meant as permanent
};

/// A write to the task table (task_table: true; task_table.hpp): the status written, the row's
/// retry_count before and after it, whether the store took it, and for a retry when it is due.
struct TaskWrite {
  std::string task;
  sim::Instant at;
  std::string status;
  std::int64_t retry_before = 0;
  std::int64_t retry_after = 0;
  bool accepted = false;
  sim::Instant due;  ///< PENDING: true time at which the retry is due
};

struct FireRecord {
  int schedule = 0;
  std::int64_t nominal = 0;  ///< Unix seconds
  sim::Instant at;           ///< when the fire took effect (the ready queue or the fire record took it)
  int node = 0;
  bool accepted = false;
  std::int64_t token = 0;
};

struct BeliefRecord {
  int node = 0;
  sim::Instant from;
  std::optional<sim::Instant> to;
};

/// A due task taken out of the delay queue and pushed to the ready queue.
struct MoveRecord {
  std::string task;
  int node = 0;
  sim::Instant at;
};

/// The ready queue's counts at the first call to it in one slice of the run (record.hpp's
/// Observations::depth_slice): a bounded series however long the run.
struct DepthSample {
  sim::Instant at;
  std::uint32_t ready = 0;
  std::uint32_t in_flight = 0;
  std::uint32_t delayed = 0;
  std::uint32_t dead = 0;
};

struct Observations {
  std::vector<std::string> scheduler_names;
  std::vector<std::string> worker_names;
  std::vector<std::string> schedules;  ///< cron expressions, schedule i is "cron-<i+1>"
  std::vector<Submission> submissions;
  std::vector<AttemptRecord> attempts;
  std::vector<EffectRecord> effects;
  std::vector<AckRecord> acks;
  std::vector<FinalRecord> finals;
  std::vector<FireRecord> fires;
  std::vector<BeliefRecord> beliefs;
  std::vector<MoveRecord> moves;
  bool task_table = false;             ///< the seed's separate task table is modelled (task_table.hpp)
  std::vector<TaskWrite> task_writes;  ///< its writes, in order
  /// retry_budget: attempts a task may take (0: unlimited) and the declared backoff after the
  /// k-th transient failure, base x 2^k (absent: no lower bound, as full jitter has none).
  int max_attempts = 0;
  std::optional<sim::Duration> backoff_base;
  std::vector<DepthSample> depth;                         ///< at most one per slice
  sim::Duration depth_slice = sim::Duration::seconds(1);  ///< the run's length / 200, at least 1 s
  std::vector<std::pair<std::string, int>> dead_letters;
  /// Tasks a DLQ redrive moved back to the queue, with how many times: each redrive gives the
  /// task a new message, whose receive count (and so the task's attempt budget) starts again.
  std::map<std::string, int> redriven;
  /// Messages the SQS-like queue's retention deleted: when (true time), and for a dead letter how
  /// long after it moved to the DLQ.
  struct Expiry {
    std::string task;
    bool dead_letter = false;
    sim::Instant at;
    sim::Duration after_move;
  };
  std::vector<Expiry> expired;
  bool most_recent_only = false;  ///< the declared missed policy skips all but the most recent missed tick
  std::optional<sim::Duration> starting_deadline;  ///< declared: no tick starts later than this
  Overlap overlap = Overlap::allow;                ///< declared overlap policy
  std::set<std::string> cancelled;                 ///< cron runs the replace policy cancelled
  int forbidden = 0;                               ///< fires the forbid policy held back
  int too_many_missed = 0;                         ///< controller checks that found more than 100 missed ticks
  MissedPolicy missed_policy = MissedPolicy::v2;   ///< declared
  Misfire misfire = Misfire::smart_policy;         ///< declared (quartz)
  int misfires = 0;                                ///< quartz: checks that found the trigger misfired
  int catchup_dropped = 0;                         ///< temporal: actions older than the catch-up window
  int overlap_skipped = 0;                         ///< temporal: actions the overlap policy dropped
  sim::Instant cron_from;                          ///< ticks after this are judged
  sim::Instant run_end;
  sim::Duration liveness_bound;

  /// A clean tick is judged once this long has passed since its last record (retired.hpp);
  /// zero: every tick is judged at the end.
  sim::Duration retention = sim::Duration::zero();
  sim::Instant next_judging;            ///< the earliest time of the next pass over the open ticks
  std::uint64_t attempts_recorded = 0;  ///< attempt ids handed out: the last one
  Retired retired;

  /// The attempt with this id (ids ascend in `attempts`), or nullptr once its tick was judged.
  AttemptRecord* attempt(std::uint64_t id);
  const AttemptRecord* attempt(std::uint64_t id) const;

  Zone zone;                                                                      ///< the schedules' time zone
  std::int64_t wall_start_s = sim::default_wall_start.unix_ns() / 1'000'000'000;  ///< true wall time at 0

  /// True time at which the true wall clock reads `unix_s`.
  sim::Instant instant_of(std::int64_t unix_s) const {
    return sim::Instant::zero() + sim::Duration::seconds(unix_s - wall_start_s);
  }
  /// What the true wall clock reads at `instant`, in whole seconds.
  std::int64_t unix_s_of(sim::Instant instant) const {
    std::int64_t ns = (instant - sim::Instant::zero()).ns();
    return wall_start_s + ns / 1'000'000'000 - (ns % 1'000'000'000 < 0 ? 1 : 0);
  }
};

/// Judges the cron ticks whose runs ended clean at least `retention` before `now` and drops
/// their records (retired.hpp), at most once per half retention; `fault_change` is when the
/// faults last changed anything so far. Their tasks leave `submitted` (Context::note_submitted).
void judge_closed(Observations& o, sim::Instant now, std::optional<sim::Instant> fault_change,
                  std::set<std::string>& submitted);
/// Whether the tick was judged and dropped while the run went on.
bool judged(const Observations& o, int schedule, std::int64_t nominal);
/// The same for a cron run's task ("cron-1@1767225660"); false for other tasks.
bool judged_task(const Observations& o, std::string_view task);

}  // namespace scheduler
