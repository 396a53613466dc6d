// The rate limiter model: API servers api-0 .. api-(n-1), each running the limiter in front of
// its API, the users' traffic spread over them by a load balancer, and (for the redis and
// hybrid placements) a Redis deployment holding the shared state. It builds the nodes and the
// load, samples Redis memory each second, and after the run hands its observations to the
// checkers in checks.hpp.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/ratelimiter/checks/decision_stream.hpp"
#include "models/ratelimiter/checks/pictures.hpp"
#include "models/ratelimiter/context.hpp"
#include "models/ratelimiter/load.hpp"
#include "models/ratelimiter/options.hpp"

namespace ratelimiter {

/// The checks, in report order.
const std::vector<std::string>& check_names();

class RateLimiterModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override { return ratelimiter::check_names(); }
  std::vector<std::string> latency_names() const override { return {std::string(limiter_latency)}; }
  void keep_for_pictures() override { keep_history_ = true; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  /// What the run recorded so far (after build).
  const Observations& observations() const { return context_->recorder->observations(); }
  /// The checks' counts of the decisions (after build; final after finish).
  const DecisionStream& decisions() const { return *decisions_; }
  /// Hands each decision to `observer` as it is made, besides the checks (after build).
  void watch(std::shared_ptr<DecisionObserver> observer) { context_->recorder->watch(std::move(observer)); }

private:
  std::vector<sim::NodeId> add_servers(sim::World& world) const;
  void sample_memory();
  void settle_end_figures(sim::World& world);
  sim::Table redis_table() const;

  RateLimiterOptions options_;
  bool configured_ = false;
  std::shared_ptr<Context> context_;
  std::unique_ptr<LoadDriver> driver_;
  std::shared_ptr<DecisionStream> decisions_;
  bool keep_history_ = false;
  std::shared_ptr<ReleaseHistory> history_;  ///< only when the run gathers pictures
};

}  // namespace ratelimiter
