// The cron and leadership checkers (checks.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include "models/scheduler/check_support.hpp"
#include "models/scheduler/checks.hpp"
#include "models/scheduler/cron.hpp"
#include "sim/results/text.hpp"

namespace scheduler {

using namespace checking;

namespace {

using TickKey = std::pair<int, std::int64_t>;

std::map<TickKey, std::vector<const FireRecord*>> accepted_fires(const Observations& o) {
  std::map<TickKey, std::vector<const FireRecord*>> fires;
  for (const FireRecord& f : o.fires)
    if (f.accepted) fires[{f.schedule, f.nominal}].push_back(&f);
  return fires;
}

// What a schedule's user expects, whatever the model's dst policy: cron(8)'s reading of local
// times (cron.hpp, dst: vixie), each tick once: nominal time to due time, for ticks due in (from, until].
std::map<std::int64_t, std::int64_t> expected(const Observations& o, const Cron& cron, std::int64_t from,
                                              std::int64_t until) {
  std::map<std::int64_t, std::int64_t> ticks;
  Schedule schedule{cron, o.zone, DstPolicy::vixie};
  for (std::optional<Tick> t = schedule.next_after(from); t && t->due <= until; t = schedule.next_after(*t))
    ticks.emplace(t->nominal, t->due);
  return ticks;
}

// Why a policy that does not collapse missed ticks into one run left a tick out.
std::string dropped_by(const Observations& o) {
  if (o.missed_policy == MissedPolicy::quartz && o.misfire == Misfire::do_nothing)
    return " (misfire do_nothing drops a misfired tick without a run)";
  if (o.missed_policy == MissedPolicy::temporal && o.catchup_dropped > 0)
    return " (older than the catch-up window when the scheduler came back)";
  return "";
}

}  // namespace

sim::CheckResult duplicate_fire(const Observations& o) {
  sim::CheckResult r = named("duplicate_fire");
  int duplicates = 0;
  for (const auto& [tick, fires] : accepted_fires(o)) {
    if (judged(o, tick.first, tick.second)) {  // fired again after its first run was judged
      duplicates += static_cast<int>(fires.size());
      violate(r, fires[0]->at, {scheduler_name(o, fires[0]->node)},
              fmt::format("{} fired again by {} at {}, after its first fire's run was judged",
                          tick_name(o, tick.first, tick.second), scheduler_name(o, fires[0]->node), at(fires[0]->at)));
      continue;
    }
    if (fires.size() < 2) continue;
    duplicates += static_cast<int>(fires.size()) - 1;
    violate(r, fires[1]->at, {scheduler_name(o, fires[0]->node), scheduler_name(o, fires[1]->node)},
            fmt::format("{} fired twice: by {} at {} and by {} at {}", tick_name(o, tick.first, tick.second),
                        scheduler_name(o, fires[0]->node), at(fires[0]->at), scheduler_name(o, fires[1]->node),
                        at(fires[1]->at)));
  }
  r.summary =
      fmt::format("{} beyond the first", sim::count_of(static_cast<std::uint64_t>(duplicates), "fire", "fires"));
  r.details.emplace_back("duplicates", std::to_string(duplicates));
  return r;
}

sim::CheckResult missed_fire(const Observations& o) {
  sim::CheckResult r = named("missed_fire");
  auto fired = accepted_fires(o);
  int missed = 0, skipped = 0;
  for (std::size_t s = 0; s < o.schedules.size(); ++s) {
    auto schedule = static_cast<int>(s);
    std::optional<Cron> cron = cron_of(o, schedule);
    if (!cron) continue;
    std::optional<sim::Instant> last_fired;
    if (s < o.retired.last_due.size()) last_fired = o.retired.last_due[s];
    // The fired ticks are keyed (schedule, nominal): this schedule's are one range.
    constexpr std::int64_t earliest = std::numeric_limits<std::int64_t>::min();
    for (auto it = fired.lower_bound({schedule, earliest}); it != fired.lower_bound({schedule + 1, earliest}); ++it)
      last_fired = std::max(last_fired.value_or(sim::Instant::zero()), due_of(o, schedule, it->first.second));
    std::int64_t until = o.unix_s_of(o.run_end - o.liveness_bound);
    for (const auto& [nominal, due_s] : expected(o, *cron, o.unix_s_of(o.cron_from), until)) {
      if (fired.count({schedule, nominal}) || judged(o, schedule, nominal)) continue;
      sim::Instant due = o.instant_of(due_s);
      if (o.most_recent_only && last_fired && due < *last_fired) {
        ++skipped;  // the declared policy runs only the most recent missed tick
        continue;
      }
      ++missed;
      violate(r, due + o.liveness_bound, {},
              fmt::format("{} never fired{}", tick_name(o, schedule, nominal), dropped_by(o)));
    }
  }
  r.summary = fmt::format("{} missed; {} skipped by the declared policy",
                          sim::count_of(static_cast<std::uint64_t>(missed), "tick", "ticks"), skipped);
  r.details.emplace_back("missed", std::to_string(missed));
  r.details.emplace_back("skipped by policy", std::to_string(skipped));
  r.details.emplace_back("checks with more than 100 missed", std::to_string(o.too_many_missed));
  if (o.missed_policy == MissedPolicy::quartz) r.details.emplace_back("quartz misfires", std::to_string(o.misfires));
  if (o.missed_policy == MissedPolicy::temporal) {
    r.details.emplace_back("past the catch-up window", std::to_string(o.catchup_dropped));
    r.details.emplace_back("skipped by the overlap policy", std::to_string(o.overlap_skipped));
  }
  return r;
}

sim::CheckResult early_fire(const Observations& o) {
  sim::CheckResult r = named("early_fire");
  int early = 0;
  for (const FireRecord& f : o.fires) {
    sim::Instant due = due_of(o, f.schedule, f.nominal);
    if (!f.accepted || f.at >= due) continue;
    ++early;
    violate(r, f.at, {scheduler_name(o, f.node)},
            fmt::format("{} fired {} before its time, by {}", tick_name(o, f.schedule, f.nominal),
                        sim::to_string(due - f.at, 4), scheduler_name(o, f.node)));
  }
  r.summary = fmt::format("{} before their tick", sim::count_of(static_cast<std::uint64_t>(early), "fire", "fires"));
  return r;
}

namespace {

// Fire lateness over the ticks on record and the judged ones' histogram (retired.hpp): value to
// count, with the rank of a quantile as over one sorted list.
struct Lateness {
  std::map<std::int64_t, std::uint64_t> counts;
  std::uint64_t total = 0;

