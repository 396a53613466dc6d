// Helpers the scheduler's checkers share (checks.cpp, checks_cron.cpp): how a time, a node and
// a tick are named in a violation, and the one way a violation is noted.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/scheduler/cron.hpp"
#include "models/scheduler/record.hpp"
#include "sim/results/check.hpp"

namespace scheduler::checking {

/// A verdict that holds until a violation is noted.
sim::CheckResult named(std::string name);
std::string at(sim::Instant instant);
std::string worker_name(const Observations& o, int worker);
std::string scheduler_name(const Observations& o, int node);
/// Marks `r` violated, keeping the earliest violation as its first.
void violate(sim::CheckResult& r, sim::Instant when, std::vector<std::string> nodes, std::string what);
/// "cron-1 tick 60s" in UTC (time since the run's start); "cron-1 tick 2026-03-08 02:30
/// America/New_York" in a zone.
std::string tick_name(const Observations& o, int schedule, std::int64_t nominal);
std::optional<Cron> cron_of(const Observations& o, int schedule);
/// The true time at which a tick named `nominal` is due, as the user expects it.
sim::Instant due_of(const Observations& o, int schedule, std::int64_t nominal);
/// Whether some attempt of `task` ran to an effect the sink took (a judged tick's run did).
bool succeeded(const Observations& o, const std::string& task);

/// The attempts of each task in the order they started, sorted once by task name, so a check
/// looks a task up in O(log n) instead of scanning every attempt (a million-task run has a
/// million tasks). Groups come in the order of task names, as a std::map keyed by them would.
class AttemptIndex {
public:
  explicit AttemptIndex(const std::vector<AttemptRecord>& attempts);
  std::span<const AttemptRecord* const> of(std::string_view task) const;
  /// Calls f(task, attempts) for each task, in name order.
  template <class F>
  void each(F f) const {
    for (std::size_t i = 0; i < sorted_.size();) {
      std::size_t j = i + 1;
      while (j < sorted_.size() && sorted_[j]->task == sorted_[i]->task) ++j;
      f(sorted_[i]->task, std::span<const AttemptRecord* const>(sorted_.data() + i, j - i));
      i = j;
    }
  }

private:
  std::vector<const AttemptRecord*> sorted_;  ///< by (task, start order)
};

/// The task table's part of duplicate_execution (task_table: true; checks_table.cpp): tasks an
/// attempt ran again after the table had them COMPLETED (S4), reported in `r`'s summary and details.
void report_completed_reruns(const Observations& o, const AttemptIndex& attempts, sim::CheckResult& r);
/// The task table's part of retry_budget: each PENDING write that set retry_count no higher than
/// the row already held is a lost increment (S6), a violation; the largest number of retries due in
/// one 100 ms slot of true time (the retry wave) is reported.
void judge_table_retries(const Observations& o, sim::CheckResult& r);

}  // namespace scheduler::checking
