#include "models/bank/bank_model.hpp"

#include "models/bank/bank.hpp"
#include "models/bank/checks.hpp"
#include "models/bank/clients.hpp"
#include "models/bank/session.hpp"
#include "models/postgres/server/server.hpp"
#include "sim/kernel/assert.hpp"

std::unique_ptr<sim::Model> make_bank_model() { return std::make_unique<bank::BankModel>(); }

namespace bank {

void BankModel::configure(sim::ParamReader& params) { options_ = read_options(params); }

std::vector<std::string> BankModel::check_names() const { return bank::check_names(); }

void BankModel::declare_tables(postgres::Deployment& database) const {
  using postgres::Type;
  std::vector<postgres::Row> accounts;
  for (int a = 1; a <= options_.accounts; ++a) accounts.push_back({std::int64_t{a}, options_.initial_balance});
  database.add_table({"accounts", {{"id", Type::integer}, {"balance", Type::bigint}}, {"id"}, {}}, accounts);
  database.add_table(
      {"transfers",
       {{"id", Type::bigint}, {"from_id", Type::integer}, {"to_id", Type::integer}, {"amount", Type::bigint}},
       {"id"},
       {}});
  std::vector<postgres::Row> doctors;
  for (int d = 0; d < 2 * options_.wards; ++d)
    doctors.push_back({std::int64_t{d + 1}, std::int64_t{d / 2}, std::int64_t{1}});
  database.add_table(
      {"doctors", {{"id", Type::integer}, {"ward", Type::integer}, {"on_call", Type::integer}}, {"id"}, {}}, doctors);
}

void BankModel::build(sim::World& world, sim::Duration) {
  SIM_ASSERT(!context_, "the bank model was built twice");
  context_ = std::make_shared<Context>(Context{world, options_, nullptr, {}});
  context_->history.accounts = options_.accounts;
  context_->history.initial_balance = options_.initial_balance;
  context_->history.wards = options_.wards;
  context_->database = std::make_shared<postgres::Deployment>(options_.postgres);
  declare_tables(*context_->database);
  context_->database->build(world);
  auto add = [&](const std::string& name, const char* role,
                 void (*boot)(const std::shared_ptr<Context>&, sim::NodeId, int), int index) {
    sim::NodeId node = world.add_node(name, {role});
    world.node(node).set_boot([context = context_, node, boot, index] { boot(context, node, index); });
  };
  for (int i = 0; i < options_.clients; ++i) add(options_.client_name(i), "client", &boot_transfer_client, i);
  for (int i = 0; i < options_.readers; ++i) add(options_.reader_name(i), "reader", &boot_reader, i);
  for (int i = 0; i < 2 * options_.wards; ++i) add(options_.doctor_name(i), "doctor", &boot_doctor, i);
}

std::optional<FinalState> BankModel::final_state() const {
  // After a failover the truth is the promoted server's.
  const postgres::Server* server = context_->database->server(context_->database->current_primary());
  if (!server) return std::nullopt;
  FinalState state;
  for (const postgres::Row& row : server->committed_rows("accounts")) state.balances[integer(row[0])] = integer(row[1]);
  // One transfer a row, read in place: a long run's table is too large to copy beside the state.
  server->visit_committed_rows("transfers", [&](const postgres::Row& row) {
    TransferRecord& t = state.transfers[integer(row[0])];
    t.id = integer(row[0]);
    t.from = static_cast<int>(integer(row[1]));
    t.to = static_cast<int>(integer(row[2]));
    t.amount = integer(row[3]);
  });
  for (const postgres::Row& row : server->committed_rows("doctors")) {
    auto doctor = static_cast<int>(integer(row[0]));
    state.ward_of[doctor] = static_cast<int>(integer(row[1]));
    state.on_call[doctor] = integer(row[2]) != 0;
  }
  return state;
}

sim::Findings BankModel::finish(sim::World&, const sim::FaultActivity&) {
  History& history = context_->history;
  history.final = final_state();
  sim::Findings findings;
  findings.checks.push_back(money_conserved(history));
  findings.checks.push_back(doctor_on_call(history));
  findings.checks.push_back(acknowledged_commits(history));
  findings.checks.push_back(consistent_totals(history));
  findings.tables.push_back(transaction_table(history));
  std::size_t committed = 0, retries = 0, failed = 0, unknown = 0;
  for (const TransferRecord& t : history.transfers) {
    committed += t.outcome == Outcome::committed ? 1 : 0;
    failed += t.outcome == Outcome::failed ? 1 : 0;
    unknown += t.outcome == Outcome::unknown ? 1 : 0;
    retries += static_cast<std::size_t>(t.attempts - 1);
  }
  findings.measures["transfers_committed"] = static_cast<double>(committed);
  findings.measures["transfers_failed"] = static_cast<double>(failed);
  findings.measures["transfers_unknown"] = static_cast<double>(unknown);
  findings.measures["retries"] = static_cast<double>(retries);
  findings.measures["total_reads"] = static_cast<double>(history.reads.size());
  findings.measures["statements"] =
      static_cast<double>(context_->database->stats(context_->database->primary()).statements);
  findings.prevention = prevention(options_, findings);
  return findings;
}

}  // namespace bank
