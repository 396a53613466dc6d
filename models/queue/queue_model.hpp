// The queue model: controller-1..N (Raft), broker-1..N, producer-1 and consumer-1 on one topic.
// It builds the nodes, keeps the brokers' disks across process crashes (a machine crash takes
// the page cache), and after the run reads each partition's final log and hands everything to
// the checkers in checks.hpp.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/queue/context.hpp"
#include "models/queue/options.hpp"
#include "models/queue/recorder.hpp"

namespace queue {

class QueueModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override;
  std::vector<std::string> latency_names() const override { return {"produce", "end_to_end"}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  const Observations& observations() const { return context_->recorder->observations(); }

private:
  void add_nodes(sim::World& world);
  void on_crash(sim::NodeId node);
  void read_final_logs();
  sim::Table partition_table() const;

  QueueOptions options_;
  std::shared_ptr<Context> context_;
};

/// What would have prevented the first violation, from the options and the verdicts.
std::string prevention(const QueueOptions& options, const sim::Findings& findings, std::int64_t page_cache_lost);

}  // namespace queue
