#include "models/scheduler/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/scheduler/check_support.hpp"
#include "models/scheduler/cron.hpp"
#include "sim/results/text.hpp"

namespace scheduler {

namespace checking {

sim::CheckResult named(std::string name) {
  sim::CheckResult r;
  r.name = std::move(name);
  return r;
}

std::string at(sim::Instant instant) { return sim::to_string(instant - sim::Instant::zero()); }

std::string worker_name(const Observations& o, int worker) {
  return worker >= 0 && static_cast<std::size_t>(worker) < o.worker_names.size()
             ? o.worker_names[static_cast<std::size_t>(worker)]
             : fmt::format("worker-{}", worker + 1);
}

std::string scheduler_name(const Observations& o, int node) {
  return node >= 0 && static_cast<std::size_t>(node) < o.scheduler_names.size()
             ? o.scheduler_names[static_cast<std::size_t>(node)]
             : fmt::format("sched-{}", node + 1);
}

void violate(sim::CheckResult& r, sim::Instant when, std::vector<std::string> nodes, std::string what) {
  r.held = false;
  if (!r.first || when < r.first->at) r.first = sim::Violation{when, std::move(nodes), std::move(what)};
}

std::string tick_name(const Observations& o, int schedule, std::int64_t nominal) {
  if (o.zone.is_utc()) return fmt::format("cron-{} tick {}", schedule + 1, at(o.instant_of(nominal)));
  std::string error;
  bool wildcard = static_cast<std::size_t>(schedule) < o.schedules.size() &&
                  parse_cron(o.schedules[static_cast<std::size_t>(schedule)], error).value_or(Cron{}).wildcard;
  std::int64_t local = wildcard ? o.zone.local_of(nominal) : nominal;
  return fmt::format("cron-{} tick {} {}", schedule + 1, civil_text(local), o.zone.name);
}

std::optional<Cron> cron_of(const Observations& o, int schedule) {
  if (schedule >= 0 && static_cast<std::size_t>(schedule) < o.retired.crons.size())
    return o.retired.crons[static_cast<std::size_t>(schedule)];
  std::string error;
  if (schedule < 0 || static_cast<std::size_t>(schedule) >= o.schedules.size()) return std::nullopt;
  return parse_cron(o.schedules[static_cast<std::size_t>(schedule)], error);
}

sim::Instant due_of(const Observations& o, int schedule, std::int64_t nominal) {
  if (o.zone.is_utc()) return o.instant_of(nominal);
  std::optional<Cron> cron = cron_of(o, schedule);
  if (!cron || cron->wildcard) return o.instant_of(nominal);
  std::vector<std::int64_t> at = o.zone.instants_of(nominal);
  if (!at.empty()) return o.instant_of(at.front());
  return o.instant_of(o.zone.gap_end(nominal).value_or(nominal));
}

bool succeeded(const Observations& o, const std::string& task) {
  return judged_task(o, task) || std::any_of(o.attempts.begin(), o.attempts.end(), [&](const AttemptRecord& a) {
           return a.task == task && a.outcome == "succeeded";
         });
}

AttemptIndex::AttemptIndex(const std::vector<AttemptRecord>& attempts) {
  sorted_.reserve(attempts.size());
  for (const AttemptRecord& a : attempts) sorted_.push_back(&a);
  std::stable_sort(sorted_.begin(), sorted_.end(),
                   [](const AttemptRecord* a, const AttemptRecord* b) { return a->task < b->task; });
}

std::span<const AttemptRecord* const> AttemptIndex::of(std::string_view task) const {
  auto from = std::partition_point(sorted_.begin(), sorted_.end(),
                                   [&](const AttemptRecord* a) { return std::string_view(a->task) < task; });
  auto to = std::partition_point(from, sorted_.end(), [&](const AttemptRecord* a) { return a->task == task; });
  return {sorted_.data() + (from - sorted_.begin()), static_cast<std::size_t>(to - from)};
}

}  // namespace checking

using namespace checking;

namespace {

/// The final statuses of each task, in order, sorted once by task name (as AttemptIndex).
std::vector<const FinalRecord*> finals_by_task(const Observations& o) {
  std::vector<const FinalRecord*> sorted;
  sorted.reserve(o.finals.size());
  for (const FinalRecord& f : o.finals) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const FinalRecord* a, const FinalRecord* b) { return a->task < b->task; });
  return sorted;
}

std::span<const FinalRecord* const> finals_of(const std::vector<const FinalRecord*>& sorted, const std::string& task) {
  auto from = std::partition_point(sorted.begin(), sorted.end(), [&](const FinalRecord* f) { return f->task < task; });
  auto to = std::partition_point(from, sorted.end(), [&](const FinalRecord* f) { return f->task == task; });
  return {sorted.data() + (from - sorted.begin()), static_cast<std::size_t>(to - from)};
}

