// The consumer group's checks (checks.hpp): what processing did at the sink, what the group
// committed, and who processed while the group had moved on.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/queue/checks.hpp"
#include "models/queue/intervals.hpp"
#include "models/queue/lag.hpp"

namespace queue {
namespace {

sim::CheckResult no_group(const std::string& name) {
  return sim::CheckResult{name, true, "no consumer group: nothing processed or committed", {}, std::nullopt};
}

// The owner of each partition in force at `at`: the latest rebalance completed by then.
const Assignment* assignment_at(const Observations& o, sim::Instant at) {
  const Assignment* found = nullptr;
  for (const Assignment& a : o.assignments)
    if (a.at <= at) found = &a;
  return found;
}

// The member owns the partition in that generation, or (cooperative) still consumes it until
// it revokes it: nobody else has it meanwhile.
bool holds(const Assignment& a, int partition, int member) {
  auto p = static_cast<std::size_t>(partition);
  return a.owner[p] == member || (p < a.revoking.size() && a.revoking[p] == member);
}

}  // namespace

sim::CheckResult check_duplicate_processing(const Observations& o) {
  if (!o.group) return no_group("duplicate_processing");
  std::map<int, std::vector<Span>> effects;
  std::map<int, std::int64_t> total;
  std::map<int, SpanSet> seen;  // until the first second effect: in time order, each span once
  std::optional<sim::Instant> first;
  for (const Processing& p : o.processings)
    for (const auto& [lo, hi] : p.effects) {
      effects[p.partition].emplace_back(lo, hi);
      total[p.partition] += hi - lo;
      if (first) continue;
      SpanSet& before = seen[p.partition];
      if (before.overlaps(lo, hi)) first = p.at;
      before.insert(lo, hi);
    }
  std::int64_t extra = 0;
  sim::CheckResult r{"duplicate_processing", true, "", {}, std::nullopt};
  for (auto& [partition, spans] : effects) {
    std::int64_t twice = total[partition] - total_length(merge_spans(std::move(spans)));
    extra += twice;
    if (twice > 0) r.details.emplace_back(fmt::format("p{}", partition), std::to_string(twice));
  }
  r.held = extra == 0;
  r.summary = fmt::format("{} records took effect more than once at the sink", extra);
  if (first) r.first = sim::Violation{*first, {}, "a record took effect at the sink a second time"};
  return r;
}

// Records below a partition's final committed offset, in its final log, that no member ever
// finished processing: the group will never read them again.
sim::CheckResult check_lost_consumption(const Observations& o) {
  if (!o.group) return no_group("lost_consumption");
  std::map<int, std::vector<Span>> processed;
  for (const Processing& p : o.processings) processed[p.partition].emplace_back(p.base, p.base + p.count);
  // Records a read_committed member dropped (of aborted transactions) are not its to process.
  for (std::size_t p = 0; p < o.hidden.size(); ++p)
    processed[static_cast<int>(p)].insert(processed[static_cast<int>(p)].end(), o.hidden[p].begin(), o.hidden[p].end());
  std::int64_t lost = 0;
  sim::CheckResult r{"lost_consumption", true, "", {}, std::nullopt};
  for (int p = 0; p < o.partitions && p < static_cast<int>(o.final_committed.size()); ++p) {
    Offset committed = o.final_committed[static_cast<std::size_t>(p)];
    std::vector<Span> done = merge_spans(processed[p]);
    std::int64_t here = 0;
    for (const Batch& b : o.final_logs[static_cast<std::size_t>(p)])
      if (b.base < committed)
        for (const Span& gap : uncovered(done, b.base, std::min(b.end(), committed))) here += gap.second - gap.first;
    lost += here;
    if (here > 0) r.details.emplace_back(fmt::format("p{}", p), std::to_string(here));
  }
  r.held = lost == 0;
  r.summary = fmt::format("{} records below the committed offsets were never processed", lost);
  if (lost > 0) r.first = sim::Violation{o.run_end, {}, r.summary};
  return r;
}

sim::CheckResult check_zombie_processing(const Observations& o) {
  if (!o.group) return no_group("zombie_processing");
  std::int64_t records = 0;
  sim::CheckResult r{"zombie_processing", true, "", {}, std::nullopt};
  for (const Processing& p : o.processings) {
    const Assignment* now = assignment_at(o, p.at);
    if (!now || now->generation <= p.generation || holds(*now, p.partition, p.member)) continue;
    records += p.count;
    if (!r.first)
      r.first = sim::Violation{p.at,
                               {},
                               fmt::format("consumer-{} of generation {} processed p{} after generation {} had "
                                           "moved it",
                                           p.member + 1, p.generation, p.partition, now->generation)};
  }
  r.held = records == 0;
  r.summary = fmt::format("{} records processed by a member after its partition had moved", records);
  return r;
}

// A seek since the partition's previous commit is the application moving back on purpose.
bool sought_between(const Observations& o, int partition, sim::Instant after, sim::Instant until) {
  for (const Reposition& r : o.repositions)
    if (r.why == "seek" && r.partition == partition && r.at >= after && r.at <= until) return true;
  return false;
}

sim::CheckResult check_committed_offset_regression(const Observations& o) {
  if (!o.group) return no_group("committed_offset_regression");
  std::map<int, Offset> last;
  std::map<int, sim::Instant> last_at;
  std::int64_t regressions = 0;
  sim::CheckResult r{"committed_offset_regression", true, "", {}, std::nullopt};
  for (const Commit& c : o.commits) {
    auto it = last.find(c.partition);
    if (it != last.end() && c.offset < it->second && !sought_between(o, c.partition, last_at[c.partition], c.at)) {
      ++regressions;
      if (!r.first)
        r.first = sim::Violation{
            c.at,
            {},
            fmt::format("consumer-{} committed p{} at {}, behind {}", c.member + 1, c.partition, c.offset, it->second)};
    }
    last[c.partition] = c.offset;
    last_at[c.partition] = c.at;
  }
  r.held = regressions == 0;
  r.summary = fmt::format("{} commits moved a partition's committed offset back", regressions);
  return r;
}

sim::CheckResult check_consumer_stopped(const Observations& o) {
  sim::CheckResult r{"consumer_stopped", o.consumer_errors.empty(), "", {}, std::nullopt};
  r.summary = fmt::format("{} consumers stopped on an offset they could not use (auto_offset_reset: none)",
                          o.consumer_errors.size());
  for (const ConsumerError& e : o.consumer_errors) {
    std::string what =
        e.offset < 0 ? "nothing committed" : fmt::format("offset {} below the log start {}", e.offset, e.log_start);
    r.details.emplace_back(fmt::format("consumer-{} p{}", e.member + 1, e.partition),
                           fmt::format("{} at {}", what, sim::to_string(e.at)));
    if (!r.first)
      r.first = sim::Violation{e.at, {}, fmt::format("consumer-{} stopped: p{}, {}", e.member + 1, e.partition, what)};
  }
  return r;
}

sim::CheckResult check_consumer_lag(const Observations& o, std::int64_t bound) {
  if (!o.group) return no_group("consumer_lag");
  std::int64_t worst = 0;
  sim::CheckResult r{"consumer_lag", true, "", {}, std::nullopt};
  for (int p = 0; p < o.partitions && p < static_cast<int>(o.final_committed.size()); ++p) {
    const std::vector<Batch>& log = o.final_logs[static_cast<std::size_t>(p)];
    Offset end = log.empty() ? 0 : log.back().end();
    std::int64_t lag = std::max<Offset>(0, end - std::max<Offset>(0, o.final_committed[static_cast<std::size_t>(p)]));
    worst = std::max(worst, lag);
    r.details.emplace_back(fmt::format("lag p{}", p), std::to_string(lag));
  }
  LagPeak peak = lag_peak(o);
  if (peak.partition >= 0)
    r.details.emplace_back("largest lag during the run", fmt::format("{} on p{} at {}", peak.lag, peak.partition,
                                                                     sim::to_string(peak.at.since_start())));
  r.held = worst <= bound;
  r.summary =
      fmt::format("at the end the committed offsets trail the logs by at most {} messages (bound {})", worst, bound);
  if (!r.held) r.first = sim::Violation{o.run_end, {}, r.summary};
  return r;
}

}  // namespace queue
