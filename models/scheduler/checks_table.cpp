// The checks' reading of the task table (task_table: true; task_table.hpp): a COMPLETED task run
// again (S4), lost retry_count increments and the retry waves (S6).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/scheduler/check_support.hpp"
#include "sim/results/text.hpp"

namespace scheduler::checking {

void report_completed_reruns(const Observations& o, const AttemptIndex& attempts, sim::CheckResult& r) {
  if (!o.task_table) return;
  std::map<std::string, sim::Instant> completed;  // each task's first accepted COMPLETED
  for (const TaskWrite& w : o.task_writes)
    if (w.accepted && w.status == "COMPLETED") completed.try_emplace(w.task, w.at);
  std::size_t reruns = 0;
  for (const auto& entry : completed) {
    const sim::Instant when = entry.second;  // a copy: clang 14 cannot capture a structured binding
    std::span<const AttemptRecord* const> tries = attempts.of(entry.first);
    if (std::any_of(tries.begin(), tries.end(), [&](const AttemptRecord* a) { return a->started > when; })) ++reruns;
  }
  r.summary += fmt::format("; {} run again after the task table said COMPLETED",
                           sim::count_of(static_cast<std::uint64_t>(reruns), "task", "tasks"));
  r.details.emplace_back("run after COMPLETED", std::to_string(reruns));
}

void judge_table_retries(const Observations& o, sim::CheckResult& r) {
  if (!o.task_table) return;
  std::size_t lost = 0, peak = 0;
  sim::Instant peak_at;
  // Retries due within one tenth of a second of each other come back as one wave.
  constexpr std::int64_t wave_ns = 100'000'000;
  std::map<std::int64_t, std::size_t> due_per_slot;
  for (const TaskWrite& w : o.task_writes) {
    if (!w.accepted || w.status != "PENDING") continue;
    std::int64_t slot = (w.due - sim::Instant::zero()).ns() / wave_ns;
    if (std::size_t n = ++due_per_slot[slot]; n > peak) {
      peak = n;
      peak_at = sim::Instant::zero() + sim::Duration::nanoseconds(slot * wave_ns);
    }
    if (w.retry_after > w.retry_before) continue;
    ++lost;
    violate(r, w.at, {"store"},
            fmt::format("{}'s retry set retry_count to {} over a row that already held {}: an increment lost to a "
                        "stale copy of the task",
                        w.task, w.retry_after, w.retry_before));
  }
  r.summary += fmt::format(
      "; {} lost; largest retry wave {} due within 100ms",
      sim::count_of(static_cast<std::uint64_t>(lost), "retry_count increment", "retry_count increments"), peak);
  r.details.emplace_back("lost increments", std::to_string(lost));
  r.details.emplace_back("retry wave peak", peak > 0 ? fmt::format("{} due at {}", peak, at(peak_at)) : "0");
}

}  // namespace scheduler::checking