/// The retention deletion of `task`'s message (from the DLQ or the queue), if any.
const Observations::Expiry* expiry_of(const Observations& o, const std::string& task, bool dead_letter) {
  for (const Observations::Expiry& e : o.expired)
    if (e.dead_letter == dead_letter && e.task.substr(0, e.task.find('|')) == task) return &e;
  return nullptr;
}

}  // namespace

std::vector<std::string> check_names() {
  return {"lost_task",
          "duplicate_execution",
          "concurrent_execution",
          "duplicate_side_effect",
          "stale_ack",
          "duplicate_fire",
          "missed_fire",
          "early_fire",
          "fire_lateness",
          "two_leaders",
          "overlap",
          "retry_budget",
          "dlq_correct",
          "liveness"};
}

sim::CheckResult lost_task(const Observations& o) { return lost_task(o, AttemptIndex(o.attempts)); }

sim::CheckResult lost_task(const Observations& o, const AttemptIndex& attempts) {
  sim::CheckResult r = named("lost_task");
  std::size_t judged = o.retired.lost_judged, lost = 0;
  std::vector<const FinalRecord*> finals = finals_by_task(o);
  for (const Submission& s : o.submissions) {
    if (s.due + o.liveness_bound > o.run_end) continue;  // not due long enough to judge
    if (o.cancelled.count(s.task) > 0) continue;         // cancelled by the declared overlap policy
    ++judged;
    if (judged_task(o, s.task)) continue;  // a judged tick's run succeeded
    std::span<const AttemptRecord* const> tries = attempts.of(s.task);
    if (std::any_of(tries.begin(), tries.end(), [](const AttemptRecord* a) { return a->outcome == "succeeded"; }))
      continue;
    std::span<const FinalRecord* const> ends = finals_of(finals, s.task);
    if (std::any_of(ends.begin(), ends.end(), [](const FinalRecord* f) { return !f->completed && f->permanent; }))
      continue;
    ++lost;
    auto final = std::find_if(ends.begin(), ends.end(), [](const FinalRecord* f) { return !f->completed; });
    sim::Instant when = final != ends.end() ? (*final)->at : s.due + o.liveness_bound;
    const Observations::Expiry* expiry = expiry_of(o, s.task, false);
    if (final == ends.end() && expiry) when = expiry->at;
    violate(r, when, {},
            final != ends.end()
                ? fmt::format("{} was marked FAILED at {} after transient errors only", s.task, at(when))
            : expiry ? fmt::format("{} (due at {}) was deleted by the queue's retention at {} before any attempt "
                                   "succeeded",
                                   s.task, at(s.due), at(when))
                     : fmt::format("{} (due at {}) never ran to an effect", s.task, at(s.due)));
  }
  r.summary = fmt::format("{} lost of {} acknowledged", lost, sim::count_of(judged, "task", "tasks"));
  r.details.emplace_back("lost", std::to_string(lost));
  return r;
}

sim::CheckResult duplicate_execution(const Observations& o) { return duplicate_execution(o, AttemptIndex(o.attempts)); }

sim::CheckResult duplicate_execution(const Observations& o, const AttemptIndex& attempts) {
  sim::CheckResult r = named("duplicate_execution");
  std::size_t twice = 0;
  attempts.each([&](const std::string& task, std::span<const AttemptRecord* const> tries) {
    auto runs = std::count_if(tries.begin(), tries.end(), [](const AttemptRecord* a) {
      return a->outcome == "succeeded" || a->outcome == "refused";
    });
    if (judged_task(o, task)) ++runs;  // the judged tick's one run
    if (runs > 1) ++twice;
  });
  r.summary = fmt::format("{} ran to completion more than once (reported, not failed: at-least-once allows it)",
                          sim::count_of(static_cast<std::uint64_t>(twice), "task", "tasks"));
  r.details.emplace_back("tasks", std::to_string(twice));
  report_completed_reruns(o, attempts, r);
  return r;
}

sim::CheckResult concurrent_execution(const Observations& o) {
  return concurrent_execution(o, AttemptIndex(o.attempts));
}

sim::CheckResult concurrent_execution(const Observations& o, const AttemptIndex& index) {
  sim::CheckResult r = named("concurrent_execution");
  sim::Duration total = sim::Duration::zero();
  int pairs = 0;
  // Attempts are recorded as they start, so once b starts after a ended, every later one does too.
  index.each([&](const std::string& task, std::span<const AttemptRecord* const> attempts) {
    for (std::size_t i = 0; i < attempts.size(); ++i)
      for (std::size_t j = i + 1; j < attempts.size(); ++j) {
        const AttemptRecord& a = *attempts[i];
        const AttemptRecord& b = *attempts[j];
        if (a.ended.value_or(o.run_end) <= b.started) break;
        sim::Instant end = std::min(a.ended.value_or(o.run_end), b.ended.value_or(o.run_end));
        if (end <= b.started) continue;
        ++pairs;
        total = total + (end - b.started);
        violate(r, b.started, {worker_name(o, a.worker), worker_name(o, b.worker)},
                fmt::format("{} started on {} (receive {}) while {} still ran it (receive {})", task,
                            worker_name(o, b.worker), b.receives, worker_name(o, a.worker), a.receives));
      }
  });
  r.summary = fmt::format("{} overlapping attempts, {} in all", pairs, sim::to_string(total, 4));
  r.details.emplace_back("overlap", sim::to_string(total));
  return r;
}

