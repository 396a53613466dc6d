// Fixed-time faults: `- at: 5s` (or `- after: {event: ..., node: ...}`, for a fault that waits
// for an event) plus exactly one fault key, each mapping onto one struct of fault_spec.hpp.
#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "sim/kernel/fault_triggers.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/suggest.hpp"
#include "sim/scenario/value_text.hpp"

namespace sim {
namespace {

constexpr std::int64_t clock_drift_ppm_max = 500'000;
/// Larger steps would push a wall clock toward the limits of 64-bit nanoseconds.
constexpr Duration clock_step_max = Duration::seconds(10LL * 365 * 24 * 3600);

PauseFault read_pause(ParamReader fault) {
  PauseFault pause{fault.node_ref("node"), fault.duration("duration", DurationRange::positive())};
  fault.finish();
  return pause;
}

ClockStepFault read_clock_step(ParamReader fault) {
  NodeRef node = fault.node_ref("node");
  Duration by = fault.duration("by", DurationRange::any());
  if (by == Duration::zero() || by > clock_step_max || by < -clock_step_max)
    fault.value("by")->out_of_range("nonzero and at most 10 years (" + to_string(clock_step_max) + ") either way");
  fault.finish();
  return ClockStepFault{std::move(node), by};
}

ClockDriftFault read_clock_drift(ParamReader fault) {
  ClockDriftFault drift{fault.node_ref("node"),
                        fault.integer<std::int64_t>("ppm", -clock_drift_ppm_max, clock_drift_ppm_max)};
  fault.finish();
  return drift;
}

CrashFault read_crash(ParamReader fault) {
  CrashFault crash;
  crash.node = fault.node_ref("node");
  crash.restart_after = fault.optional_duration("restart_after", DurationRange::positive());
  // `kind`: a process crash leaves the machine's kernel up (it keeps the page cache and flushes
  // what the process wrote to its sockets); a machine crash, the default, loses both.
  bool kind_given = fault.has("kind");
  bool machine = fault.choice("kind", {"machine", "process"}, "machine") == "machine";
  crash.lose_unsynced = fault.boolean("lose_unsynced", machine);
  if (kind_given && crash.lose_unsynced != machine)
    fault.fail("lose_unsynced", machine
                                    ? "a machine crash loses unsynced writes: drop lose_unsynced or use kind: process"
                                    : "a process crash keeps unsynced writes: drop lose_unsynced or use kind: machine");
  fault.finish();
  return crash;
}

RestartFault read_restart(ParamReader fault) {
  RestartFault restart{fault.node_ref("node")};
  fault.finish();
  return restart;
}

// Each node at most once across the groups; roles are resolved later, by the run.
std::vector<std::vector<NodeRef>> read_groups(const YamlValue& value) {
  if (!value.node.IsSequence() || value.node.size() == 0)
    value.expected("a list of node groups such as [[redis-1, redis-2], [redis-3]]");
  std::vector<std::vector<NodeRef>> groups;
  std::vector<const NodeRef*> seen;
  std::size_t index = 0;
  for (const YAML::Node& element : value.node) groups.push_back(read_node_refs(value.item(element, index++)));
  for (const auto& group : groups) {
    for (const NodeRef& ref : group) {
      for (const NodeRef* other : seen)
        if (other->name == ref.name)
          throw ScenarioError(ref.where, value.label + ": '" + ref.name + "' is in two groups (also at " +
                                             std::to_string(other->where.line) + ":" +
                                             std::to_string(other->where.column) + ")");
      seen.push_back(&ref);
    }
  }
  return groups;
}

// groups, one_way or isolate: exactly one of them.
PartitionFault::Shape partition_shape(ParamReader& fault) {
  static const std::vector<std::string> shapes{"groups", "one_way", "isolate"};
  std::vector<std::string> present;
  for (const std::string& key : fault.keys())
    for (const std::string& shape : shapes)
      if (key == shape) present.push_back(key);
  for (const std::string& shape : shapes) fault.has(shape);
  if (present.empty()) fault.fail("expected one of groups, one_way or isolate");
  if (present.size() > 1)
    fault.fail(present[1], "a partition is one of groups, one_way or isolate, not both '" + present[0] +
                               "' and '" + present[1] + "'");
  if (present[0] == "groups") return PartitionFault::Shape::groups;
  return present[0] == "one_way" ? PartitionFault::Shape::one_way : PartitionFault::Shape::isolate;
}

PartitionFault read_partition(ParamReader fault) {
  PartitionFault partition;
  partition.shape = partition_shape(fault);
  if (partition.shape == PartitionFault::Shape::groups) {
    partition.groups = read_groups(fault.required("groups"));
  } else if (partition.shape == PartitionFault::Shape::one_way) {
    ParamReader one_way = fault.section("one_way");
    partition.from = one_way.node_refs("from");
    partition.to = one_way.node_refs("to");
  } else {
    partition.node = fault.node_ref("isolate");
  }
  partition.duration = fault.optional_duration("duration", DurationRange::positive());
  fault.finish();
  return partition;
}

// `heal: {}`, `heal: true` or a bare `heal:`.
HealFault read_heal(ParamReader& item) {
  YamlValue value = item.required("heal");
  if (value.node.IsMap()) {
    ParamReader(value.node, value.where, value.label).finish();
  } else if (!value.node.IsNull() && !(value.node.IsScalar() && parse_boolean(value.node.Scalar()) == true)) {
    value.expected("{} or true");
  }
  return HealFault{};
}

LinkFault read_link_fault(ParamReader fault, LinkFault::Kind kind) {
  LinkFault link;
  link.kind = kind;
  link.from = fault.node_ref("from");
  link.to = fault.node_ref("to");
  if (kind == LinkFault::Kind::slow_link) link.latency = fault.duration_dist("latency");
  else if (kind != LinkFault::Kind::drop_response) link.ratio = fault.ratio("ratio");
  link.duration = fault.optional_duration("duration", DurationRange::positive());
  fault.finish();
  return link;
}

FaultAction read_pause_item(ParamReader& item) { return read_pause(item.section("pause")); }
FaultAction read_clock_step_item(ParamReader& item) { return read_clock_step(item.section("clock_step")); }
FaultAction read_clock_drift_item(ParamReader& item) { return read_clock_drift(item.section("clock_drift")); }
FaultAction read_crash_item(ParamReader& item) { return read_crash(item.section("crash")); }
FaultAction read_restart_item(ParamReader& item) { return read_restart(item.section("restart")); }
FaultAction read_partition_item(ParamReader& item) { return read_partition(item.section("partition")); }
FaultAction read_heal_item(ParamReader& item) { return read_heal(item); }
FaultAction read_slow_link_item(ParamReader& item) {
  return read_link_fault(item.section("slow_link"), LinkFault::Kind::slow_link);
}
FaultAction read_loss_item(ParamReader& item) { return read_link_fault(item.section("loss"), LinkFault::Kind::loss); }
FaultAction read_duplicate_item(ParamReader& item) {
  return read_link_fault(item.section("duplicate"), LinkFault::Kind::duplicate);
}
FaultAction read_drop_response_item(ParamReader& item) {
  return read_link_fault(item.section("drop_response"), LinkFault::Kind::drop_response);
}

struct FixedFaultReader {
  std::string key;
  FaultAction (*read)(ParamReader& item);
};

// The one list of fixed-time fault keys, each with its reader: a key cannot be known without
// a reader, and a key not listed is an error wherever it is met.
const std::vector<FixedFaultReader>& fixed_fault_readers() {
  static const std::vector<FixedFaultReader> readers{
      {"pause", read_pause_item},         {"clock_step", read_clock_step_item}, {"clock_drift", read_clock_drift_item},
      {"crash", read_crash_item},         {"restart", read_restart_item},       {"partition", read_partition_item},
      {"heal", read_heal_item},           {"slow_link", read_slow_link_item},   {"loss", read_loss_item},
      {"duplicate", read_duplicate_item}, {"drop_response", read_drop_response_item},
  };
  return readers;
}

/// Every key that makes a fault item: the fixed-time ones and `random`.
const std::vector<std::string>& fault_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all;
    for (const FixedFaultReader& reader : fixed_fault_readers()) all.push_back(reader.key);
    all.emplace_back("random");
    return all;
  }();
  return keys;
}

