#include "sim/scenario/scenario_docs.hpp"

namespace sim {

const std::vector<FaultSample>& fault_samples() {
  static const std::vector<FaultSample> samples{
      {"pause", "{at: 1s, pause: {node: client-1, duration: 2s}}",
       "stop-the-world pause (a GC): the node's timers and deliveries wait until it ends"},
      {"clock_step", "{at: 1s, clock_step: {node: redis-1, by: +15s}}",
       "steps one node's wall clock (an NTP step or an operator); its monotonic clock keeps running"},
      {"clock_drift", "{at: 1s, clock_drift: {node: redis-1, ppm: 500}}",
       "changes the rate of one node's wall and monotonic clocks"},
      {"crash", "{at: 1s, crash: {node: redis-1, restart_after: 2s}}",
       "crashes a node: its pending work and volatile state are lost; it may restart"},
      {"restart", "{at: 3s, restart: {node: redis-1}}", "restarts a crashed node with what it had made durable"},
      {"partition", "{at: 1s, partition: {groups: [[client-1], [redis-1]], duration: 2s}}",
       "splits the network into groups that cannot reach each other"},
      {"partition", "{at: 1s, partition: {one_way: {from: client-1, to: redis-1}, duration: 2s}}",
       "one-way partition: `from` cannot reach `to`, while `to` still reaches `from`"},
      {"partition", "{at: 1s, partition: {isolate: redis-1, duration: 2s}}", "cuts one node off from every other"},
      {"heal", "{at: 3s, heal: {}}", "ends every partition"},
      {"slow_link", "{at: 1s, slow_link: {from: client-1, to: redis-1, latency: 200ms, duration: 2s}}",
       "gives one link another latency"},
      {"loss", "{at: 1s, loss: {from: client-1, to: redis-1, ratio: 1/10, duration: 2s}}",
       "drops a share of the messages on one link"},
      {"duplicate", "{at: 1s, duplicate: {from: client-1, to: redis-1, ratio: 1/10, duration: 2s}}",
       "delivers a share of the messages on one link twice"},
      {"drop_response", "{at: 250ms, drop_response: {from: network, to: api-1, duration: 5s}}",
       "loses the replies `from` sends to `to`: each request is processed, its answer never arrives"},
      {"random pause", "{random: {kind: pause, rate: 1/4s, targets: [role:client], duration: 1s, stop: 8s}}",
       "pauses at random times, at `rate`, each on a node drawn from `targets`"},
      {"random clock_step", "{random: {kind: clock_step, rate: 1/4s, targets: [role:redis], step: 5s}}",
       "wall-clock steps at random times"},
      {"random clock_drift", "{random: {kind: clock_drift, rate: 1/4s, targets: [role:redis], ppm: 1000}}",
       "clock drifts at random times, each of up to `ppm`"},
      {"random crash", "{random: {kind: crash, rate: 1/4s, targets: [role:redis], duration: 1s}}",
       "crash-restarts at random times, each down for `duration`"},
      {"random isolate", "{random: {kind: isolate, rate: 1/4s, targets: [role:redis], duration: 1s}}",
       "isolates a node at random times, for `duration`"},
      {"random slow_link",
       "{random: {kind: slow_link, rate: 1/4s, targets: [role:redis], latency: 100ms, duration: 1s}}",
       "slows a target's links at random times"},
      {"random loss", "{random: {kind: loss, rate: 1/4s, targets: [role:redis], ratio: 1/2, duration: 1s}}",
       "drops a share of a target's messages at random times"},
  };
  return samples;
}

const std::vector<FaultSample>& dist_samples() {
  static const std::vector<FaultSample> samples{
      {"constant", "{dist: constant, value: 2ms}", "always `value` (a bare duration such as 2ms means the same)"},
      {"uniform", "{dist: uniform, min: 1ms, max: 3ms}", "uniform between `min` and `max`"},
      {"exponential", "{dist: exponential, mean: 2ms}", "exponential with `mean`"},
      {"normal", "{dist: normal, mean: 2ms, stddev: 500us}", "normal, cut at zero"},
      {"lognormal", "{dist: lognormal, median: 1ms, p99: 5ms}", "lognormal given by its median and 99th percentile"},
      {"pareto", "{dist: pareto, min: 1ms, shape: 1.5}", "Pareto (heavy tail) from `min` with shape alpha"},
  };
  return samples;
}

const std::vector<OptionDoc>& scenario_option_docs() {
  static const std::vector<OptionDoc> docs{
      {"name", "the scenario's name, as reports show it"},
      {"description", "what the scenario shows, in plain words"},
      {"model", "the design under test (designsim list shows them)"},
      {"seed", "the run's one seed: same seed, same run"},
      {"duration", "simulated time the run lasts (at most 30d)"},
      {"params", "the model's own parameters (designsim describe MODEL)"},
      {"network", "default link options for every pair of nodes, and per-link overrides"},
      {"network.latency", "one-way delay of a message"},
      {"network.loss", "share of messages dropped"},
      {"network.duplicate", "share of messages delivered twice"},
      {"network.fifo", "deliver in order per connection, as TCP does"},
      {"network.links", "per-link overrides: from, to, and any of the link options"},
      {"network.links[].from", "the sending node"},
      {"network.links[].to", "the receiving node"},
      {"network.links[].latency", "one-way delay on this link"},
      {"network.links[].loss", "share of messages dropped on this link"},
      {"network.links[].duplicate", "share of messages delivered twice on this link"},
      {"network.links[].fifo", "deliver in order on this link"},
      {"faults", "faults at fixed times (at: plus one fault) and random faults (random:); designsim describe faults"},
      {"expect", "what the scenario exists to show; a check named in neither list must hold"},
      {"expect.violated", "checks this scenario must break"},
      {"expect.held", "checks that must hold"},
      {"expect.violated_in_at_least",
       "checks a scenario shows in some seeds only, each with the least share of seeds it breaks in "
       "(judged by verify --seeds)"},
      {"requirements", "thresholds from the problem statement: METRIC: \"< 50ms\", \">= 0.99\", \"> 4000/s\""},
  };
  return docs;
}

namespace {

// The fields of `random:`, the kind of fault drawn as the run goes.
std::vector<OptionDoc> random_field_docs() {
  return {
      {"random", "faults drawn at random times"},
      {"random.kind", "which fault"},
      {"random.rate", "how often, on average, as 1/10s"},
      {"random.targets", "the nodes a fault may hit, one drawn each time"},
      {"random.start", "no fault before this"},
      {"random.stop", "no fault after this (absent: the end of the run)"},
      {"random.duration", "how long each fault lasts"},
      {"random.lose_unsynced", "a crash loses unsynced writes, a machine crash (false: a process crash)"},
      {"random.step", "how far each clock step goes"},
      {"random.direction", "which way clocks step"},
      {"random.ppm", "the largest drift, in parts per million"},
      {"random.latency", "the latency of a slowed link"},
      {"random.ratio", "share of messages dropped"},
  };
}

}  // namespace

const std::vector<OptionDoc>& fault_field_docs() {
  static const std::vector<OptionDoc> docs = [] {
    std::vector<OptionDoc> fields{
      {"at", "when the fault happens from the start of the run, or a distribution it is drawn from per run"},
      {"after", "instead of at: the fault happens once, after the n-th record of an event kind on a node"},
      {"after.event", "the trace record kind that triggers it, e.g. lock.granted"},
      {"after.node", "the node whose record counts"},
      {"after.occurrence", "which record of that kind counts: 1 is the first"},
      {"after.delay", "how long after that record the fault happens"},
      {"pause", "a stop-the-world pause"},
      {"pause.node", "the node to pause (a name, role:TAG or *)"},
      {"pause.duration", "how long the pause lasts"},
      {"clock_step", "a wall-clock step"},
      {"clock_step.node", "the node whose wall clock steps"},
      {"clock_step.by", "how far the clock steps: +15s forward, -2s back"},
      {"clock_drift", "a clock drift"},
      {"clock_drift.node", "the node whose clocks drift"},
      {"clock_drift.ppm", "drift in parts per million: positive runs fast"},
      {"crash", "a crash"},
      {"crash.node", "the node that crashes"},
      {"crash.restart_after", "restart after this long (absent: stays down until a restart fault)"},
      {"crash.kind",
       "machine: the machine dies with its kernel's send buffers and unsynced writes; process: the process "
       "dies and the kernel still flushes what it was given"},
      {"crash.lose_unsynced", "a machine crash that loses unsynced writes (false: a process crash)"},
      {"restart", "a restart of a crashed node"},
      {"restart.node", "the node to restart"},
      {"partition", "a network partition: one of groups, one_way or isolate"},
      {"partition.groups", "groups of nodes that reach only their own group"},
      {"partition.one_way", "from cannot reach to"},
      {"partition.one_way.from", "the nodes whose messages are cut"},
      {"partition.one_way.to", "the nodes they can no longer reach"},
      {"partition.isolate", "the node cut off from every other"},
      {"partition.duration", "heal after this long (absent: until a heal fault)"},
      {"heal", "ends every partition: {} or true"},
      {"slow_link", "another latency on one link"},
      {"slow_link.from", "the link's sending node"},
      {"slow_link.to", "the link's receiving node"},
      {"slow_link.latency", "the link's latency while the fault lasts"},
      {"slow_link.duration", "how long the fault lasts (absent: to the end)"},
      {"loss", "message loss on one link"},
      {"loss.from", "the link's sending node"},
      {"loss.to", "the link's receiving node"},
      {"loss.ratio", "share of messages dropped"},
      {"loss.duration", "how long the fault lasts (absent: to the end)"},
      {"duplicate", "message duplication on one link"},
      {"duplicate.from", "the link's sending node"},
      {"duplicate.to", "the link's receiving node"},
      {"duplicate.ratio", "share of messages delivered twice"},
      {"duplicate.duration", "how long the fault lasts (absent: to the end)"},
      {"drop_response", "lost replies on one link: requests are processed, their replies are lost"},
      {"drop_response.from", "the node whose replies are lost (the server)"},
      {"drop_response.to", "the node that never gets them (the caller)"},
      {"drop_response.duration", "how long the fault lasts (absent: to the end)"},
    };
    for (OptionDoc& doc : random_field_docs()) fields.push_back(std::move(doc));
    return fields;
  }();
  return docs;
}

const std::vector<OptionDoc>& dist_field_docs() {
  static const std::vector<OptionDoc> docs{
      {"dist", "the distribution's kind"},
      {"value", "the constant value"},
      {"min", "the smallest value"},
      {"max", "the largest value"},
      {"mean", "the mean"},
      {"stddev", "the standard deviation"},
      {"median", "the median"},
      {"p99", "the 99th percentile (at least the median)"},
      {"shape", "the Pareto shape alpha (more than 0; smaller is heavier-tailed)"},
  };
  return docs;
}

const std::string& scenario_sample() {
  static const std::string text =
      "name: sample\n"
      "description: every key the loader owns\n"
      "model: lock\n"
      "seed: 1\n"
      "duration: 10s\n"
      "params: {}\n"
      "network:\n"
      "  latency: 1ms\n"
      "  links:\n"
      "    - {from: client-1, to: redis-1, latency: 2ms}\n"
      "faults: []\n"
      "expect: {violated: [], held: []}\n"
      "requirements: {}\n";
  return text;
}

}  // namespace sim