sim::CheckResult duplicate_side_effect(const Observations& o) {
  sim::CheckResult r = named("duplicate_side_effect");
  std::map<std::string, int> applied;
  for (const EffectRecord& e : o.effects) {
    if (e.verdict != "applied") continue;
    auto [count, fresh] = applied.try_emplace(e.task, 0);
    if (fresh && judged_task(o, e.task)) count->second = 1;  // the judged tick's one effect
    if (++count->second == 2)
      violate(r, e.at, {"sink"}, fmt::format("the sink applied {}'s effect a second time", e.task));
  }
  auto twice = std::count_if(applied.begin(), applied.end(), [](const auto& e) { return e.second > 1; });
  r.summary =
      fmt::format("{} with more than one effect", sim::count_of(static_cast<std::uint64_t>(twice), "task", "tasks"));
  r.details.emplace_back("tasks", std::to_string(twice));
  return r;
}

sim::CheckResult stale_ack(const Observations& o) {
  sim::CheckResult r = named("stale_ack");
  int stale = 0;
  for (const AckRecord& a : o.acks) {
    if (!a.accepted || !a.stale) continue;
    ++stale;
    const AttemptRecord* attempt = o.attempt(a.attempt);
    if (!attempt) {  // the attempt of a judged tick, acked again later
      violate(r, a.at, {}, fmt::format("{}'s late ack deleted the message a newer receive held", a.task));
      continue;
    }
    violate(
        r, a.at, {worker_name(o, attempt->worker)},
        fmt::format("{}'s ack from receive {} deleted the message a newer receive held", a.task, attempt->receives));
  }
  r.summary =
      fmt::format("{} accepted from a stale attempt", sim::count_of(static_cast<std::uint64_t>(stale), "ack", "acks"));
  return r;
}

namespace {

/// base x 2^failures, held at a wait no run reaches (about 73 years) instead of overflowing:
/// the seed's 60 s doubles past the range of a signed 64-bit count of nanoseconds at 2^28.
sim::Duration backoff_after(sim::Duration base, int failures) {
  constexpr std::int64_t beyond_any_run = std::int64_t{1} << 61;
  const int shift = std::min(failures, 61);
  if (base.ns() > (beyond_any_run >> shift)) return sim::Duration::nanoseconds(beyond_any_run);
  return base * (std::int64_t{1} << shift);
}

}  // namespace

sim::CheckResult retry_budget(const Observations& o) { return retry_budget(o, AttemptIndex(o.attempts)); }

sim::CheckResult retry_budget(const Observations& o, const AttemptIndex& index) {
  sim::CheckResult r = named("retry_budget");
  int over = 0, early = 0;
  index.each([&](const std::string& task, std::span<const AttemptRecord* const> attempts) {
    int before = judged_task(o, task) ? 1 : 0;  // a judged tick's run had one attempt, which succeeded
    auto moved_back = o.redriven.find(task);  // each redrive starts the budget again
    int budget = o.max_attempts * (1 + (moved_back == o.redriven.end() ? 0 : moved_back->second));
    if (o.max_attempts > 0 && static_cast<int>(attempts.size()) + before > budget) {
      ++over;
      const AttemptRecord& extra = *attempts[static_cast<std::size_t>(budget - before)];
      violate(r, extra.started, {worker_name(o, extra.worker)},
              fmt::format("{} started attempt {} of a budget of {}", task, budget + 1, budget));
    }
    if (!o.backoff_base) return;
    int failures = 0;  // transient failures so far: the next attempt waits base x 2^failures
    for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
      const AttemptRecord& failed = *attempts[i];
      if (failed.outcome != "transient" || !failed.ended) continue;
      sim::Duration wait = backoff_after(*o.backoff_base, failures++);
      const AttemptRecord& next = *attempts[i + 1];
      if (next.started >= *failed.ended + wait) continue;
      ++early;
      violate(r, next.started, {worker_name(o, next.worker)},
              fmt::format("{} ran again {} after a transient failure; the declared backoff was {}", task,
                          sim::to_string(next.started - *failed.ended, 4), sim::to_string(wait)));
    }
  });
  r.summary = fmt::format("{} over their attempt budget{}; {} sooner than the declared backoff",
                          sim::count_of(static_cast<std::uint64_t>(over), "task", "tasks"),
                          o.max_attempts > 0 ? fmt::format(" of {}", o.max_attempts) : " (unlimited)",
                          sim::count_of(static_cast<std::uint64_t>(early), "retry", "retries"));
  r.details.emplace_back("over budget", std::to_string(over));
  r.details.emplace_back("before the backoff", std::to_string(early));
  judge_table_retries(o, r);
  return r;
}

