// The tables the payment designs keep in PostgreSQL. Amounts in minor units; ids and times as
// bigint; a network reference of 0 means none.
#include "models/payment/context.hpp"

namespace payment {

using postgres::Type;

void declare_tables(postgres::Deployment& pg, Design design) {
  postgres::TableSchema payments{"payments",
                                 {{"id", Type::bigint},
                                  {"idem_key", Type::bigint},
                                  {"order_id", Type::bigint},
                                  {"amount", Type::bigint},
                                  {"status", Type::text},
                                  {"network_ref", Type::bigint}},
                                 {"id"},
                                 {}};
  if (design == Design::unique_index) payments.unique_keys.push_back({"idem_key"});
  pg.add_table(payments);
  pg.add_table(postgres::TableSchema{
      "outbox", {{"id", Type::bigint}, {"payment_id", Type::bigint}, {"event", Type::text}}, {"id"}, {}});
  if (design == Design::seed || design == Design::unique_index) {
    // The seed's idempotency_store: get before, set after, nothing claimed between.
    pg.add_table(postgres::TableSchema{
        "idem_cache",
        {{"key", Type::bigint}, {"payment_id", Type::bigint}, {"approved", Type::boolean}, {"amount", Type::bigint}},
        {"key"},
        {}});
  }
  if (design == Design::atomic_claim) {
    // Brandur's idempotency_keys: the request's parameters, its recovery point, its lock and,
    // once finished, its response, all in the primary database.
    pg.add_table(postgres::TableSchema{"idempotency_keys",
                                       {{"key", Type::bigint},
                                        {"amount", Type::bigint},
                                        {"payment_id", Type::bigint},
                                        {"recovery_point", Type::text},
                                        {"locked_at", Type::bigint},
                                        {"approved", Type::boolean}},
                                       {"key"},
                                       {}});
  }
}

}  // namespace payment
