// Judging clean cron ticks as the run goes (retired.hpp).
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "models/scheduler/check_support.hpp"
#include "models/scheduler/context.hpp"
#include "models/scheduler/record.hpp"

namespace scheduler {

void LatenessHistogram::add(sim::Duration late) {
  std::int64_t ns = late.ns();
  ++counts_[ns - ns % resolution_ns_];
  ++total_;
  if (counts_.size() <= cap) return;
  resolution_ns_ *= 10;
  std::map<std::int64_t, std::uint64_t> coarser;
  for (const auto& [value, n] : counts_) coarser[value - value % resolution_ns_] += n;
  counts_ = std::move(coarser);
}

std::optional<std::pair<int, std::int64_t>> tick_of_task(std::string_view task) {
  constexpr std::string_view prefix = "cron-";
  if (!task.starts_with(prefix)) return std::nullopt;
  std::size_t at = task.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  int schedule = 0;
  std::int64_t nominal = 0;
  const char* first = task.data() + prefix.size();
  const char* middle = task.data() + at;
  const char* last = task.data() + task.size();
  auto [end_s, error_s] = std::from_chars(first, middle, schedule);
  if (error_s != std::errc{} || end_s != middle || schedule < 1) return std::nullopt;
  auto [end_n, error_n] = std::from_chars(middle + 1, last, nominal);
  if (error_n != std::errc{} || end_n != last) return std::nullopt;
  return std::pair{schedule - 1, nominal};
}

AttemptRecord* Observations::attempt(std::uint64_t id) {
  return const_cast<AttemptRecord*>(std::as_const(*this).attempt(id));
}

const AttemptRecord* Observations::attempt(std::uint64_t id) const {
  auto it = std::partition_point(attempts.begin(), attempts.end(), [&](const AttemptRecord& a) { return a.id < id; });
  return it != attempts.end() && it->id == id ? &*it : nullptr;
}

namespace {

using checking::due_of;

// The tick after `nominal` as the user expects the schedule (checks.hpp: cron(8)'s reading).
std::optional<std::int64_t> next_tick(const Observations& o, int schedule, std::int64_t nominal) {
  const std::optional<Cron>& cron = o.retired.crons.at(static_cast<std::size_t>(schedule));
  if (!cron) return std::nullopt;
  std::int64_t due_s = o.unix_s_of(due_of(o, schedule, nominal));
  if (o.zone.is_utc()) return cron->next_after(due_s);
  std::optional<Tick> t = Schedule{*cron, o.zone, DstPolicy::vixie}.next_after(due_s);
  return t ? std::optional(t->nominal) : std::nullopt;
}

bool is_tick(const Observations& o, int schedule, std::int64_t nominal) {
  const std::optional<Cron>& cron = o.retired.crons.at(static_cast<std::size_t>(schedule));
  if (!cron) return false;
  std::int64_t due_s = o.unix_s_of(due_of(o, schedule, nominal));
  if (o.zone.is_utc()) return cron->next_after(due_s - 1) == nominal;
  std::optional<Tick> t = Schedule{*cron, o.zone, DstPolicy::vixie}.next_after(due_s - 1);
  return t && t->nominal == nominal;
}

// Adds a tick to its schedule's ranges, joining the range before and after when it is the tick
// between them.
void add_range(Observations& o, int schedule, std::int64_t nominal) {
  std::vector<TickRange>& ranges = o.retired.ranges.at(static_cast<std::size_t>(schedule));
  auto after = std::upper_bound(ranges.begin(), ranges.end(), nominal,
                                [](std::int64_t x, const TickRange& r) { return x < r.first; });
  std::optional<std::int64_t> next = next_tick(o, schedule, nominal);
  bool joins_after = after != ranges.end() && next == after->first;
  if (after != ranges.begin() && next_tick(o, schedule, std::prev(after)->second) == nominal) {
    auto before = std::prev(after);
    before->second = joins_after ? after->second : nominal;
    if (joins_after) ranges.erase(after);
  } else if (joins_after) {
    after->first = nominal;
  } else {
    ranges.insert(after, TickRange{nominal, nominal});
  }
}

enum class Kind : std::uint8_t { fire, submission, attempt, effect, ack, final };

struct Entry {
  int schedule = 0;
  std::int64_t nominal = 0;
  Kind kind = Kind::fire;
  std::uint32_t index = 0;
  auto key() const { return std::tie(schedule, nominal, kind, index); }
};

template <class Record>
void add_entries(std::vector<Entry>& entries, const std::vector<Record>& records, Kind kind) {
  for (std::size_t i = 0; i < records.size(); ++i)
    if (auto tick = tick_of_task(records[i].task))
      entries.push_back(Entry{tick->first, tick->second, kind, static_cast<std::uint32_t>(i)});
}

// Every cron record, grouped by tick: (schedule, nominal, kind, index) order.
std::vector<Entry> entries_of(const Observations& o) {
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < o.fires.size(); ++i)
    entries.push_back(Entry{o.fires[i].schedule, o.fires[i].nominal, Kind::fire, static_cast<std::uint32_t>(i)});
  add_entries(entries, o.submissions, Kind::submission);
  add_entries(entries, o.attempts, Kind::attempt);
  add_entries(entries, o.effects, Kind::effect);
  add_entries(entries, o.acks, Kind::ack);
  add_entries(entries, o.finals, Kind::final);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key() < b.key(); });
  return entries;
}

