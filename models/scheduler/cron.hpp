// Cron schedules: five-field expressions (minute hour day-of-month month day-of-week) in UTC or
// in a time zone (zone.hpp), with Vixie cron's field syntax (`*`, `a`, `a-b`, `/step`, lists; day-of-week 0-7 with 0
// and 7 Sunday; when both day fields are restricted a day matches either, as cron(5) says), and the Kubernetes CronJob
// controllers' rules for ticks missed while no controller ran:
//   legacy (up to 1.20): count the ticks since lastScheduleTime (or since now minus
//     startingDeadlineSeconds when that is later); more than 100 and nothing starts, ever again
//     until the deadline window moves past them; otherwise only the most recent one starts;
//   v2 (from 1.21): the most recent one starts, with a TooManyMissedTimes warning past 100.
// In both, a tick older than startingDeadlineSeconds is not started. Times are Unix seconds.
//
// In a zone with daylight saving, the declared `dst` policy says what a tick in the skipped or
// the repeated hour does:
//   vixie       cron(8): a job at a fixed minute and hour (neither field starts with `*`) that
//               falls in the skipped hour runs at the change ("soon after"), and one in the
//               repeated hour runs once, at its first occurrence; a job with `*` in the minute or
//               hour field runs by the new local time, so it follows each real hour;
//   kubernetes  robfig/cron's Next in the zone, as the CronJob controller computes it with
//               .spec.timeZone (and as any loop that steps local wall times does): a tick in the
//               skipped hour never comes, one in the repeated hour comes twice.
// A tick is named by its `nominal` time: for a fixed-time job in a zone, the local date and time
// it names (both passes of a repeated hour share it); otherwise its Unix time.
//
// Quartz's CronTrigger (missed_policy: quartz). The trigger's next fire time is the first tick
// after the last one fired. A tick is a misfire when it is found more than the misfire threshold
// (org.quartz.jobStore.misfireThreshold, 60,000 ms by default) after its time; a later one within
// the threshold just fires late. A misfired trigger follows its instruction, as the CronTrigger and
// Trigger javadoc state them:
//   smart_policy           MISFIRE_INSTRUCTION_SMART_POLICY, the default; CronTrigger's
//                          updateAfterMisfire takes it as FIRE_ONCE_NOW;
//   fire_once_now          "the CronTrigger wants to be fired now": one fire, then the next tick after
//                          now (the fire is named here by the most recent tick it stands for);
//   do_nothing             "next-fire-time updated to the next time in the schedule after the current
//                          time ... but it does not want to be fired now": every missed tick is dropped;
//   ignore_misfire_policy  the trigger "will never be evaluated for a misfire situation" and fires "as
//                          soon as it can", updated "as if it had fired at the proper time": every
//                          missed tick fires, one after another, at once.
// Quartz's RAMJobStore counts a tick exactly the threshold late as misfired; the model, at whole
// seconds, counts only one later than the threshold (the two differ at that one instant).
//
// Temporal's schedules (missed_policy: temporal), as the API's SchedulePolicies and
// ScheduleOverlapPolicy describe them and the server's processBuffer applies them: when the
// scheduler comes back, an action whose time is within catchupWindow (one year by default, at
// least 10 s) of now is taken, an older one is dropped. The actions due go through the overlap
// policy, oldest first, with whether a run of the schedule is active: with none active, the first
// starts; then skip drops the rest, buffer_one keeps the first of them for when the run ends (and
// drops the others), buffer_all keeps all of them to start one after another, terminate_other
// (`replace`) ends the active run and starts the newest (an earlier one not yet started is
// replaced by a later one), cancel_other does the same but asks the active run to cancel and
// starts the newest only once it has ended, allow_all (`allow`) starts every one at once.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/scheduler/options.hpp"
#include "models/scheduler/zone.hpp"

