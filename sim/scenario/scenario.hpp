// A scenario: one YAML file under scenarios/<model>/, fully checked before anything runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/network_options.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

/// What the scenario exists to show: checks it breaks, checks that must hold. A check named in
/// neither list must hold too.
struct Expect {
  std::vector<std::string> violated;
  std::vector<std::string> held;
  SourceMark where;
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
  std::uint64_t seed = 1;
  Duration duration = Duration::seconds(10);
  YAML::Node params;        ///< read by the model itself, through ParamReader
  SourceMark params_where;
  NetworkOptions network;
  std::vector<FaultSpec> faults;
  std::vector<RandomFaultSpec> random_faults;
  Expect expect;
  std::vector<Requirement> requirements;
};

}  // namespace sim
