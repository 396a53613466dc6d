// The payment model (problem 3): clients client-1 .. client-N place card payments through API
// servers api-1 .. api-M, which keep payments, outbox rows and idempotency records in one
// simulated PostgreSQL ("postgres-1") and authorise on the card network ("network"). After the
// run the checkers in checks.hpp judge the network's holds, the clients' answers and the
// payments table.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"
#include "models/payment/context.hpp"
#include "models/payment/options.hpp"

namespace payment {

class PaymentModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override { options_ = read_options(params); }
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override;
  std::vector<std::string> latency_names() const override { return {"payment", "payment_retried", "payment_in_doubt"}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  const Observations& observations() const { return context_->observations; }

private:
  sim::Table answer_table() const;

  PaymentOptions options_;
  std::shared_ptr<Context> context_;
};

/// The findings of a run's observations, as finish() makes them (for tests on hand-made histories).
sim::Findings judge(const Observations& observations);

}  // namespace payment
