// What the checks keep of the cron ticks they judged while the run went on (retire.cpp), so
// that memory holds the open ticks, not the run.
//
// A tick (schedule, nominal time) is judged once its run ended clean and `retention` has passed
// since its last observation: one accepted fire, on time (and within a declared starting
// deadline), that no other node's belief in its leadership overlapped; one submission; one
// attempt, which started within the liveness bound of its due time and succeeded; one effect the
// sink applied; one accepted, current ack; no overlap with another run of its schedule. Such a
// tick violates no check, so it leaves only counts: the fires, submissions and attempts, each
// worker's successes, the tasks lost_task judged, the lateness histogram, and for liveness the
// ticks judged "if no fault changes after now" (the count is dropped when one does). Its records
// leave the observation vectors; the schedule keeps the tick in its ranges of judged ticks (one
// range while a schedule fires every tick). A tick with anything else (a violation, a retry, a
// second run) keeps its records to the end, so every story is told from whole records.
//
// A record that comes after its tick was judged (a deposed leader firing it again, a run of
// that second fire) is judged against these facts: the judged tick had one fire, one run and
// one effect. Only a second fire's story then lacks the first fire's node and time. Policies
// that cancel runs (overlap: replace, missed_policy: temporal) judge every tick at the end.
//
// The model sets `retention` (record.hpp): a liveness bound in the fixed design, whose store
// refuses a second fire of a tick; zero in the seed's, whose leader may fire any tick again on
// its own clock (an hour later across a fall-back), so its ticks are judged at the end.
//
// Determinism: flat vectors, records grouped by sorting on (schedule, nominal, kind, index).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scheduler/cron.hpp"
#include "sim/kernel/time.hpp"

namespace scheduler {

/// A count of durations, exact while it holds at most `cap` distinct values; past that, values
/// are rounded down to a coarser resolution (x10 each time) so that the count stays bounded.
class LatenessHistogram {
public:
  static constexpr std::size_t cap = std::size_t{1} << 16;

  void add(sim::Duration late);
  const std::map<std::int64_t, std::uint64_t>& counts() const { return counts_; }
  std::int64_t resolution_ns() const { return resolution_ns_; }
  std::uint64_t total() const { return total_; }

private:
  std::map<std::int64_t, std::uint64_t> counts_;  ///< nanoseconds, rounded down to the resolution
  std::int64_t resolution_ns_ = 1;
  std::uint64_t total_ = 0;
};

using TickRange = std::pair<std::int64_t, std::int64_t>;  ///< nominal times, first and last

struct Retired {
  std::uint64_t ticks = 0;  ///< judged ticks: one submission and one attempt each
  std::uint64_t fires = 0;  ///< their fire records, refused ones included
  std::vector<std::uint64_t> succeeded_by_worker;
  std::uint64_t lost_judged = 0;       ///< submissions lost_task judged (due a liveness bound before the end)
  std::uint64_t liveness_pending = 0;  ///< submissions liveness judges if the faults' last change stays...
  std::optional<sim::Instant> liveness_quiet;  ///< ...this one
  LatenessHistogram lateness;                  ///< each judged tick's fire minus its due time
  /// Per schedule: the judged ticks, as ranges of consecutive ticks (cron(8)'s reading, checks.hpp).
  std::vector<std::vector<TickRange>> ranges;
  std::vector<std::optional<sim::Instant>> last_due;  ///< per schedule: the latest judged tick's due time
  std::vector<std::optional<Cron>> crons;             ///< per schedule, parsed once
};

/// The tick a cron run's task names ("cron-2@1767225720": schedule 1, nominal 1767225720).
std::optional<std::pair<int, std::int64_t>> tick_of_task(std::string_view task);

}  // namespace scheduler