bool is_fault_key(const std::string& key) {
  for (const std::string& name : fault_keys())
    if (name == key) return true;
  return false;
}

[[noreturn]] void fail_unknown_fault(ParamReader& item, const std::string& key) {
  std::string hint = did_you_mean(key, fault_keys());
  if (hint.empty()) hint = " (expected one of " + join_alternatives(fault_keys()) + ")";
  throw ScenarioError(item.key_where(key), "unknown fault '" + key + "' in " + item.path() + hint);
}

FaultAction read_action(ParamReader& item, const std::string& kind) {
  for (const FixedFaultReader& reader : fixed_fault_readers())
    if (reader.key == kind) return reader.read(item);
  fail_unknown_fault(item, kind);
}

// The one fault key of an item; two, or none, is an error.
std::string fault_kind(ParamReader& item) {
  std::vector<std::string> kinds;
  for (const std::string& key : item.keys())
    if (is_fault_key(key)) kinds.push_back(key);
  if (kinds.size() > 1)
    throw ScenarioError(item.key_where(kinds[1]), item.path() + ": one item holds two faults, '" + kinds[0] +
                                                      "' and '" + kinds[1] + "'; write each as its own list item");
  if (kinds.empty()) {
    for (const std::string& key : item.keys())
      if (key != "at" && key != "after") fail_unknown_fault(item, key);
    item.fail("missing the fault: expected one of " + join_alternatives(fault_keys()));
  }
  return kinds[0];
}

