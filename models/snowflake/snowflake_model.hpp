// The Snowflake model: gen-0 .. gen-(n-1), each running the spec's generator on its own wall
// clock, with clients asking each for ids. It builds the nodes and the load, and after the run
// hands its observations to the checkers in checks.hpp.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/snowflake/load.hpp"
#include "models/snowflake/options.hpp"
#include "models/snowflake/recorder.hpp"

namespace snowflake {

/// The checks, in report order.
const std::vector<std::string>& check_names();

class SnowflakeModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override { return snowflake::check_names(); }
  std::vector<std::string> latency_names() const override { return {std::string(generate_latency)}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  /// What the run recorded so far (after build).
  const Observations& observations() const { return recorder_->observations(); }

private:
  void add_nodes(sim::World& world, std::vector<sim::NodeId>& nodes) const;
  void settle_end_figures(sim::World& world);

  SnowflakeOptions options_;
  std::shared_ptr<Recorder> recorder_;
  std::unique_ptr<LoadDriver> driver_;
};

}  // namespace snowflake
