// The key reaper ("reaper", present with reaper_interval): every reaper_interval it deletes the
// idempotency records (the seed's cache entries, atomic_claim's idempotency_keys rows) whose
// created_at is more than key_retention behind "now": the seed's cache TTL of 24 h, Stripe's
// keys "pruned after they're at least 24 hours old", Brandur's reaper. A retry whose key was
// deleted is a new request, whatever the design (reference §1.5, P5).
//
// Which "now": with reaper_clock own (the seed's default) the reaper's own wall clock, so a step
// of that clock prunes records early; with reaper_clock database (atomic_claim's default) the
// database server's clock_timestamp(), read before each pass, as a DELETE ... WHERE created_at <
// now() - interval would judge. created_at is written by the API servers' wall clocks, which
// agree with the database's unless a fault moves them.
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "models/payment/context.hpp"
#include "models/payment/database.hpp"
#include "models/payment/values.hpp"
#include "models/postgres/server/client.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace payment {
namespace {

using postgres::Reply;
using postgres::Statement;
namespace where = postgres::where;

Statement prune(const std::string& table, std::int64_t cutoff_ms) {
  return postgres::Delete{table, where::lt("created_at", cutoff_ms), true};
}

/// "Now" in Unix ms as this design's reaper reads it; none: the database did not answer.
sim::Task<std::optional<std::int64_t>> now_ms(const std::shared_ptr<Context>& context, postgres::Connection& db) {
  sim::World& world = context->world;
  if (!context->options.reaper_on_database_clock)
    co_return world.node(context->reaper).clock().wall(world.now()).unix_ms();
  Reply stamp = co_await db.clock_timestamp();
  if (!stamp.ok()) co_return std::nullopt;
  co_return postgres::timestamp_of(stamp) / 1000;
}

void record(Context& context, const Reply& deleted) {
  sim::World& world = context.world;
  for (const postgres::Row& row : deleted.rows())
    context.observations.pruned.emplace_back(world.now(), integer(row[0]));
  world.trace().record(world.now(), context.reaper, "payment.keys_pruned",
                       fmt::format("{} idempotency records", deleted.rows().size()));
}

sim::Task<void> run_reaper(std::shared_ptr<Context> context) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  const PaymentOptions& options = context->options;
  const std::string table = claims_atomically(options.design) ? "idempotency_keys" : "idem_cache";
  std::unique_ptr<postgres::Connection> db;
  for (;;) {
    co_await sim::sleep(*options.reaper_interval);
    bool up = co_await connect(*context, db, ex);
    if (!up) continue;
    std::optional<std::int64_t> now = co_await now_ms(context, *db);
    if (!now) continue;
    Statement statement = prune(table, *now - options.key_retention.ns() / 1'000'000);
    Reply deleted = co_await db->execute(std::move(statement));
    if (deleted.ok() && !deleted.rows().empty()) record(*context, deleted);
  }
}

}  // namespace

void boot_reaper(const std::shared_ptr<Context>& context) {
  sim::spawn(context->world.executor(context->reaper), run_reaper(context));
}

}  // namespace payment