// `after: {event: lock.granted, node: client-1, occurrence: 1, delay: 10ms}`.
FaultTrigger read_trigger(ParamReader after, Duration run_length) {
  FaultTrigger trigger;
  trigger.event = after.string("event");
  if (!is_event_kind(trigger.event))
    after.fail("event",
               "expected the kind of a trace record, lowercase words joined by dots, such as "
               "lock.granted or fault.pause; got '" +
                   trigger.event + "'");
  const std::vector<std::string>& kinds = recorded_event_kinds();
  if (!std::binary_search(kinds.begin(), kinds.end(), trigger.event))
    after.fail("event", "designsim records no trace record of kind '" + trigger.event + "', so the fault would never "
                            "happen" + did_you_mean(trigger.event, kinds) +
                            "; `designsim run --trace FILE` lists the kinds a run records");
  trigger.node = after.node_ref("node");
  trigger.occurrence = after.integer<std::uint64_t>("occurrence", 1, 1, 1'000'000'000);
  trigger.delay = after.duration("delay", Duration::zero(), DurationRange::any());
  if (trigger.delay < Duration::zero() || trigger.delay > run_length)
    after.value("delay")->out_of_range("within the run, between 0s and " + to_string(run_length));
  after.finish();
  return trigger;
}

// `at: {dist: uniform, min: 2s, max: 8s}`: a time drawn for each run. A uniform's bounds, or
// another distribution's median, must lie within the run; a draw past its end is no fault.
void read_drawn_moment(ParamReader& item, FaultSpec& spec, Duration run_length) {
  DurationDist dist = item.duration_dist("at");
  bool uniform = dist.kind == DurationDist::Kind::uniform;
  Duration latest = uniform ? dist.b : dist.median();
  if (latest > run_length)
    item.value("at")->fail(fmt::format("a time drawn within the run (at most {}) was expected, but the {} is {}",
                                       to_string(run_length), uniform ? "uniform's max" : "median", to_string(latest)));
  spec.at_drawn = dist;
}

// A fault has its moment from exactly one of `at` and `after`.
void read_moment(ParamReader& item, FaultSpec& spec, Duration run_length) {
  bool at = item.has("at");
  if (item.has("after")) {
    if (at) item.fail("after", "a fault happens at a time or after an event, not both; keep 'at' or 'after'");
    spec.after = read_trigger(item.section("after"), run_length);
    return;
  }
  if (!at)
    item.fail(
        "missing 'at' (a time such as 5s) or 'after' (an event such as {event: lock.granted, "
        "node: client-1})");
  if (item.value("at")->node.IsMap()) {
    read_drawn_moment(item, spec, run_length);
    return;
  }
  spec.at = item.duration("at", DurationRange::any());
  if (spec.at < Duration::zero() || spec.at > run_length)
    item.value("at")->out_of_range("within the run, between 0s and " + to_string(run_length));
}

}  // namespace

std::vector<std::string> fixed_fault_kinds() {
  std::vector<std::string> kinds;
  for (const FixedFaultReader& reader : fixed_fault_readers()) kinds.push_back(reader.key);
  return kinds;
}

FaultSpec read_fixed_fault(ParamReader& item, const std::string& kind, Duration run_length) {
  FaultSpec spec;
  spec.where = item.where();
  read_moment(item, spec, run_length);
  spec.action = read_action(item, kind);
  return spec;
}

void read_faults(std::vector<ParamReader> items, Duration run_length, std::vector<FaultSpec>& faults,
                 std::vector<RandomFaultSpec>& random_faults) {
  for (ParamReader& item : items) {
    std::string kind = fault_kind(item);
    if (kind == "random") {
      if (item.has("at"))
        item.fail("at", "a random fault has no 'at'; bound it with start: and stop: inside random:");
      if (item.has("after"))
        item.fail("after", "a random fault has no 'after'; it arrives at random between start: and stop:");
      random_faults.push_back(read_random_fault(item.section("random"), run_length));
    } else {
      faults.push_back(read_fixed_fault(item, kind, run_length));
    }
    item.finish();
  }
}

}  // namespace sim
