// Cron schedules: five-field expressions (minute hour day-of-month month day-of-week) in UTC,
// with Vixie cron's field syntax (`*`, `a`, `a-b`, `/step`, lists; day-of-week 0-7 with 0 and 7
// Sunday; when both day fields are restricted a day matches either, as cron(5) says), and the
// Kubernetes CronJob controllers' rules for ticks missed while no controller ran:
//   legacy (up to 1.20): count the ticks since lastScheduleTime (or since now minus
//     startingDeadlineSeconds when that is later); more than 100 and nothing starts, ever again
//     until the deadline window moves past them; otherwise only the most recent one starts;
//   v2 (from 1.21): the most recent one starts, with a TooManyMissedTimes warning past 100.
// In both, a tick older than startingDeadlineSeconds is not started. Times are Unix seconds.
//
// Not here yet: IANA time zones and their daylight-saving gaps and overlaps.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

#include "models/scheduler/options.hpp"

namespace scheduler {

struct Cron {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     ///< 1..31
  std::bitset<13> months;   ///< 1..12
  std::bitset<7> weekdays;  ///< 0 Sunday .. 6
  bool any_day = true;      ///< day-of-month is `*`
  bool any_weekday = true;  ///< day-of-week is `*`

  /// The first tick strictly after `unix_s`, or nullopt when none comes within ten years.
  std::optional<std::int64_t> next_after(std::int64_t unix_s) const;
  bool day_matches(std::int64_t days_since_epoch) const;
  /// Whether `unix_s` is a tick.
  bool matches(std::int64_t unix_s) const;
};

/// Parses an expression; nullopt with `error` set (which field, what was expected) when it is bad.
std::optional<Cron> parse_cron(const std::string& expression, std::string& error);

/// The controller's verdict at one check.
struct CronDecision {
  std::optional<std::int64_t> fire;  ///< the tick to start now
  int unmet = 0;                     ///< ticks due since the last scheduled one (counted up to 101)
  bool too_many = false;             ///< more than 100: legacy starts nothing, v2 warns
  bool too_late = false;             ///< the most recent tick is past startingDeadlineSeconds
};

/// What the controller does at `now` with the schedule last started at `last` (Unix seconds).
/// Policy `all` is not decided here: the seed fires every tick in (last, now].
CronDecision decide(const Cron& cron, std::int64_t last, std::int64_t now, MissedPolicy policy,
                    std::optional<sim::Duration> starting_deadline);

}  // namespace scheduler