sim::CheckResult dlq_correct(const Observations& o, int max_receive_count) {
  sim::CheckResult r = named("dlq_correct");
  for (const auto& [task, receives] : o.dead_letters) {
    bool early = receives < max_receive_count;
    // A redriven task's later success is the redrive's point: only its receive count is judged.
    if (!early && (o.redriven.count(task) > 0 || !succeeded(o, task))) continue;
    violate(r, o.run_end, {"queue"},
            early
                ? fmt::format("{} went to the DLQ after {} receives, fewer than {}", task, receives, max_receive_count)
                : fmt::format("{} went to the DLQ although an attempt had succeeded", task));
  }
  std::size_t expired = 0;
  for (const Observations::Expiry& e : o.expired) {
    if (!e.dead_letter) continue;
    ++expired;
    violate(r, e.at, {"queue"},
            fmt::format("{} expired from the dead-letter queue {} after it moved there: its retention counts from "
                        "the task's first send, as SQS counts it for a standard queue",
                        e.task, sim::to_string(e.after_move)));
  }
  r.summary = fmt::format("{} in the dead-letter queue{}", sim::count_of(o.dead_letters.size(), "task", "tasks"),
                          expired > 0 ? fmt::format(", {} deleted there by retention", expired) : "");
  if (expired > 0) r.details.emplace_back("expired from the DLQ", std::to_string(expired));
  if (!o.redriven.empty()) {
    r.summary += fmt::format(", {} moved back by a redrive", sim::count_of(o.redriven.size(), "task", "tasks"));
    r.details.emplace_back("redriven", std::to_string(o.redriven.size()));
  }
  return r;
}

sim::CheckResult liveness(const Observations& o, const sim::FaultActivity& faults) {
  return liveness(o, faults, AttemptIndex(o.attempts));
}

sim::CheckResult liveness(const Observations& o, const sim::FaultActivity& faults, const AttemptIndex& index) {
  sim::CheckResult r = named("liveness");
  r.details.emplace_back("bound", sim::to_string(o.liveness_bound));
  if (faults.open_at_end) {
    r.summary = "not judged: a fault was still in effect when the run ended";
    return r;
  }
  sim::Instant quiet = faults.last_change.value_or(sim::Instant::zero());
  // Judged ticks count if no fault changed after they were judged (retired.hpp).
  std::size_t judged = o.retired.liveness_quiet == faults.last_change ? o.retired.liveness_pending : 0;
  for (const Submission& s : o.submissions) {
    if (o.cancelled.count(s.task) > 0) continue;
    sim::Instant from = std::max(quiet, s.due);
    if (from + o.liveness_bound > o.run_end) continue;
    if (judged_task(o, s.task)) continue;  // done before: a judged tick's run ended before later records
    std::span<const AttemptRecord* const> attempts = index.of(s.task);
    bool done_before = std::any_of(attempts.begin(), attempts.end(), [&](const AttemptRecord* a) {
      return a->outcome == "succeeded" && a->ended && *a->ended <= from;
    });
    if (done_before) continue;
    ++judged;
    bool started = std::any_of(attempts.begin(), attempts.end(), [&](const AttemptRecord* a) {
      return a->started <= from + o.liveness_bound && a->ended.value_or(o.run_end) >= from;
    });
    if (!started)
      violate(r, from + o.liveness_bound, {},
              fmt::format("{} was due from {} and no attempt started within {}", s.task, at(from),
                          sim::to_string(o.liveness_bound)));
  }
  r.summary = fmt::format("{} judged after the last fault", sim::count_of(judged, "task", "tasks"));
  return r;
}

std::vector<sim::CheckResult> run_checks(const Observations& o, int max_receive_count,
                                         const sim::FaultActivity& faults) {
  AttemptIndex attempts(o.attempts);
  return {lost_task(o, attempts),
          duplicate_execution(o, attempts),
          concurrent_execution(o, attempts),
          duplicate_side_effect(o),
          stale_ack(o),
          duplicate_fire(o),
          missed_fire(o),
          early_fire(o),
          fire_lateness(o),
          two_leaders(o),
          overlap(o),
          retry_budget(o, attempts),
          dlq_correct(o, max_receive_count),
          liveness(o, faults, attempts)};
}

}  // namespace scheduler
