#include "sim/run/fault_yaml.hpp"

#include <fmt/format.h>

namespace sim {
namespace {

YAML::Node names(const std::vector<NodeRef>& refs) {
  YAML::Node list(YAML::NodeType::Sequence);
  list.SetStyle(YAML::EmitterStyle::Flow);
  for (const NodeRef& ref : refs) list.push_back(ref.name);
  return list;
}

YAML::Node flow_map() {
  YAML::Node map(YAML::NodeType::Map);
  map.SetStyle(YAML::EmitterStyle::Flow);
  return map;
}

// One writing per fault kind and no generic fallback, as the reader has one reading per kind.
struct Writing {
  YAML::Node& item;

  void operator()(const PauseFault& f) const {
    YAML::Node body = flow_map();
    body["node"] = f.node.name;
    body["duration"] = to_string(f.duration);
    item["pause"] = body;
  }
  void operator()(const ClockStepFault& f) const {
    YAML::Node body = flow_map();
    body["node"] = f.node.name;
    body["by"] = (f.by > Duration::zero() ? "+" : "") + to_string(f.by);
    item["clock_step"] = body;
  }
  void operator()(const ClockDriftFault& f) const {
    YAML::Node body = flow_map();
    body["node"] = f.node.name;
    body["ppm"] = f.ppm;
    item["clock_drift"] = body;
  }
  void operator()(const CrashFault& f) const {
    YAML::Node body = flow_map();
    body["node"] = f.node.name;
    if (f.restart_after) body["restart_after"] = to_string(*f.restart_after);
    body["kind"] = f.lose_unsynced ? "machine" : "process";
    item["crash"] = body;
  }
  void operator()(const RestartFault& f) const {
    YAML::Node body = flow_map();
    body["node"] = f.node.name;
    item["restart"] = body;
  }
  void operator()(const PartitionFault& f) const { item["partition"] = partition(f); }
  void operator()(const HealFault&) const { item["heal"] = flow_map(); }
  void operator()(const LinkFault& f) const {
    YAML::Node body = flow_map();
    body["from"] = f.from.name;
    body["to"] = f.to.name;
    if (f.kind == LinkFault::Kind::slow_link)
      body["latency"] = duration_dist_yaml(f.latency);
    else if (f.kind != LinkFault::Kind::drop_response)
      body["ratio"] = fmt::format("{}/{}", f.ratio.num, f.ratio.den);
    if (f.duration) body["duration"] = to_string(*f.duration);
    item[fault_name(FaultAction{f})] = body;
  }

  static YAML::Node partition(const PartitionFault& f) {
    YAML::Node body = flow_map();
    switch (f.shape) {
      case PartitionFault::Shape::groups: {
        YAML::Node groups(YAML::NodeType::Sequence);
        groups.SetStyle(YAML::EmitterStyle::Flow);
        for (const std::vector<NodeRef>& group : f.groups) groups.push_back(names(group));
        body["groups"] = groups;
        break;
      }
      case PartitionFault::Shape::one_way: {
        YAML::Node one_way = flow_map();
        one_way["from"] = names(f.from);
        one_way["to"] = names(f.to);
        body["one_way"] = one_way;
        break;
      }
      case PartitionFault::Shape::isolate: body["isolate"] = f.node.name; break;
    }
    if (f.duration) body["duration"] = to_string(*f.duration);
    return body;
  }
};

}  // namespace

YAML::Node fault_item(Duration at, const FaultAction& action) {
  YAML::Node item(YAML::NodeType::Map);
  item["at"] = to_string(at);
  std::visit(Writing{item}, action);
  return item;
}

YAML::Node duration_dist_yaml(const DurationDist& dist) {
  using Kind = DurationDist::Kind;
  if (dist.kind == Kind::constant) return YAML::Node(to_string(dist.a));
  YAML::Node map = flow_map();
  map["dist"] = to_string(dist.kind);
  switch (dist.kind) {
    case Kind::constant: break;
    case Kind::uniform: map["min"] = to_string(dist.a), map["max"] = to_string(dist.b); break;
    case Kind::exponential: map["mean"] = to_string(dist.a); break;
    case Kind::normal: map["mean"] = to_string(dist.a), map["stddev"] = to_string(dist.b); break;
    case Kind::lognormal: map["median"] = to_string(dist.a), map["p99"] = to_string(dist.b); break;
    case Kind::pareto: map["min"] = to_string(dist.a), map["shape"] = fmt::format("{}", dist.shape); break;
  }
  return map;
}

}  // namespace sim