// One tick's records, as indices into the observation vectors.
struct Group {
  int schedule = 0;
  std::int64_t nominal = 0;
  std::vector<std::uint32_t> of[6];
  const std::vector<std::uint32_t>& operator[](Kind k) const { return of[static_cast<int>(k)]; }
};

// Whether another node believed it led when this fire took effect, or may yet turn out to have
// (a belief still open): such a fire may be a deposed leader's action (two_leaders).
bool maybe_deposed(const Observations& o, const FireRecord& f) {
  return std::any_of(o.beliefs.begin(), o.beliefs.end(), [&](const BeliefRecord& b) {
    return b.node != f.node && b.from <= f.at && (!b.to || *b.to >= f.at);
  });
}

// Whether an attempt overlapped a run of another tick of its schedule still on record.
bool overlaps_other_run(const Observations& o, const AttemptRecord& a, std::span<const Entry> schedule_entries) {
  return std::any_of(schedule_entries.begin(), schedule_entries.end(), [&](const Entry& e) {
    if (e.kind != Kind::attempt) return false;
    const AttemptRecord& b = o.attempts[e.index];
    if (b.task == a.task) return false;
    sim::Instant end_a = a.ended.value_or(sim::Instant::max());
    sim::Instant end_b = b.ended.value_or(sim::Instant::max());
    return b.started < end_a && a.started < end_b;
  });
}

struct Cut {
  sim::Instant before;  ///< every record of a judged tick is at or before this
  std::optional<sim::Instant> fault_change;
};

// The fire, the attempt and the submission of a tick that ended clean (retired.hpp), if it did.
bool clean_fire(const Observations& o, const Group& g, const Cut& cut) {
  int accepted = 0;
  for (std::uint32_t i : g[Kind::fire]) {
    const FireRecord& f = o.fires[i];
    if (f.at > cut.before) return false;
    if (!f.accepted) continue;
    ++accepted;
    sim::Duration late = f.at - due_of(o, g.schedule, g.nominal);
    if (late < sim::Duration::zero() || maybe_deposed(o, f)) return false;
    if (o.starting_deadline && late > *o.starting_deadline + sim::Duration::seconds(2)) return false;
  }
  return accepted == 1;
}

bool clean_run(const Observations& o, const Group& g, const Cut& cut, std::span<const Entry> schedule_entries) {
  if (g[Kind::submission].size() != 1 || g[Kind::attempt].size() != 1 || g[Kind::effect].size() != 1 ||
      g[Kind::ack].size() != 1)
    return false;
  const Submission& s = o.submissions[g[Kind::submission].front()];
  const AttemptRecord& a = o.attempts[g[Kind::attempt].front()];
  const EffectRecord& e = o.effects[g[Kind::effect].front()];
  const AckRecord& k = o.acks[g[Kind::ack].front()];
  if (s.acked > cut.before || s.due > cut.before || o.cancelled.count(s.task) > 0) return false;
  if (a.outcome != "succeeded" || !a.ended || *a.ended > cut.before) return false;
  if (a.started > s.due + o.liveness_bound) return false;  // liveness would judge it from its due time
  if (*a.ended + o.liveness_bound > o.run_end || a.worker < 0 || a.worker >= static_cast<int>(o.worker_names.size()))
    return false;
  if (e.verdict != "applied" || e.at > cut.before || !k.accepted || k.stale || k.at > cut.before) return false;
  for (std::uint32_t i : g[Kind::final])
    if (o.finals[i].at > cut.before) return false;
  return !overlaps_other_run(o, a, schedule_entries);
}

