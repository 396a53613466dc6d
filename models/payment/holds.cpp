// The reconciliation job's adoption of holds (adopt_holds, with network_reference: key). A database
// that lost acknowledged commits (an asynchronous standby promoted after the primary's stream
// stopped) forgets payments whose holds stay on the cards: no payment row records them and no
// retry comes for a client that had its 200. The network still knows each hold and the reference
// it came with, here the idempotency key, which outlives the database. At each pass the job reads
// the network's authorisation report from the last authorisation it read, and for each approved
// hold still open and at least reconcile_after old: a payment recording it (network_ref, indexed)
// or a row claiming its key (a payment under way or in doubt, which the processor or the job's
// status query resolves) leaves it alone; otherwise one transaction claims the key, finished,
// with ON CONFLICT DO NOTHING RETURNING (a retry that claimed it meanwhile wins), and writes the
// payment AUTHORIZED with the hold's authorisation, order and amount, and its created and
// authorised events. A database error ends the pass; the next one reads the report again from the
// first hold not yet examined.
#include <fmt/format.h>

#include <algorithm>

#include "models/payment/context.hpp"
#include "models/payment/database.hpp"
#include "models/postgres/server/client.hpp"

namespace payment {
namespace {

using postgres::Reply;
using postgres::Statement;
namespace where = postgres::where;

std::int64_t job_now_ms(const Context& context) {
  const sim::World& world = context.world;
  return world.node(context.reconciler).clock().wall(world.now()).unix_ms();
}

/// Whether the hold is accounted for: a payment records it, or its key is claimed. None: the database
/// did not answer.
sim::Task<std::optional<bool>> accounted_for(postgres::Connection& db, const HoldLine& hold) {
  Reply recorded = co_await db.execute(select("payments", where::eq("network_ref", hold.auth_id)));
  if (!recorded.ok()) co_return std::nullopt;
  if (!recorded.rows().empty()) co_return true;
  Reply claimed = co_await db.execute(select("idempotency_keys", where::eq("key", hold.reference)));
  if (!claimed.ok()) co_return std::nullopt;
  co_return !claimed.rows().empty();
}

/// Adopts the hold unless it is accounted for; false when the database failed (the pass stops).
sim::Task<bool> adopt(Context& context, postgres::Connection& db, const HoldLine& hold) {
  std::optional<bool> known = co_await accounted_for(db, hold);
  if (!known) co_return false;
  if (*known) co_return true;
  std::int64_t id = context.next_payment++;
  std::int64_t now = job_now_ms(context);
  postgres::OnConflict nothing{{"key"}, false, {}, where::always()};
  std::vector<Statement> claim = steps(
      postgres::Begin{},
      postgres::Insert{"idempotency_keys",
                       {{hold.reference, hold.amount, id, std::string("finished"), std::int64_t{0}, true, now}},
                       nothing,
                       true});
  std::vector<Reply> replies;
  if (!co_await run_all(db, std::move(claim), replies)) co_return false;
  if (replies[1].rows().empty()) {  // a retry claimed the key meanwhile: its payment, not ours
    Statement rollback = postgres::Rollback{};
    Reply ended = co_await db.execute(std::move(rollback));
    co_return ended.ok();
  }
  std::vector<Statement> write =
      steps(postgres::Insert{"payments",
                             {{id, hold.reference, hold.order, hold.amount, std::string("AUTHORIZED"), hold.auth_id,
                               now, std::int64_t{1}, std::int64_t{0}, std::int64_t{0}, std::int64_t{0}}},
                             std::nullopt,
                             false},
            outbox_row(context, id, "payment.created", hold.amount),
            outbox_row(context, id, "payment.authorized", hold.amount), postgres::Commit{});
  if (!co_await run_all(db, std::move(write), replies)) co_return false;
  context.world.trace().record(context.world.now(), context.reconciler, "payment.adopted",
                               fmt::format("payment={} auth={} key={} amount={}", id, hold.auth_id, hold.reference,
                                           hold.amount));
  note_transition(context, context.reconciler, id, "PENDING", "payment.created");
  note_transition(context, context.reconciler, id, "AUTHORIZED", "payment.authorized");
  co_return true;
}

}  // namespace

sim::Task<void> adopt_holds(Context& context, postgres::Connection& db, sim::Executor ex, std::int64_t& cursor) {
  auto call = std::make_shared<NetRequest>();
  call->op = NetRequest::Op::holds;
  call->reference = cursor;
  std::optional<NetResponse> report =
      co_await ask_network(context, ex, std::move(call), context.options.status_timeout);
  if (!report) co_return;  // no answer: the next pass asks again
  for (const HoldLine& hold : report->holds) {
    if (hold.age < context.options.reconcile_after) {
      cursor = hold.auth_id - 1;  // this one and those after it: a later pass
      co_return;
    }
    if (hold.open && !co_await adopt(context, db, hold)) co_return;
    cursor = hold.auth_id;
  }
  cursor = std::max(cursor, report->auth_id);
}

}  // namespace payment