  sim::Duration rank(double q) const {
    if (total == 0) return sim::Duration::zero();
    auto i = static_cast<std::uint64_t>(q * static_cast<double>(total - 1) + 0.5);
    i = std::min(i, total - 1);
    std::uint64_t seen = 0;
    for (const auto& [ns, n] : counts) {
      seen += n;
      if (seen > i) return sim::Duration::nanoseconds(ns);
    }
    return sim::Duration::nanoseconds(counts.rbegin()->first);
  }
  sim::Duration max() const {
    return total == 0 ? sim::Duration::zero() : sim::Duration::nanoseconds(counts.rbegin()->first);
  }
};

}  // namespace

sim::CheckResult fire_lateness(const Observations& o) {
  sim::CheckResult r = named("fire_lateness");
  Lateness late{o.retired.lateness.counts(), o.retired.lateness.total()};
  int past_deadline = 0;
  for (const auto& [tick, fires] : accepted_fires(o)) {
    if (judged(o, tick.first, tick.second)) continue;  // not a first fire
    sim::Duration lateness = fires.front()->at - due_of(o, tick.first, tick.second);
    ++late.counts[lateness.ns()];
    ++late.total;
    // A declared startingDeadlineSeconds is a promise: no tick starts later than that (with 2 s
    // for the controller's whole-second reading of the time and its calls).
    if (!o.starting_deadline || lateness <= *o.starting_deadline + sim::Duration::seconds(2)) continue;
    ++past_deadline;
    violate(r, fires.front()->at, {scheduler_name(o, fires.front()->node)},
            fmt::format("{} started {} after its time, past the starting deadline of {}",
                        tick_name(o, tick.first, tick.second), sim::to_string(lateness, 4),
                        sim::to_string(*o.starting_deadline)));
  }
  r.summary = late.total == 0
                  ? "no fires"
                  : fmt::format("p50 {}, p99 {}, max {} over {} ({})", sim::to_string(late.rank(0.5), 4),
                                sim::to_string(late.rank(0.99), 4), sim::to_string(late.max(), 4),
                                sim::count_of(late.total, "tick", "ticks"),
                                o.starting_deadline ? "starting deadline " + sim::to_string(*o.starting_deadline)
                                                    : std::string("reported"));
  r.details.emplace_back("p50", sim::to_string(late.rank(0.5)));
  r.details.emplace_back("p99", sim::to_string(late.rank(0.99)));
  r.details.emplace_back("max", sim::to_string(late.max()));
  if (o.retired.lateness.resolution_ns() > 1)
    r.details.emplace_back("resolution of judged ticks",
                           sim::to_string(sim::Duration::nanoseconds(o.retired.lateness.resolution_ns())));
  if (past_deadline > 0) {
    r.summary += fmt::format("; {} past the starting deadline",
                             sim::count_of(static_cast<std::uint64_t>(past_deadline), "tick", "ticks"));
    r.details.emplace_back("past the starting deadline", std::to_string(past_deadline));
  }
  return r;
}

namespace {

// The schedule a cron run's task belongs to ("cron-2@1767225720" is schedule 1), or -1.
int schedule_of(const std::string& task) {
  if (task.rfind("cron-", 0) != 0) return -1;
  std::size_t at = task.find('@');
  if (at == std::string::npos) return -1;
  return std::atoi(task.substr(5, at - 5).c_str()) - 1;
}

}  // namespace

sim::CheckResult overlap(const Observations& o) {
  sim::CheckResult r = named("overlap");
  std::map<int, std::vector<const AttemptRecord*>> runs;
  for (const AttemptRecord& a : o.attempts)
    if (int s = schedule_of(a.task); s >= 0) runs[s].push_back(&a);
  int pairs = 0, broken = 0;
  sim::Duration total = sim::Duration::zero();
  for (const auto& [schedule, attempts] : runs)
    for (std::size_t i = 0; i < attempts.size(); ++i)
      for (std::size_t j = i + 1; j < attempts.size(); ++j) {
        const AttemptRecord& a = *attempts[i];  // started first
        const AttemptRecord& b = *attempts[j];
        if (a.ended.value_or(o.run_end) <= b.started) break;  // attempts start in order: no later b overlaps a
        sim::Instant end = std::min(a.ended.value_or(o.run_end), b.ended.value_or(o.run_end));
        if (a.task == b.task || end <= b.started) continue;  // one tick's attempts: concurrent_execution
        ++pairs;
        total = total + (end - b.started);
        // Forbid, skip and buffer_* promise no two runs at once; replace, that a replaced run lands no effect once
        // its replacement runs.
        bool breaks = promises_no_overlap(o.overlap) ||
                      (o.overlap == Overlap::replace && a.outcome == "succeeded" && a.ended && *a.ended > b.started);
        if (!breaks) continue;
        ++broken;
        violate(r, b.started, {worker_name(o, a.worker), worker_name(o, b.worker)},
                fmt::format("{} started on {} while {} still ran {} (overlap: {})", b.task, worker_name(o, b.worker),
                            worker_name(o, a.worker), a.task, to_string(o.overlap)));
      }
  r.summary = fmt::format("{} of one schedule overlapped, {} in all; {} against the declared {}",
                          sim::count_of(static_cast<std::uint64_t>(pairs), "pair of runs", "pairs of runs"),
                          sim::to_string(total, 4), broken, to_string(o.overlap));
  r.details.emplace_back("overlapping pairs", std::to_string(pairs));
  r.details.emplace_back("overlap", sim::to_string(total));
  r.details.emplace_back("held back (forbid)", std::to_string(o.forbidden));
  r.details.emplace_back("cancelled (replace)", std::to_string(o.cancelled.size()));
  if (o.missed_policy == MissedPolicy::temporal)
    r.details.emplace_back("skipped by the overlap policy", std::to_string(o.overlap_skipped));
  return r;
}

sim::CheckResult two_leaders(const Observations& o) {
  sim::CheckResult r = named("two_leaders");
  sim::Duration total = sim::Duration::zero();
  int actions = 0;
  for (std::size_t i = 0; i < o.beliefs.size(); ++i)
    for (std::size_t j = 0; j < o.beliefs.size(); ++j) {
      const BeliefRecord& old = o.beliefs[i];
      const BeliefRecord& now = o.beliefs[j];
      if (old.node == now.node || old.from > now.from || (old.from == now.from && i > j)) continue;
      sim::Instant from = now.from, to = std::min(old.to.value_or(o.run_end), now.to.value_or(o.run_end));
      if (to <= from) continue;
      total = total + (to - from);
      violate(r, from, {scheduler_name(o, old.node), scheduler_name(o, now.node)},
              fmt::format("{} began to lead at {} while {} still believed it led (until {})",
                          scheduler_name(o, now.node), at(from), scheduler_name(o, old.node), at(to)));
      auto in = [&](sim::Instant t, int node) { return node == old.node && t >= from && t <= to; };
      for (const FireRecord& f : o.fires)
        if (f.accepted && in(f.at, f.node)) {
          ++actions;
        }
      for (const MoveRecord& m : o.moves)
        if (in(m.at, m.node)) {
          ++actions;
        }
    }
  r.summary = fmt::format("two believed they led for {}; the deposed one's {} took effect", sim::to_string(total, 4),
                          sim::count_of(static_cast<std::uint64_t>(actions), "action", "actions"));
  r.details.emplace_back("overlap", sim::to_string(total));
  r.details.emplace_back("deposed actions", std::to_string(actions));
  return r;
}

}  // namespace scheduler
