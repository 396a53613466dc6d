// Faults as a scenario states them, before they are aimed at a World. The kernel's fault
// injector (fault.hpp) applies them; the scenario loader builds them from YAML.
//
// Node references are names ("redis-3") or role selectors ("role:redis", "*"); they are
// resolved against the model's nodes once, when the injector builds its schedule, and an
// unknown name is reported at its line and column in the scenario before that.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/event.hpp"
#include "sim/kernel/network_options.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

/// Where a value came from in a scenario file, for messages. line and column count from 1.
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const;  ///< "file:line:column"
};

/// A node reference with the place it was written.
struct NodeRef {
  std::string name;  ///< node name, "role:TAG" or "*"
  SourceMark where;
  /// The nodes it names, in node order: empty as read, filled once by the injector's schedule.
  std::vector<NodeId> nodes;
};

struct PauseFault { NodeRef node; Duration duration; };           ///< stop-the-world, e.g. GC
struct ClockStepFault { NodeRef node; Duration by; };             ///< wall clock only; by < 0 steps back
struct ClockDriftFault { NodeRef node; std::int64_t ppm = 0; };  ///< rate of wall and monotonic clocks
struct CrashFault {
  NodeRef node;
  std::optional<Duration> restart_after;  ///< none: stays down
  /// A machine crash (true, `kind: machine`) loses disk writes not yet synced and what the
  /// kernel had not yet sent; a process crash (false, `kind: process`) keeps both.
  bool lose_unsynced = true;
};
struct RestartFault { NodeRef node; };
/// groups: nodes in different groups cannot talk; nodes named in no group form one more group.
struct PartitionFault {
  enum class Shape { groups, one_way, isolate };
  Shape shape = Shape::groups;
  std::vector<std::vector<NodeRef>> groups;  ///< groups
  std::vector<NodeRef> from, to;             ///< one_way: `from` cannot reach `to`
  NodeRef node;                              ///< isolate
  std::optional<Duration> duration;          ///< heals itself after this
};
struct HealFault {};  ///< removes every partition
/// Replaces the link options between two sets of nodes (both directions) for a while; or, for
/// drop_response, loses every reply `from` sends to `to` (the request was processed) for a while.
struct LinkFault {
  enum class Kind { slow_link, loss, duplicate, drop_response };
  Kind kind = Kind::slow_link;
  NodeRef from;
  NodeRef to;
  DurationDist latency;  ///< slow_link
  Ratio ratio;           ///< loss, duplicate
  std::optional<Duration> duration;
};

using FaultAction = std::variant<PauseFault, ClockStepFault, ClockDriftFault, CrashFault,
                                 RestartFault, PartitionFault, HealFault, LinkFault>;

/// What starts a fault that waits for an event: the `occurrence`-th record of kind `event`
/// (any kind the trace records, as "lock.granted") on a node `node` names, then `delay`.
struct FaultTrigger {
  std::string event;
  NodeRef node;
  std::uint64_t occurrence = 1;  ///< 1: the first time
  Duration delay = Duration::zero();
};

/// A fault at a fixed time; with `at_drawn`, at a time drawn for each run from that distribution
/// (a draw past the run's end: not in that run); with `after`, once an event has happened (then
/// `at` is unused).
struct FaultSpec {
  Duration at;
  FaultAction action;
  SourceMark where;
  std::optional<FaultTrigger> after;
  std::optional<DurationDist> at_drawn;
};

/// The kinds of random fault, each with what its faults are drawn from.
struct RandomPause { DurationDist duration; };  ///< pause length
struct RandomClockStep {
  DurationDist step;  ///< magnitude
  int sign = 0;       ///< +1 forward, -1 backward, 0 either at random
};
struct RandomClockDrift { std::int64_t ppm = 0; };  ///< drift drawn uniformly in [-ppm, +ppm]
/// A crash-restart: `duration` is the restart delay; lose_unsynced as CrashFault's (a machine
/// crash, the default, or a process crash that keeps what the kernel was given).
struct RandomCrash {
  DurationDist duration;
  bool lose_unsynced = true;
};
struct RandomIsolate { DurationDist duration; };    ///< isolation length
struct RandomSlowLink { DurationDist latency; DurationDist duration; };
struct RandomLoss { Ratio ratio; DurationDist duration; };

using RandomFaultKind = std::variant<RandomPause, RandomClockStep, RandomClockDrift, RandomCrash, RandomIsolate,
                                     RandomSlowLink, RandomLoss>;

/// Faults that arrive at random: a Poisson process of `rate` between `start` and `stop`, each
/// aimed at one node drawn uniformly from `targets`, its values drawn as its kind says.
struct RandomFaultSpec {
  RandomFaultKind kind;
  Rate rate;
  std::vector<NodeRef> targets;
  Duration start = Duration::zero();
  std::optional<Duration> stop;  ///< default: the run's end
  SourceMark where;
};

const char* fault_name(const FaultAction& action);
/// Every node reference a fault holds, in the order written: the one list that both the
/// reference checker and the schedule's resolution read.
std::vector<NodeRef*> node_refs(FaultAction& action);
std::vector<const NodeRef*> node_refs(const FaultAction& action);
/// node_refs of the action, then the trigger's node when it waits for an event.
std::vector<NodeRef*> node_refs(FaultSpec& fault);
std::vector<const NodeRef*> node_refs(const FaultSpec& fault);
/// The name a random fault's kind is written under ("pause", "isolate", ...).
const char* random_fault_name(const RandomFaultKind& kind);

}  // namespace sim
