// The bank (issue 14's design of its own): what isolation levels do, with no other design in the
// way. One PostgreSQL server ("postgres-1") holds accounts(id, balance), transfers(id, from_id,
// to_id, amount) and doctors(id, ward, on_call); transfer clients (client-N) move money between
// accounts, readers (reader-N) read the total, and two doctors per ward (doctor-N) try to leave
// call at the shift change. After the run the checkers in checks.hpp judge the history and the
// committed state the server holds.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/bank/context.hpp"
#include "models/model.hpp"

namespace bank {

class BankModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override;
  std::vector<std::string> latency_names() const override { return {std::string(transfer_latency)}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;

  const History& history() const { return context_->history; }

private:
  void declare_tables(postgres::Deployment& database) const;
  std::optional<FinalState> final_state() const;

  BankOptions options_;
  std::shared_ptr<Context> context_;
};

/// What would have prevented the first violation in `findings`, for these options.
std::string prevention(const BankOptions& options, const sim::Findings& findings);
/// Transactions by kind and outcome: attempts, commits, retries, errors by SQLSTATE.
sim::Table transaction_table(const History& history);

}  // namespace bank
