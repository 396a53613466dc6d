// The task scheduler model (problem 4): scheduler nodes sched-1 .. sched-N elect a leader that
// fires cron ticks and moves due delayed tasks into the ready queue; workers worker-1 .. worker-M
// pull from it and write each task's effect to the sink. Nodes: "queue" (the SQS-like ready
// queue), "sink", "store" (lease record, schedule status, fire records), "client" (submits the
// delayed tasks), the Redis deployment "redis-0" (delay queue, redis election) and the etcd
// members "etcd-1" .. "etcd-3" (etcd election). After the run the checkers in checks.hpp judge
// the observations.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/scheduler/context.hpp"
#include "models/scheduler/options.hpp"

namespace scheduler {

class SchedulerModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override;
  std::vector<std::string> latency_names() const override { return {}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  const Observations& observations() const { return context_->observations; }

private:
  void build_services(sim::World& world);
  void watch_crashes(sim::World& world);
  sim::Table task_table() const;

  SchedulerOptions options_;
  std::shared_ptr<Context> context_;
};

/// What would have prevented the first violation in `findings`, for this design.
std::string prevention(const SchedulerOptions& options, const sim::Findings& findings);

}  // namespace scheduler
