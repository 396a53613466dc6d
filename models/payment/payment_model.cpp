#include "models/payment/payment_model.hpp"

#include <fmt/format.h>

#include "models/payment/checks.hpp"
#include "models/payment/payment.hpp"
#include "models/payment/values.hpp"
#include "models/postgres/server/server.hpp"
#include "sim/kernel/assert.hpp"

std::unique_ptr<sim::Model> make_payment_model() { return std::make_unique<payment::PaymentModel>(); }

namespace payment {
namespace {

bool boolean(const postgres::Value& value) {
  const auto* b = std::get_if<bool>(&value);
  return b && *b;
}

void read_payments(Context& context) {
  postgres::Server* server = context.pg.server(context.pg.current_primary());
  if (server == nullptr) {
    context.observations.database_down_at_end = true;
    return;
  }
  for (const postgres::Row& row : server->committed_rows("payments"))
    context.observations.payments.push_back(
        PaymentRow{integer(row[0]), integer(row[1]), integer(row[2]), integer(row[3]), text(row[4]), integer(row[5]),
                   integer(row[8]), integer(row[9]), integer(row[10])});
  if (context.options.relay_interval || context.options.publish_after_commit)
    for (const postgres::Row& row : server->committed_rows("outbox"))
      context.observations.outbox.push_back(
          OutboxRow{integer(row[0]), integer(row[1]), text(row[2]), integer(row[3]), boolean(row[4])});
  if (context.options.settlement_interval) {
    for (const postgres::Row& row : server->committed_rows("settlement_lines"))
      context.observations.recorded_lines.push_back(RecordedLine{integer(row[0]), integer(row[5]), boolean(row[6])});
    const sim::Duration interval = *context.options.settlement_interval;
    std::int64_t file = 0;
    for (; sim::Instant::zero() + interval * (file + 1) <= context.observations.end; ++file)
      for (SettlementLine& line : settlement_file(context, file))
        context.observations.settlement.push_back(std::move(line));
    context.observations.open_lines = settlement_file(context, file);
  }
  if (!claims_atomically(context.options.design) || !context.options.refund_after) return;
  for (const postgres::Row& row : server->committed_rows("refunds"))
    context.observations.refunds.push_back(
        RefundRow{integer(row[0]), integer(row[1]), integer(row[2]), integer(row[3]), text(row[4])});
}

std::string prevention_of(const PaymentOptions& options, const sim::Findings& findings) {
  const sim::CheckResult* first = sim::earliest_violation(findings.checks);
  if (first == nullptr) return "";
  if (first->name == "param_mismatch_accepted")
    return "store the request's parameters with the key and answer a reuse with other ones with idempotency_error "
           "(design: atomic_claim)";
  if (options.design == Design::redis_setnx || options.redis_store)
    return "keep the idempotency record in the database that holds the payment, claimed in one statement and "
           "finished in the payment's own transaction (design: atomic_claim): Redis acknowledges a write before its "
           "replica has it, so a failover forgets claims and results";
  if (claims_atomically(options.design))
    return "the key was claimed once and the payment id went to the network as its reference; what is left needs "
           "the network's deduplication or a reversal of the extra hold";
  return "claim the key in the database in one statement (INSERT ... ON CONFLICT DO NOTHING), send the payment id "
         "to the network as its reference and store the result in the payment's transaction (design: atomic_claim)";
}

/// The jobs beside the API: the relay and its ledger (or the ledger alone, published to after each
/// commit), the reconciliation job, the key reaper and the back office, each when asked for.
void add_jobs(sim::World& world, const std::shared_ptr<Context>& context) {
  const PaymentOptions& options = context->options;
  if (options.relay_interval) {
    context->observations.relay = true;
    context->relay = world.add_node("relay", {"relay"});
    world.node(context->relay).set_boot([context] { boot_relay(context); });
  }
  if (options.relay_interval || options.publish_after_commit || options.design == Design::ledger) {
    context->observations.two_phase = options.design == Design::ledger;
    context->observations.publish_after_commit = options.publish_after_commit;
    context->ledger = world.add_node("ledger", {"ledger"});
    world.node(context->ledger).set_boot(ledger_boot(context));
  }
  if (options.reconcile_interval) {
    context->reconciler = world.add_node("reconciler", {"reconciler"});
    world.node(context->reconciler).set_boot([context] { boot_reconciler(context); });
  }
  if (options.reaper_interval) {
    context->reaper = world.add_node("reaper", {"reaper"});
    world.node(context->reaper).set_boot([context] { boot_reaper(context); });
  }
  if (options.capture_after) {
    context->backoffice = world.add_node("backoffice", {"backoffice"});
    world.node(context->backoffice).set_boot([context] { boot_backoffice(context); });
  }
  if (options.notifier) {
    context->observations.notifier = true;
    context->notifier = world.add_node("notifier", {"notifier"});
    world.node(context->notifier).set_boot(notifier_boot(context));
  }
}

}  // namespace

std::vector<std::string> PaymentModel::check_names() const {
  return {"duplicate_charge",     "duplicate_authorization", "param_mismatch_accepted",
          "response_consistency", "held_funds_leak",         "in_doubt",
          "over_refund",          "capture_after_expiry",    "saga_incomplete",
          "ledger_balanced",      "ledger_double_post",      "event_lost",
          "invalid_transition",   "contradictory_events",    "unknown_age_max",
          "ledger_matches_network", "duplicate_notification", "notification_lost", "over_capture"};
}

void PaymentModel::build(sim::World& world, sim::Duration) {
  SIM_ASSERT(!context_, "the payment model was built twice");
  context_ = std::make_shared<Context>(Context{world,
                                               options_,
                                               postgres::Deployment(options_.postgres),
                                               sim::no_node,
                                               sim::no_node,
                                               sim::no_node,
                                               sim::no_node,
                                               sim::no_node,
                                               sim::no_node,
                                               {},
                                               {},
                                               1,
                                               1,
                                               1,
                                               1,
                                               {},
                                               nullptr});
  context_->observations.auth_validity = options_.auth_validity;
  context_->observations.reconcile_interval = options_.reconcile_interval;
  context_->observations.reconcile_after = options_.reconcile_after;
  context_->observations.settlement_interval = options_.settlement_interval;
  context_->observations.reauthorize = options_.reauthorize;
  declare_tables(context_->pg, options_);
  context_->pg.build(world);
  if (options_.redis_store) {
    context_->redis = std::make_shared<redis::Deployment>(options_.redis, "redis");
    context_->redis->build(world);
  }
  context_->network = world.add_node("network", {"network"});
  world.node(context_->network).set_boot(card_network_boot(context_));
  for (int i = 0; i < options_.api_servers; ++i) {
    context_->api.push_back(world.add_node(options_.api_name(i), {"api"}));
    world.node(context_->api.back()).set_boot([context = context_, i] { boot_api(context, i); });
  }
  for (int i = 0; i < options_.clients; ++i) {
    context_->clients.push_back(world.add_node(options_.client_name(i), {"client"}));
    world.node(context_->clients.back()).set_boot([context = context_, i] { boot_client(context, i); });
  }
  add_jobs(world, context_);
}

sim::Findings judge(const Observations& o) {
  sim::Findings findings;
  findings.checks.push_back(check_duplicate_charge(o));
  findings.checks.push_back(check_duplicate_authorization(o));
  findings.checks.push_back(check_param_mismatch(o));
  findings.checks.push_back(check_response_consistency(o));
  findings.checks.push_back(check_held_funds(o));
  findings.checks.push_back(check_in_doubt(o));
  findings.checks.push_back(check_over_refund(o));
  findings.checks.push_back(check_capture_after_expiry(o));
  findings.checks.push_back(check_saga_incomplete(o));
  findings.checks.push_back(check_ledger_balanced(o));
  findings.checks.push_back(check_ledger_double_post(o));
  findings.checks.push_back(check_event_lost(o));
  findings.checks.push_back(check_invalid_transition(o));
  findings.checks.push_back(check_contradictory_events(o));
  findings.checks.push_back(check_unknown_age(o));
  findings.checks.push_back(check_ledger_matches_network(o));
  findings.checks.push_back(check_duplicate_notification(o));
  findings.checks.push_back(check_notification_lost(o));
  findings.checks.push_back(check_over_capture(o));
  std::size_t errors = 0, conflicts = 0, timeouts = 0;
  for (const Answer& a : o.answers) {
    errors += a.code == 500 ? 1 : 0;
    conflicts += a.code == 409 ? 1 : 0;
    timeouts += a.code == 0 ? 1 : 0;
  }
  findings.measures["orders"] = static_cast<double>(o.orders.size());
  findings.measures["authorizations"] = static_cast<double>(o.authorizations.size());
  findings.measures["spurious_errors"] = static_cast<double>(errors);
  findings.measures["conflicts"] = static_cast<double>(conflicts);
  findings.measures["client_timeouts"] = static_cast<double>(timeouts);
  findings.measures["network_moves"] = static_cast<double>(o.moves.size());
  if (o.reauthorize) findings.measures["reauthorization_alerts"] = static_cast<double>(o.reauthorizations);
  return findings;
}

sim::Table PaymentModel::answer_table() const {
  sim::Table table;
  table.title = "Answers";
  table.columns = {"at", "client", "order", "key", "amount", "attempt", "answer"};
  for (const Answer& a : observations().answers) {
    std::string answer = a.code == 0     ? "timeout"
                         : a.code == 200 ? fmt::format("200 payment {} {} {}", a.payment_id,
                                                       a.approved ? "approved" : "declined", a.answered_amount)
                                         : fmt::format("{} {}", a.code, a.error);
    table.rows.push_back({sim::to_string(a.at - sim::Instant::zero()), fmt::format("client-{}", a.client + 1),
                          std::to_string(a.order), std::to_string(a.key), std::to_string(a.amount),
                          std::to_string(a.attempt), answer});
    if (table.rows.size() >= 50) break;
  }
  return table;
}

sim::Findings PaymentModel::finish(sim::World& world, const sim::FaultActivity& faults) {
  context_->observations.end = world.now();
  context_->observations.faults_healed = faults.last_change;
  context_->observations.faults_open_at_end = faults.open_at_end;
  read_payments(*context_);
  sim::Findings findings = judge(context_->observations);
  // The statements the database servers ran (primary and standbys): the benchmark's floor counts them.
  double statements = 0;
  for (sim::NodeId server : context_->pg.servers())
    statements += static_cast<double>(context_->pg.stats(server).statements);
  findings.measures["statements"] = statements;
  findings.tables.push_back(answer_table());
  findings.prevention = prevention_of(options_, findings);
  return findings;
}

}  // namespace payment
