// A scenario: one YAML file under scenarios/<model>/, fully checked before anything runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/network_options.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

/// `violated_in_at_least: {false_rejections: 5%}`: a check the scenario shows in some seeds and
/// not in others. One run does not judge it; `verify --seeds` does, over its seeds.
struct ShareExpectation {
  std::string check;
  Ratio share;             ///< of the seeds verified, in (0, 1]
  std::string share_text;  ///< as written, for messages
  SourceMark where;
};

/// What the scenario exists to show: checks it breaks, checks that must hold. A check named in
/// neither list (nor in violated_in_at_least) must hold too.
struct Expect {
  std::vector<std::string> violated;
  std::vector<std::string> held;
  std::vector<ShareExpectation> violated_in_at_least;
  SourceMark where;
  std::vector<SourceMark> violated_where;  ///< where each name of `violated` is written
  std::vector<SourceMark> held_where;      ///< where each name of `held` is written
};

/// A threshold from the problem statement, as `acquire_latency_p99: "< 50ms"`.
struct Requirement {
  std::string metric;       ///< a metric the model reports, e.g. "generate_latency_p99"
  std::string comparator;   ///< "<", "<=", ">", ">="
  std::string threshold;    ///< as written: "50ms", "4096000/s", "1000"
  double value = 0.0;       ///< threshold in the metric's base unit (ns, per second, count)
  SourceMark where;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::string model;
  SourceMark model_where;   ///< for "unknown model" messages
  std::uint64_t seed = 1;
  Duration duration = Duration::seconds(10);
  YAML::Node params;        ///< read by the model itself, through ParamReader
  SourceMark params_where;
  NetworkOptions network;
  /// Every node named in network.links (from, then to, link by link), with its place, so the
  /// run layer can report an unknown name where it is written.
  std::vector<NodeRef> link_nodes;
  std::vector<FaultSpec> faults;
  std::vector<RandomFaultSpec> random_faults;
  Expect expect;
  std::vector<Requirement> requirements;
};

}  // namespace sim
