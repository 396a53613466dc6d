// Random faults: `- random: {kind: pause, rate: 1/10s, targets: [role:redis], duration: 2s}`.
// Each kind takes its own fields; a field of another kind is an error, not silently ignored.
#include <string_view>

#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/suggest.hpp"

namespace sim {
namespace {

constexpr std::int64_t drift_ppm_max = 500'000;
/// Random faults are drawn one at a time, but each applied one is traced and listed in the
/// report: bound how many one random fault may give over its window, as params.rate is bounded.
constexpr std::int64_t random_fault_count_max = 100'000;

int read_direction(ParamReader& section) {
  std::string direction = section.choice("direction", {"forward", "backward", "either"}, "either");
  if (direction == "forward") return 1;
  return direction == "backward" ? -1 : 0;
}

RandomFaultKind read_pause(ParamReader& s) { return RandomPause{s.duration_dist("duration")}; }
RandomFaultKind read_clock_step(ParamReader& s) {
  DurationDist step = s.duration_dist("step");
  return RandomClockStep{step, read_direction(s)};
}
RandomFaultKind read_clock_drift(ParamReader& s) {
  return RandomClockDrift{s.integer<std::int64_t>("ppm", 1, drift_ppm_max)};
}
RandomFaultKind read_crash(ParamReader& s) {
  DurationDist duration = s.duration_dist("duration");
  return RandomCrash{duration, s.boolean("lose_unsynced", true)};
}
RandomFaultKind read_isolate(ParamReader& s) { return RandomIsolate{s.duration_dist("duration")}; }
RandomFaultKind read_slow_link(ParamReader& s) {
  DurationDist latency = s.duration_dist("latency");
  return RandomSlowLink{latency, s.duration_dist("duration")};
}
RandomFaultKind read_loss(ParamReader& s) {
  Ratio ratio = s.ratio("ratio");
  return RandomLoss{ratio, s.duration_dist("duration")};
}

struct KindFields {
  std::string_view name;
  std::vector<std::string_view> fields;  // beyond kind, rate, targets, start, stop
  RandomFaultKind (*read)(ParamReader& section);
};

// Each kind once, with its fields and its reader.
const std::vector<KindFields>& kind_table() {
  static const std::vector<KindFields> table{
      {"pause", {"duration"}, read_pause},
      {"clock_step", {"step", "direction"}, read_clock_step},
      {"clock_drift", {"ppm"}, read_clock_drift},
      {"crash", {"duration", "lose_unsynced"}, read_crash},
      {"isolate", {"duration"}, read_isolate},
      {"slow_link", {"latency", "duration"}, read_slow_link},
      {"loss", {"ratio", "duration"}, read_loss},
  };
  return table;
}

const KindFields& read_kind(ParamReader& section) {
  std::vector<std::string_view> names;
  for (const KindFields& entry : kind_table()) names.push_back(entry.name);
  std::string name = section.choice("kind", names);
  for (const KindFields& entry : kind_table())
    if (entry.name == name) return entry;
  return kind_table().front();
}

bool uses(const KindFields& kind, std::string_view field) {
  for (std::string_view name : kind.fields)
    if (name == field) return true;
  return false;
}

// A field that belongs to another kind is named as such, with the kinds that take it.
void reject_foreign_fields(ParamReader& section, const KindFields& kind) {
  for (std::string_view field : {"duration", "lose_unsynced", "step", "direction", "ppm", "latency", "ratio"}) {
    if (uses(kind, field) || !section.has(field)) continue;
    std::vector<std::string> owners;
    for (const KindFields& entry : kind_table())
      if (uses(entry, field)) owners.emplace_back(entry.name);
    section.fail(field, "does not apply to random faults of kind " + std::string(kind.name) + " (it is for " +
                            join_alternatives(owners) + ")");
  }
}

void read_window(ParamReader& section, RandomFaultSpec& spec, Duration run_length) {
  DurationRange within_run{Duration::zero(), run_length};
  spec.start = section.duration("start", Duration::zero(), within_run);
  spec.stop = section.optional_duration("stop", within_run);
  if (spec.stop && *spec.stop <= spec.start)
    section.value("stop")->out_of_range("after start (" + to_string(spec.start) + ")");
}

// The expected number of faults, rate x (stop - start), within random_fault_count_max.
void check_fault_count(ParamReader& section, const RandomFaultSpec& spec, Duration run_length) {
  Duration window = spec.stop.value_or(run_length) - spec.start;
  __int128 expected = static_cast<__int128>(spec.rate.count) * window.ns() / spec.rate.per.ns();
  if (expected <= random_fault_count_max) return;
  section.fail("rate", to_string(spec.rate) + " over " + to_string(window) + " gives about " +
                           std::to_string(static_cast<long long>(expected)) + " faults; at most " +
                           std::to_string(random_fault_count_max) +
                           " over a run (lower the rate, or narrow start and stop)");
}

}  // namespace

std::vector<std::string> random_fault_kinds() {
  std::vector<std::string> kinds;
  for (const KindFields& entry : kind_table()) kinds.emplace_back(entry.name);
  return kinds;
}

RandomFaultSpec read_random_fault(ParamReader section, Duration run_length) {
  RandomFaultSpec spec;
  spec.where = section.where();
  const KindFields& kind = read_kind(section);
  spec.rate = section.rate("rate");
  if (spec.rate.count == 0) section.value("rate")->out_of_range("more than zero events");
  spec.targets = section.node_refs("targets");
  reject_foreign_fields(section, kind);
  spec.kind = kind.read(section);
  read_window(section, spec, run_length);
  check_fault_count(section, spec, run_length);
  section.finish();
  return spec;
}

}  // namespace sim