void fold(Observations& o, const Group& g, const Cut& cut) {
  Retired& r = o.retired;
  const Submission& s = o.submissions[g[Kind::submission].front()];
  const AttemptRecord& a = o.attempts[g[Kind::attempt].front()];
  ++r.ticks;
  r.fires += g[Kind::fire].size();
  ++r.succeeded_by_worker.at(static_cast<std::size_t>(a.worker));
  if (s.due + o.liveness_bound <= o.run_end) ++r.lost_judged;
  // liveness judges it from max(last fault change, due) unless it was done by then: only if the
  // last change stays the current one (a later change comes after its end).
  if (s.due < *a.ended && (!cut.fault_change || *cut.fault_change < *a.ended)) ++r.liveness_pending;
  sim::Instant due = due_of(o, g.schedule, g.nominal);
  for (std::uint32_t i : g[Kind::fire])
    if (o.fires[i].accepted) r.lateness.add(o.fires[i].at - due);
  std::optional<sim::Instant>& last = r.last_due.at(static_cast<std::size_t>(g.schedule));
  last = std::max(last.value_or(due), due);
  add_range(o, g.schedule, g.nominal);
}

template <class Record>
void drop(std::vector<Record>& records, const std::vector<bool>& dropped) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (!dropped[i]) {
      if (kept != i) records[kept] = std::move(records[i]);
      ++kept;
    }
  records.resize(kept);
}

void prepare(Observations& o) {
  Retired& r = o.retired;
  if (r.crons.size() == o.schedules.size()) return;
  std::string error;
  for (const std::string& expression : o.schedules) r.crons.push_back(parse_cron(expression, error));
  r.ranges.resize(o.schedules.size());
  r.last_due.resize(o.schedules.size());
  r.succeeded_by_worker.resize(o.worker_names.size());
}

}  // namespace

bool judged(const Observations& o, int schedule, std::int64_t nominal) {
  if (schedule < 0 || static_cast<std::size_t>(schedule) >= o.retired.ranges.size()) return false;
  const std::vector<TickRange>& ranges = o.retired.ranges[static_cast<std::size_t>(schedule)];
  auto after = std::upper_bound(ranges.begin(), ranges.end(), nominal,
                                [](std::int64_t x, const TickRange& r) { return x < r.first; });
  if (after == ranges.begin()) return false;
  const TickRange& r = *std::prev(after);
  if (nominal > r.second) return false;
  return nominal == r.first || nominal == r.second || is_tick(o, schedule, nominal);
}

bool judged_task(const Observations& o, std::string_view task) {
  if (o.retired.ticks == 0) return false;
  std::optional<std::pair<int, std::int64_t>> tick = tick_of_task(task);
  return tick && judged(o, tick->first, tick->second);
}

void judge_closed(Observations& o, sim::Instant now, std::optional<sim::Instant> fault_change,
                  std::set<std::string>& submitted) {
  if (o.retention <= sim::Duration::zero() || now < o.next_judging || o.overlap == Overlap::replace ||
      o.missed_policy == MissedPolicy::temporal)
    return;
  o.next_judging = now + std::max(o.retention / 2, sim::Duration::seconds(1));
  prepare(o);
  Retired& r = o.retired;
  if (r.liveness_quiet != fault_change) {  // a fault changed since: the pending ones were done before it
    r.liveness_pending = 0;
    r.liveness_quiet = fault_change;
  }
  Cut cut{now - o.retention, fault_change};
  std::vector<Entry> entries = entries_of(o);
  std::vector<bool> dropped[6];
  dropped[0].resize(o.fires.size());
  dropped[1].resize(o.submissions.size());
  dropped[2].resize(o.attempts.size());
  dropped[3].resize(o.effects.size());
  dropped[4].resize(o.acks.size());
  dropped[5].resize(o.finals.size());
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t schedule_end = i;
    while (schedule_end < entries.size() && entries[schedule_end].schedule == entries[i].schedule) ++schedule_end;
    std::span<const Entry> schedule_entries(entries.data() + i, schedule_end - i);
    while (i < schedule_end) {
      Group g{entries[i].schedule, entries[i].nominal, {}};
      for (; i < schedule_end && entries[i].nominal == g.nominal; ++i)
        g.of[static_cast<int>(entries[i].kind)].push_back(entries[i].index);
      bool known = g.schedule >= 0 && static_cast<std::size_t>(g.schedule) < o.schedules.size();
      if (!known || judged(o, g.schedule, g.nominal) || !clean_fire(o, g, cut) ||
          !clean_run(o, g, cut, schedule_entries))
        continue;
      submitted.erase(o.submissions[g[Kind::submission].front()].task);
      fold(o, g, cut);
      for (int k = 0; k < 6; ++k)
        for (std::uint32_t index : g.of[k]) dropped[k][index] = true;
    }
  }
  drop(o.fires, dropped[0]);
  drop(o.submissions, dropped[1]);
  drop(o.attempts, dropped[2]);
  drop(o.effects, dropped[3]);
  drop(o.acks, dropped[4]);
  drop(o.finals, dropped[5]);
}

void Context::judge_closed() {
  scheduler::judge_closed(observations, world.now(), world.fault_activity().last_change, others_submitted);
}

}  // namespace scheduler
