// Time zones for cron schedules, as fixed rule sets kept in the model (never the machine's tzdata,
// so a run replays the same everywhere). Each zone is a standard offset and one daylight-saving
// rule, the rule in force for every year a run may cover (start years 2007 to 2099):
//   us  (Energy Policy Act of 2005, from 2007): daylight time from the second Sunday in March at
//       02:00 local standard time to the first Sunday in November at 02:00 local daylight time;
//   eu  (Directive 2000/84/EC, the same since 1996): from the last Sunday in March at 01:00 UTC
//       to the last Sunday in October at 01:00 UTC;
//   none (no daylight time: UTC, America/Phoenix, Asia/Tokyo, Asia/Kolkata at +05:30, ...);
// and two southern-hemisphere rules, whose daylight time spans the new year and which changed in
// the model's years (the tz database's rules AN and NZ, both changes at 02:00 local standard time):
//   au_nsw (New South Wales, Australia/Sydney): from 2008, daylight time from the first Sunday in
//       October to the first Sunday in April; up to 2007, from the last Sunday in October to
//       the last Sunday in March (so 2007's ended on 03-25, 2008's on 04-06);
//   nz  (Pacific/Auckland): from 2007, from the last Sunday in September; from 2008, to the first
//       Sunday in April (2007's ended on the first Sunday from 03-15, 03-18).
// Daylight time is the standard offset plus one hour in every zone here. The zones are listed in
// zone.cpp with why each is there. So in America/New_York
// 2026-03-08 02:00-02:59 never happens and 2026-11-01 01:00-01:59 happens twice; in
// Australia/Sydney 2026-10-04 02:00-02:59 never happens and 2026-04-05 02:00-02:59 happens twice.
//
// Times are Unix seconds; a "local" time is the civil date and time as seconds since
// 1970-01-01T00:00 of the zone's calendar (what the zone's clocks read, as if it were UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scheduler {

struct Zone {
  enum class Rule { none, us, eu, au_nsw, nz };
  std::string name = "UTC";
  std::int64_t standard_offset_s = 0;  ///< local minus UTC in standard time
  Rule rule = Rule::none;

  bool is_utc() const { return rule == Rule::none && standard_offset_s == 0; }
  /// Local minus UTC at `unix_s`.
  std::int64_t offset_at(std::int64_t unix_s) const;
  std::int64_t local_of(std::int64_t unix_s) const { return unix_s + offset_at(unix_s); }
  /// The instants whose local time is `local_s`, earliest first: one, two in the repeated hour
  /// of the autumn change, none in the skipped hour of the spring one.
  std::vector<std::int64_t> instants_of(std::int64_t local_s) const;
  /// For a local time in a skipped hour: the instant of the change (the first one after the gap).
  std::optional<std::int64_t> gap_end(std::int64_t local_s) const;
  /// The changes of `year`, in Unix seconds (none without daylight time): the start of daylight
  /// time, then its end; in the southern hemisphere the start (September or October) comes after
  /// the end (March or April), and daylight time is outside them.
  std::optional<std::pair<std::int64_t, std::int64_t>> changes(std::int64_t year) const;

private:
  std::pair<std::int64_t, std::int64_t> southern_changes(std::int64_t year) const;
};

/// The zones the model carries, by IANA name; nullopt for any other.
std::optional<Zone> find_zone(const std::string& name);
/// Their names, for error messages.
std::string zone_names();

/// Civil date and time helpers (proleptic Gregorian).
struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

/// The civil date of a count of days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's
/// algorithm), the inverse of days_from_civil.
Civil civil_from_days(std::int64_t days);

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
std::int64_t year_of(std::int64_t unix_s);
/// "2026-03-08 02:30" for a local (or UTC) time in seconds.
std::string civil_text(std::int64_t seconds);
/// Parses "2026-03-08T05:00:00Z" to Unix seconds; nullopt when malformed.
std::optional<std::int64_t> parse_utc(const std::string& text);

}  // namespace scheduler