namespace scheduler {

struct Cron {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     ///< 1..31
  std::bitset<13> months;   ///< 1..12
  std::bitset<7> weekdays;  ///< 0 Sunday .. 6
  bool any_day = true;      ///< day-of-month is `*`
  bool any_weekday = true;  ///< day-of-week is `*`
  bool wildcard = false;    ///< the minute or hour field starts with `*` (Vixie cron's MIN_STAR, HR_STAR)

  /// The first tick strictly after `unix_s`, or nullopt when none comes within ten years.
  std::optional<std::int64_t> next_after(std::int64_t unix_s) const;
  bool day_matches(std::int64_t days_since_epoch) const;
  /// Whether `unix_s` is a tick.
  bool matches(std::int64_t unix_s) const;
};

/// Parses an expression; nullopt with `error` set (which field, what was expected) when it is bad.
std::optional<Cron> parse_cron(const std::string& expression, std::string& error);

struct Tick {
  std::int64_t nominal = 0;  ///< its name (see above)
  std::int64_t due = 0;      ///< Unix seconds at which it falls due
  bool operator==(const Tick& other) const { return nominal == other.nominal && due == other.due; }
};

/// A cron expression in a zone under a daylight-saving policy.
struct Schedule {
  Cron cron;
  Zone zone;
  DstPolicy dst = DstPolicy::vixie;

  /// The first tick due strictly after `due_s`.
  std::optional<Tick> next_after(std::int64_t due_s) const;
  /// The tick after `tick` in the order (due, nominal): two ticks due at once, as two fixed times
  /// in one skipped hour are under vixie (cron runs each skipped minute's jobs at the change), come
  /// one after the other.
  std::optional<Tick> next_after(const Tick& tick) const;
  /// The ticks that a local time `local_s` matching the expression makes.
  std::vector<Tick> ticks_of(std::int64_t local_s) const;
};

/// The controller's verdict at one check.
struct CronDecision {
  std::optional<Tick> fire;  ///< the tick to start now
  int unmet = 0;             ///< ticks due since the last scheduled one (counted up to 101)
  bool too_many = false;     ///< more than 100: legacy starts nothing, v2 warns
  bool too_late = false;     ///< the most recent tick is past startingDeadlineSeconds
};

/// What the controller does at `now` with the schedule last started at `last` (Unix seconds).
/// Policy `all` is not decided here: the seed fires every tick in (last, now].
CronDecision decide(const Schedule& schedule, std::int64_t last, std::int64_t now, MissedPolicy policy,
                    std::optional<sim::Duration> starting_deadline);

/// Quartz's verdict at one check (see above).
struct QuartzDecision {
  std::vector<Tick> fire;                 ///< ticks to fire now, oldest first
  bool misfired = false;                  ///< the next fire time was more than the threshold late
  std::optional<std::int64_t> processed;  ///< do_nothing: the new lastScheduleTime, with no fire
};

QuartzDecision decide_quartz(const Schedule& schedule, std::int64_t last, std::int64_t now, Misfire misfire,
                             sim::Duration threshold);

/// One pass of Temporal's scheduler over a schedule (see above).
struct TemporalStep {
  std::vector<Tick> start;   ///< to start now, oldest first (allow_all: every one; otherwise at most one)
  bool terminate = false;    ///< terminate_other: end the active run; its replacement waits in the buffer
  bool cancel = false;       ///< cancel_other: ask the active run to cancel; its replacement waits for it to end
  std::vector<Tick> buffer;  ///< starts left waiting for the active run to end
  int dropped_window = 0;    ///< actions older than the catch-up window
  int overlap_skipped = 0;   ///< actions the overlap policy dropped
};

/// Buffered ticks as the store keeps them ("nominal:due,nominal:due"), and back.
std::string ticks_text(const std::vector<Tick>& ticks);
std::vector<Tick> ticks_from_text(const std::string& text);

/// Ticks due in (processed, now] join `buffer`; the buffer goes through the overlap policy.
TemporalStep temporal_step(const Schedule& schedule, std::int64_t processed, std::int64_t now, std::vector<Tick> buffer,
                           bool running, Overlap overlap, sim::Duration catchup_window);

}  // namespace scheduler
