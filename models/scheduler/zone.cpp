#include "models/scheduler/zone.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>

namespace scheduler {
namespace {

constexpr std::int64_t day_s = 86'400;
constexpr std::int64_t hour_s = 3'600;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }


/// 0 Sunday .. 6 Saturday; 1970-01-01 was a Thursday.
std::int64_t weekday(std::int64_t days) { return ((days % 7) + 7 + 4) % 7; }

std::int64_t nth_sunday(std::int64_t year, unsigned month, int n) {
  std::int64_t first = days_from_civil(year, month, 1);
  return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

std::int64_t last_sunday(std::int64_t year, unsigned month) {
  std::int64_t last = days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) - 1;
  return last - weekday(last);
}

struct Known {
  const char* name;
  std::int64_t standard_offset_min;
  Zone::Rule rule;
};

// Zones whose standard offset and daylight-saving rules from 2007 (the earliest start year a run
// takes) to the tz database's 2026 releases the model carries: one rule for all those years, or
// (au_nsw, nz) the rule that changed in 2008 and the one before it. A zone whose offset changed
// or whose daylight time was abolished since (America/Sao_Paulo 2019, Europe/Moscow 2011 and
// 2014, America/Mexico_City 2022, Europe/Istanbul 2016) is left out, as is America/Santiago (its
// changes have moved almost every year). Canada has followed the US rule since 2007; every EU
// member state changes at 01:00 UTC; Queensland has kept no daylight time since 1992.
constexpr std::array<Known, 36> known{{
    {"UTC", 0, Zone::Rule::none},
    {"America/New_York", -5 * 60, Zone::Rule::us},
    {"America/Chicago", -6 * 60, Zone::Rule::us},
    {"America/Denver", -7 * 60, Zone::Rule::us},
    {"America/Los_Angeles", -8 * 60, Zone::Rule::us},
    {"Europe/London", 0, Zone::Rule::eu},
    {"Europe/Paris", 1 * 60, Zone::Rule::eu},
    {"Europe/Berlin", 1 * 60, Zone::Rule::eu},
    {"America/Anchorage", -9 * 60, Zone::Rule::us},
    {"America/Halifax", -4 * 60, Zone::Rule::us},
    {"America/Phoenix", -7 * 60, Zone::Rule::none},
    {"America/Toronto", -5 * 60, Zone::Rule::us},
    {"America/Vancouver", -8 * 60, Zone::Rule::us},
    {"Pacific/Honolulu", -10 * 60, Zone::Rule::none},
    {"Europe/Dublin", 0, Zone::Rule::eu},
    {"Europe/Lisbon", 0, Zone::Rule::eu},
    {"Europe/Amsterdam", 1 * 60, Zone::Rule::eu},
    {"Europe/Madrid", 1 * 60, Zone::Rule::eu},
    {"Europe/Rome", 1 * 60, Zone::Rule::eu},
    {"Europe/Stockholm", 1 * 60, Zone::Rule::eu},
    {"Europe/Warsaw", 1 * 60, Zone::Rule::eu},
    {"Europe/Athens", 2 * 60, Zone::Rule::eu},
    {"Europe/Helsinki", 2 * 60, Zone::Rule::eu},
    {"Africa/Johannesburg", 2 * 60, Zone::Rule::none},
    {"Africa/Lagos", 1 * 60, Zone::Rule::none},
    {"Africa/Nairobi", 3 * 60, Zone::Rule::none},
    {"Asia/Dubai", 4 * 60, Zone::Rule::none},
    {"Asia/Kolkata", 5 * 60 + 30, Zone::Rule::none},
    {"Asia/Shanghai", 8 * 60, Zone::Rule::none},
    {"Asia/Singapore", 8 * 60, Zone::Rule::none},
    {"Asia/Hong_Kong", 8 * 60, Zone::Rule::none},
    {"Asia/Seoul", 9 * 60, Zone::Rule::none},
    {"Asia/Tokyo", 9 * 60, Zone::Rule::none},
    {"Australia/Sydney", 10 * 60, Zone::Rule::au_nsw},
    {"Australia/Brisbane", 10 * 60, Zone::Rule::none},
    {"Pacific/Auckland", 12 * 60, Zone::Rule::nz},
}};

}  // namespace

Civil civil_from_days(std::int64_t z) {
  z += 719'468;
  std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  auto doe = static_cast<unsigned>(z - era * 146'097);
  unsigned yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto yoe = static_cast<unsigned>(year - era * 400);
  unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + static_cast<std::int64_t>(doe) - 719'468;
}

std::int64_t year_of(std::int64_t unix_s) { return civil_from_days(floor_div(unix_s, day_s)).year; }

std::string civil_text(std::int64_t seconds) {
  std::int64_t days = floor_div(seconds, day_s);
  Civil c = civil_from_days(days);
  std::int64_t in_day = seconds - days * day_s;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", c.year, c.month, c.day, in_day / hour_s, in_day % hour_s / 60);
}

std::optional<std::int64_t> parse_utc(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (text.size() != 20 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 || used != 20)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (civil_from_days(days).day != static_cast<unsigned>(d)) return std::nullopt;  // 2026-02-30
  return days * day_s + h * hour_s + mi * 60 + s;
}

std::optional<std::pair<std::int64_t, std::int64_t>> Zone::changes(std::int64_t year) const {
  switch (rule) {
    case Rule::none: return std::nullopt;
    case Rule::us: {
      std::int64_t start_local = nth_sunday(year, 3, 2) * day_s + 2 * hour_s;  // 02:00 standard
      std::int64_t end_local = nth_sunday(year, 11, 1) * day_s + 2 * hour_s;   // 02:00 daylight
      return std::pair{start_local - standard_offset_s, end_local - standard_offset_s - hour_s};
    }
    case Rule::eu: return std::pair{last_sunday(year, 3) * day_s + hour_s, last_sunday(year, 10) * day_s + hour_s};
    case Rule::au_nsw:
    case Rule::nz: return southern_changes(year);
  }
  return std::nullopt;
}

// Both southern rules change at 02:00 local standard time, daylight time starting in the spring
// (September or October) and ending in the autumn (March or April) of the same calendar year.
std::pair<std::int64_t, std::int64_t> Zone::southern_changes(std::int64_t year) const {
  std::int64_t start = 0, end = 0;  // days since 1970-01-01
  if (rule == Rule::au_nsw) {
    start = year >= 2008 ? nth_sunday(year, 10, 1) : last_sunday(year, 10);
    end = year >= 2008 ? nth_sunday(year, 4, 1) : last_sunday(year, 3);
  } else {
    start = last_sunday(year, 9);
    end = year >= 2008 ? nth_sunday(year, 4, 1) : nth_sunday(year, 3, 3);  // 2007: Mar Sun>=15
  }
  return {start * day_s + 2 * hour_s - standard_offset_s, end * day_s + 2 * hour_s - standard_offset_s};
}

std::int64_t Zone::offset_at(std::int64_t unix_s) const {
  auto change = changes(year_of(unix_s));
  bool daylight = false;
  if (change && change->first < change->second)
    daylight = unix_s >= change->first && unix_s < change->second;
  else if (change)  // southern hemisphere: daylight time from January to the autumn, and from the spring
    daylight = unix_s < change->second || unix_s >= change->first;
  return standard_offset_s + (daylight ? hour_s : 0);
}

std::vector<std::int64_t> Zone::instants_of(std::int64_t local_s) const {
  std::vector<std::int64_t> found;
  for (std::int64_t candidate : {local_s - standard_offset_s - hour_s, local_s - standard_offset_s})
    if (local_of(candidate) == local_s) found.push_back(candidate);
  return found;
}

std::optional<std::int64_t> Zone::gap_end(std::int64_t local_s) const {
  if (!instants_of(local_s).empty()) return std::nullopt;
  auto change = changes(year_of(local_s));
  if (!change) return std::nullopt;
  return change->first;
}

std::optional<Zone> find_zone(const std::string& name) {
  for (const Known& k : known)
    if (name == k.name) return Zone{k.name, k.standard_offset_min * 60, k.rule};
  return std::nullopt;
}

std::string zone_names() {
  std::string names;
  for (const Known& k : known) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

}  // namespace scheduler
