#include "models/snowflake/snowflake_model.hpp"

#include "models/snowflake/findings.hpp"
#include "models/snowflake/process.hpp"
#include "sim/kernel/assert.hpp"

namespace snowflake {

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> names{"uniqueness", "monotonicity", "k_sortedness", "availability",
                                              "throughput"};
  return names;
}

void SnowflakeModel::configure(sim::ParamReader& params) { options_ = read_options(params); }

void SnowflakeModel::add_nodes(sim::World& world, std::vector<sim::NodeId>& nodes) const {
  // Every node draws its skew and drift, overridden or not, so one override shifts no other.
  sim::Rng skews = world.rng("snowflake/skew");
  sim::Rng drifts = world.rng("snowflake/drift");
  std::int64_t spread_ns = options_.skew_spread.ns();
  for (int i = 0; i < options_.node_count; ++i) {
    sim::ClockOptions clock;
    clock.skew = sim::Duration::nanoseconds(skews.between(-spread_ns, spread_ns));
    clock.drift_ppm = drifts.between(-options_.drift_spread_ppm, options_.drift_spread_ppm);
    for (const auto& [index, skew] : options_.skews)
      if (index == i) clock.skew = skew;
    nodes.push_back(world.add_node(options_.node_name(i), {"generator"}, clock));
  }
}

void SnowflakeModel::build(sim::World& world, sim::Duration length) {
  SIM_ASSERT(!recorder_, "the snowflake model was built twice");
  SIM_ASSERT(!options_.node_ids.empty(), "the snowflake model was built before it was configured");
  std::vector<sim::NodeId> nodes;
  add_nodes(world, nodes);
  recorder_ = std::make_shared<Recorder>(world, options_, nodes, length);
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    sim::NodeId node = nodes[i];
    world.node(node).set_boot([recorder = recorder_, i, node] {
      recorder->world().node(node).set_process(std::make_shared<GeneratorProcess>(recorder, i));
    });
  }
  driver_ = std::make_unique<LoadDriver>(recorder_, length);
  driver_->start();
}

void SnowflakeModel::settle_end_figures(sim::World& world) {
  for (std::uint32_t i = 0; i < recorder_->node_count(); ++i) {
    sim::Node& node = world.node(recorder_->node_id(i));
    NodeTally& tally = recorder_->tally(i);
    tally.wall_offset_end = node.clock().wall_offset(world.now());
    const auto* process = node.process<GeneratorProcess>();
    tally.queued_at_end = process ? process->queued() : 0;
  }
  recorder_->close();
}

sim::Findings SnowflakeModel::finish(sim::World& world, const sim::FaultActivity&) {
  SIM_ASSERT(recorder_, "the snowflake model finished before it was built");
  settle_end_figures(world);
  return judge(options_, recorder_->observations(), world.metrics());
}

}  // namespace snowflake
