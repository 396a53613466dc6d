// The cron and leadership checkers (checks.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/scheduler/check_support.hpp"
#include "models/scheduler/checks.hpp"
#include "models/scheduler/cron.hpp"
#include "sim/results/text.hpp"

namespace scheduler {

using namespace checking;

namespace {

using Tick = std::pair<int, std::int64_t>;

std::map<Tick, std::vector<const FireRecord*>> accepted_fires(const Observations& o) {
  std::map<Tick, std::vector<const FireRecord*>> fires;
  for (const FireRecord& f : o.fires)
    if (f.accepted) fires[{f.schedule, f.nominal}].push_back(&f);
  return fires;
}

std::int64_t unix_s_of(sim::Instant instant) {
  return (sim::default_wall_start.unix_ns() + (instant - sim::Instant::zero()).ns()) / 1'000'000'000;
}

}  // namespace

sim::CheckResult duplicate_fire(const Observations& o) {
  sim::CheckResult r = named("duplicate_fire");
  int duplicates = 0;
  for (const auto& [tick, fires] : accepted_fires(o)) {
    if (fires.size() < 2) continue;
    duplicates += static_cast<int>(fires.size()) - 1;
    violate(r, fires[1]->at, {scheduler_name(o, fires[0]->node), scheduler_name(o, fires[1]->node)},
            fmt::format("{} fired twice: by {} at {} and by {} at {}", tick_name(tick.first, tick.second),
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
    std::string error;
    std::optional<Cron> cron = parse_cron(o.schedules[s], error);
    if (!cron) continue;
    auto schedule = static_cast<int>(s);
    std::int64_t last_fired = INT64_MIN;
    for (const auto& [tick, fires] : fired)
      if (tick.first == schedule) last_fired = std::max(last_fired, tick.second);
    std::int64_t until = unix_s_of(o.run_end - o.liveness_bound);
    for (auto t = cron->next_after(unix_s_of(o.cron_from)); t && *t <= until; t = cron->next_after(*t)) {
      if (fired.count({schedule, *t})) continue;
      if (o.most_recent_only && *t < last_fired) {
        ++skipped;  // the declared policy runs only the most recent missed tick
        continue;
      }
      ++missed;
      sim::Instant due = Observations::instant_of(*t);
      violate(r, due + o.liveness_bound, {}, fmt::format("{} never fired", tick_name(schedule, *t)));
    }
  }
  r.summary = fmt::format("{} missed; {} skipped by the declared policy",
                          sim::count_of(static_cast<std::uint64_t>(missed), "tick", "ticks"), skipped);
  r.details.emplace_back("missed", std::to_string(missed));
  r.details.emplace_back("skipped by policy", std::to_string(skipped));
  r.details.emplace_back("checks with more than 100 missed", std::to_string(o.too_many_missed));
  return r;
}

sim::CheckResult early_fire(const Observations& o) {
  sim::CheckResult r = named("early_fire");
  int early = 0;
  for (const FireRecord& f : o.fires) {
    sim::Instant due = Observations::instant_of(f.nominal);
    if (!f.accepted || f.at >= due) continue;
    ++early;
    violate(r, f.at, {scheduler_name(o, f.node)},
            fmt::format("{} fired {} before its time, by {}", tick_name(f.schedule, f.nominal),
                        sim::to_string(due - f.at, 4), scheduler_name(o, f.node)));
  }
  r.summary = fmt::format("{} before their tick", sim::count_of(static_cast<std::uint64_t>(early), "fire", "fires"));
  return r;
}

sim::CheckResult fire_lateness(const Observations& o) {
  sim::CheckResult r = named("fire_lateness");
  std::vector<sim::Duration> late;
  for (const auto& [tick, fires] : accepted_fires(o))
    late.push_back(fires.front()->at - Observations::instant_of(tick.second));
  std::sort(late.begin(), late.end());
  auto rank = [&](double q) {
    if (late.empty()) return sim::Duration::zero();
    auto i = static_cast<std::size_t>(q * static_cast<double>(late.size() - 1) + 0.5);
    return late[std::min(i, late.size() - 1)];
  };
  r.summary = late.empty() ? "no fires"
                           : fmt::format("p50 {}, p99 {}, max {} over {} (reported)", sim::to_string(rank(0.5), 4),
                                         sim::to_string(rank(0.99), 4), sim::to_string(late.back(), 4),
                                         sim::count_of(late.size(), "tick", "ticks"));
  r.details.emplace_back("p50", sim::to_string(rank(0.5)));
  r.details.emplace_back("p99", sim::to_string(rank(0.99)));
  r.details.emplace_back("max", sim::to_string(late.empty() ? sim::Duration::zero() : late.back()));
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
