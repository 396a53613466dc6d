// The tables the payment designs keep in PostgreSQL. Amounts in minor units; ids and times as
// bigint; a network reference of 0 means none. A payment's created_at is the inserting API's wall
// clock in ms, as is an idempotency record's (what the key reaper ages it by); a payment's version
// counts the moves made by compare-and-set (atomic_claim; 0 otherwise). `captured` is what the
// capture took (written with CAPTURED), `refunded` the sum of the refunds recorded on it, and
// `refund_claimed` what atomic_claim's refund sagas have claimed of the capture before asking the
// network (the guard that keeps concurrent refunds within it; 0 in the other designs).
#include "models/payment/context.hpp"

namespace payment {

using postgres::Type;

namespace {

/// The design's idempotency records: the seed's cache, atomic_claim's idempotency_keys.
void declare_key_tables(postgres::Deployment& pg, Design design, bool redis_store) {
  if ((design == Design::seed || design == Design::unique_index) && !redis_store) {
    // The seed's idempotency_store: get before, set after, nothing claimed between.
    pg.add_table(postgres::TableSchema{"idem_cache",
                                       {{"key", Type::bigint},
                                        {"payment_id", Type::bigint},
                                        {"approved", Type::boolean},
                                        {"amount", Type::bigint},
                                        {"created_at", Type::bigint}},
                                       {"key"},
                                       {}});
  }
  if (claims_atomically(design)) {
    // Brandur's idempotency_keys: the request's parameters, its recovery point, its lock and,
    // once finished, its response, all in the primary database.
    pg.add_table(postgres::TableSchema{"idempotency_keys",
                                       {{"key", Type::bigint},
                                        {"amount", Type::bigint},
                                        {"payment_id", Type::bigint},
                                        {"recovery_point", Type::text},
                                        {"locked_at", Type::bigint},
                                        {"approved", Type::boolean},
                                        {"created_at", Type::bigint}},
                                       {"key"},
                                       {}});
  }
}

/// The reconciliation job's tables: settlement lines, reversal advices and (design ledger) voids owed.
void declare_job_tables(postgres::Deployment& pg, const PaymentOptions& options) {
  if (options.settlement_interval) {
    // The reconciliation job's record of each settlement line, matched or not.
    pg.add_table(postgres::TableSchema{"settlement_lines",
                                       {{"line_id", Type::bigint},
                                        {"file", Type::bigint},
                                        {"kind", Type::text},
                                        {"auth_id", Type::bigint},
                                        {"payment_id", Type::bigint},
                                        {"amount", Type::bigint},
                                        {"matched", Type::boolean}},
                                       {"line_id"},
                                       {}});
    // The payouts booked: one a settlement file (the network pays each file's net into the bank), recorded
    // with its event so that a restarted job books none twice.
    pg.add_table(postgres::TableSchema{
        "payouts", {{"file", Type::bigint}, {"amount", Type::bigint}}, {"file"}, {}});
  }
  if (options.reversal_advice) {
    // The reconciliation job's reversal advices still owed: written with the payment's FAILED, done
    // once the network answers one.
    pg.add_table(
        postgres::TableSchema{"reversals",
                              {{"payment_id", Type::bigint}, {"idem_key", Type::bigint}, {"done", Type::boolean}},
                              {"payment_id"},
                              {}});
  }
  if (options.design == Design::ledger && options.reconcile_interval) {
    // The ledger design's voids owed: a failed payment's pending transfer, voided after the FAILED commits.
    pg.add_table(postgres::TableSchema{
        "ledger_voids", {{"payment_id", Type::bigint}, {"done", Type::boolean}}, {"payment_id"}, {}});
  }
}

}  // namespace

void declare_tables(postgres::Deployment& pg, const PaymentOptions& options) {
  Design design = options.design;
  postgres::TableSchema payments{"payments",
                                 {{"id", Type::bigint},
                                  {"idem_key", Type::bigint},
                                  {"order_id", Type::bigint},
                                  {"amount", Type::bigint},
                                  {"status", Type::text},
                                  {"network_ref", Type::bigint},
                                  {"created_at", Type::bigint},
                                  {"version", Type::bigint},
                                  {"captured", Type::bigint},
                                  {"refunded", Type::bigint},
                                  {"refund_claimed", Type::bigint}},
                                 {"id"},
                                 {}};
  if (design == Design::unique_index) payments.unique_keys.push_back({"idem_key"});
  // The jobs' lookups: the back office's and the reconciliation job's payments by status, the
  // settlement matching's by the network's authorisation; without them every pass reads the heap.
  payments.indexes = {{"status"}, {"network_ref"}};
  pg.add_table(payments);
  // The transactional outbox: each event with its amount, `sent` once the relay has published it. The
  // relay's poll (WHERE NOT sent ORDER BY id LIMIT 100) reads the index on `sent`: without it the
  // planner walks the primary key from the first event ever, every sent row included, at every poll.
  postgres::TableSchema outbox{"outbox",
                               {{"id", Type::bigint},
                                {"payment_id", Type::bigint},
                                {"event", Type::text},
                                {"amount", Type::bigint},
                                {"sent", Type::boolean}},
                               {"id"},
                               {}};
  outbox.indexes = {{"sent"}};
  pg.add_table(outbox);
  declare_key_tables(pg, design, options.redis_store);
  if (options.order_unique) {
    // P5's fix: one capture an order, whatever key or payment it came under.
    pg.add_table(postgres::TableSchema{
        "captures", {{"order_id", Type::bigint}, {"payment_id", Type::bigint}}, {"order_id"}, {}});
  }
  declare_job_tables(pg, options);
  if (claims_atomically(design) && options.refund_after) {
    // The refund sagas' state: one row a refund, keyed by the payment and the refund's place among its
    // refunds (`seq`, from 1: a second attempt at one refund finds its row); the refund id is the network's
    // reference.
    pg.add_table(postgres::TableSchema{"refunds",
                                       {{"payment_id", Type::bigint},
                                        {"refund_id", Type::bigint},
                                        {"auth_id", Type::bigint},
                                        {"amount", Type::bigint},
                                        {"step", Type::text},
                                        {"seq", Type::bigint}},
                                       {"payment_id", "seq"},
                                       {}});
  }
}

postgres::Statement outbox_row(Context& context, std::int64_t payment_id, const char* event, std::int64_t amount) {
  return postgres::Insert{
      "outbox", {{context.next_event++, payment_id, std::string(event), amount, false}}, std::nullopt, false};
}

}  // namespace payment

namespace payment {

void note_transition(Context& context, sim::NodeId node, std::int64_t payment_id, const std::string& status,
                     const std::string& event) {
  context.observations.transitions.push_back(
      Transition{context.world.now(), payment_id, status, event, context.world.node(node).name()});
}

}  // namespace payment
