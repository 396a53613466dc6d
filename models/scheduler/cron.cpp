#include "models/scheduler/cron.hpp"

#include <fmt/format.h>

#include <limits>
#include <sstream>
#include <vector>

#include "models/scheduler/zone.hpp"

namespace scheduler {
namespace {

constexpr std::int64_t day_s = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool parse_number(const std::string& text, int& value) {
  if (text.empty() || text.size() > 3) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// One comma-separated item: `*`, `a`, `a-b`, each with an optional `/step`.
bool parse_item(const std::string& item, int low, int high, std::vector<bool>& set) {
  std::string range = item;
  int step = 1;
  if (std::size_t slash = item.find('/'); slash != std::string::npos) {
    range = item.substr(0, slash);
    if (!parse_number(item.substr(slash + 1), step) || step == 0) return false;
  }
  int from = low, to = high;
  if (range != "*") {
    std::size_t dash = range.find('-');
    if (dash == std::string::npos) {
      if (!parse_number(range, from)) return false;
      to = item.find('/') == std::string::npos ? from : high;
    } else if (!parse_number(range.substr(0, dash), from) || !parse_number(range.substr(dash + 1), to)) {
      return false;
    }
  }
  if (from < low || to > high || from > to) return false;
  for (int v = from; v <= to; v += step) set[static_cast<std::size_t>(v)] = true;
  return true;
}

bool parse_field(const std::string& field, int low, int high, std::vector<bool>& set) {
  set.assign(static_cast<std::size_t>(high) + 1, false);
  std::stringstream in(field);
  std::string item;
  while (std::getline(in, item, ','))
    if (!parse_item(item, low, high, set)) return false;
  return !field.empty() && field.back() != ',';
}

template <std::size_t N>
std::bitset<N> to_bits(const std::vector<bool>& set) {
  std::bitset<N> bits;
  for (std::size_t i = 0; i < N && i < set.size(); ++i) bits[i] = set[i];
  return bits;
}

}  // namespace

std::optional<Cron> parse_cron(const std::string& expression, std::string& error) {
  std::stringstream in(expression);
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  if (fields.size() != 5) {
    error = fmt::format("expected five fields (minute hour day-of-month month day-of-week), found {}", fields.size());
    return std::nullopt;
  }
  struct Spec {
    const char* name;
    int low, high;
  };
  const Spec specs[5] = {
      {"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12}, {"day-of-week", 0, 7}};
  std::vector<bool> sets[5];
  for (std::size_t i = 0; i < 5; ++i) {
    if (parse_field(fields[i], specs[i].low, specs[i].high, sets[i])) continue;
    error = fmt::format("bad {} field '{}': expected *, a number in {}-{}, a range a-b, a /step, or a list of them",
                        specs[i].name, fields[i], specs[i].low, specs[i].high);
    return std::nullopt;
  }
  Cron cron;
  cron.minutes = to_bits<60>(sets[0]);
  cron.hours = to_bits<24>(sets[1]);
  cron.days = to_bits<32>(sets[2]);
  cron.months = to_bits<13>(sets[3]);
  if (sets[4][7]) sets[4][0] = true;  // 7 is Sunday too
  cron.weekdays = to_bits<7>(sets[4]);
  cron.any_day = fields[2] == "*";
  cron.any_weekday = fields[4] == "*";
  cron.wildcard = fields[0][0] == '*' || fields[1][0] == '*';
  return cron;
}

bool Cron::day_matches(std::int64_t days_since_epoch) const {
  Civil c = civil_from_days(days_since_epoch);
  if (!months[c.month]) return false;
  auto weekday = static_cast<std::size_t>((days_since_epoch + 4) % 7 + 7) % 7;  // 1970-01-01: Thursday
  bool day_ok = days[c.day];
  bool weekday_ok = weekdays[weekday];
  if (any_day && any_weekday) return true;
  if (any_day) return weekday_ok;
  if (any_weekday) return day_ok;
  return day_ok || weekday_ok;  // cron(5): either restricted field may match
}

std::optional<std::int64_t> Cron::next_after(std::int64_t unix_s) const {
  std::int64_t start_minute = floor_div(unix_s, 60) + 1;
  std::int64_t day = floor_div(start_minute * 60, day_s);
  for (std::int64_t d = day; d < day + 3700; ++d) {
    if (!day_matches(d)) continue;
    std::int64_t first = d == day ? start_minute * 60 - d * day_s : 0;
    for (std::int64_t s = first / 60 * 60; s < day_s; s += 60) {
      if (!hours[static_cast<std::size_t>(s / 3600)]) {
        s = (s / 3600 + 1) * 3600 - 60;
        continue;
      }
      if (minutes[static_cast<std::size_t>(s % 3600 / 60)]) return d * day_s + s;
    }
  }
  return std::nullopt;
}

bool Cron::matches(std::int64_t unix_s) const {
  if (unix_s % 60 != 0) return false;
  std::int64_t d = floor_div(unix_s, day_s);
  std::int64_t s = unix_s - d * day_s;
  return hours[static_cast<std::size_t>(s / 3600)] && minutes[static_cast<std::size_t>(s % 3600 / 60)] &&
         day_matches(d);
}

std::vector<Tick> Schedule::ticks_of(std::int64_t local_s) const {
  std::vector<std::int64_t> at = zone.instants_of(local_s);
  bool fixed = !cron.wildcard;
  if (fixed && dst == DstPolicy::vixie) {
    if (!at.empty()) return {Tick{local_s, at.front()}};  // a repeated time runs once
    std::optional<std::int64_t> change = zone.gap_end(local_s);
    if (change) return {Tick{local_s, *change}};  // a skipped one runs soon after the change
    return {};
  }
  std::vector<Tick> ticks;
  for (std::int64_t u : at) ticks.push_back(Tick{fixed ? local_s : u, u});
  return ticks;
}

std::optional<Tick> Schedule::next_after(std::int64_t due_s) const {
  return next_after(Tick{std::numeric_limits<std::int64_t>::max(), due_s});
}

std::optional<Tick> Schedule::next_after(const Tick& after) const {
  if (zone.is_utc()) {  // a tick's due time is its name: no two at once
    std::optional<std::int64_t> next = cron.next_after(after.due);
    if (!next) return std::nullopt;
    return Tick{*next, *next};
  }
  auto before = [](const Tick& a, const Tick& b) { return a.due != b.due ? a.due < b.due : a.nominal < b.nominal; };
  // Every tick of local time m is due at or after m minus the daylight offset, so the local
  // minutes from two hours before `after`'s local time cover every candidate.
  std::int64_t largest_offset = zone.standard_offset_s + 3600;
  std::optional<Tick> best;
  for (std::optional<std::int64_t> m = cron.next_after(zone.local_of(after.due) - 7200); m; m = cron.next_after(*m)) {
    if (best && *m - largest_offset > best->due) break;
    for (const Tick& tick : ticks_of(*m))
      if (before(after, tick) && (!best || before(tick, *best))) best = tick;
  }
  return best;
}

namespace {

// v2 past 100 missed: the most recent tick at or before `now`.
std::optional<Tick> most_recent_before(const Schedule& schedule, std::optional<Tick> from, std::int64_t earliest,
                                       std::int64_t now) {
  if (schedule.zone.is_utc()) {
    for (std::int64_t m = floor_div(now, 60) * 60; m > earliest; m -= 60)
      if (schedule.cron.matches(m)) return Tick{m, m};
    return from;
  }
  std::optional<Tick> recent = from;
  for (std::optional<Tick> t = from; t && t->due <= now; t = schedule.next_after(*t)) recent = t;
  return recent;
}

}  // namespace

CronDecision decide(const Schedule& schedule, std::int64_t last, std::int64_t now, MissedPolicy policy,
                    std::optional<sim::Duration> starting_deadline) {
  CronDecision decision;
  std::int64_t earliest = last;
  if (starting_deadline) earliest = std::max(earliest, now - starting_deadline->ns() / 1'000'000'000);
  std::optional<Tick> most_recent;
  for (std::optional<Tick> t = schedule.next_after(earliest); t && t->due <= now; t = schedule.next_after(*t)) {
    most_recent = t;
    if (++decision.unmet > 100) {
      decision.too_many = true;
      if (policy == MissedPolicy::legacy) return decision;  // "too many missed start times": nothing starts
      // v2 only warns, and starts the most recent tick.
      most_recent = most_recent_before(schedule, t, earliest, now);
      break;
    }
  }
  if (!most_recent) return decision;
  if (starting_deadline && most_recent->due < now - starting_deadline->ns() / 1'000'000'000) {
    decision.too_late = true;
    return decision;
  }
  decision.fire = most_recent;
  return decision;
}

QuartzDecision decide_quartz(const Schedule& schedule, std::int64_t last, std::int64_t now, Misfire misfire,
                             sim::Duration threshold) {
  QuartzDecision decision;
  std::int64_t threshold_s = threshold.ns() / 1'000'000'000;
  std::optional<Tick> t = schedule.next_after(last);
  // Ticks are found oldest first, so only the first can be a misfire: the later ones are less late.
  decision.misfired = t && t->due <= now && now - t->due > threshold_s;
  if (!decision.misfired || misfire == Misfire::ignore_misfire_policy) {
    for (; t && t->due <= now; t = schedule.next_after(*t)) decision.fire.push_back(*t);
    return decision;
  }
  if (misfire == Misfire::do_nothing) {
    decision.processed = now;
    return decision;
  }
  // smart_policy, fire_once_now: one fire now, standing for every tick up to now.
  std::optional<Tick> recent = t;
  for (; t && t->due <= now; t = schedule.next_after(*t)) recent = t;
  decision.fire.push_back(*recent);
  return decision;
}

namespace {

// Temporal's processBuffer, for one policy: what each buffered start does, oldest first.
void process_buffer(TemporalStep& step, const std::vector<Tick>& buffer, bool running, Overlap overlap) {
  std::optional<Tick> chosen;
  for (const Tick& start : buffer) {
    if (overlap == Overlap::allow) {
      step.start.push_back(start);
      continue;
    }
    if (!running && !chosen) {
      chosen = start;  // nothing runs: this one starts, whatever the policy
      continue;
    }
    switch (overlap) {
      case Overlap::buffer_one:
        if (step.buffer.empty())
          step.buffer.push_back(start);
        else
          ++step.overlap_skipped;
        break;
      case Overlap::buffer_all: step.buffer.push_back(start); break;
      case Overlap::replace:
      case Overlap::cancel_other:
        if (running) {
          (overlap == Overlap::replace ? step.terminate : step.cancel) = true;
          step.buffer.push_back(start);
        } else {
          chosen = start;  // not started yet: the later one replaces it
        }
        break;
      default: ++step.overlap_skipped; break;  // skip
    }
  }
  if (chosen) step.start.push_back(*chosen);
}

}  // namespace

std::string ticks_text(const std::vector<Tick>& ticks) {
  std::string text;
  for (const Tick& t : ticks) text += fmt::format("{}{}:{}", text.empty() ? "" : ",", t.nominal, t.due);
  return text;
}

std::vector<Tick> ticks_from_text(const std::string& text) {
  std::vector<Tick> ticks;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t colon = item.find(':');
    if (colon == std::string::npos) continue;
    ticks.push_back(Tick{std::stoll(item.substr(0, colon)), std::stoll(item.substr(colon + 1))});
  }
  return ticks;
}

TemporalStep temporal_step(const Schedule& schedule, std::int64_t processed, std::int64_t now, std::vector<Tick> buffer,
                           bool running, Overlap overlap, sim::Duration catchup_window) {
  TemporalStep step;
  std::int64_t window_s = catchup_window.ns() / 1'000'000'000;
  for (std::optional<Tick> t = schedule.next_after(processed); t && t->due <= now; t = schedule.next_after(*t)) {
    if (now - t->due > window_s) {
      ++step.dropped_window;
      continue;
    }
    buffer.push_back(*t);
  }
  process_buffer(step, buffer, running, overlap);
  return step;
}

}  // namespace scheduler
