// The reconciliation job ("reconciler", present with reconcile_interval): every
// reconcile_interval it reads the payments in doubt (PENDING, UNKNOWN) in id order and takes up
// each whose created_at is at least reconcile_after behind its own wall clock. It asks the card
// network for the status of the payment's reference (its id) over its own link, so a partition
// or a lost reply between it and the network leaves it without the network's answer.
//
// The seed's job (every design but atomic_claim) is the problem's "reconciliation job will
// resolve": a payment without the network's answer, or that the network cannot match (the seed
// never sent it a reference), is failed past the threshold: UPDATE payments SET status = 'FAILED'
// WHERE id, with no status guard, and a payment.failed event. An API still waiting for the
// network's reply then sets AUTHORIZED over it (B8): FAILED, then AUTHORIZED.
//
// atomic_claim's job never fails a payment without the network's answer. It moves the payment
// PENDING -> UNKNOWN by compare-and-set on (status, version), asks the network, and on an answer
// moves it UNKNOWN -> AUTHORIZED or FAILED by compare-and-set, with its event and the
// idempotency key's result (recovery point finished) in the same transaction; with no answer the
// payment stays UNKNOWN for the next pass. "Not found" is the network's answer that it never saw
// the reference: FAILED. An authorisation still travelling to the network (a client's retry
// resumed the claim) would be approved after that and hold funds no payment records; with
// reversal_advice (atomic_claim's default) the job writes a reversal owed in the FAILED
// transaction and sends the network a reversal advice by reference, at once and at every pass
// until one is answered: the network releases a hold placed meanwhile and, deduplicating by
// reference, declines the late authorisation. With settlement_interval it then matches the
// network's settlement files (settlement.cpp). The ledger design's job (atomic_claim's otherwise)
// voids the payment's pending transfer after it failed it, never before: the compare-and-set decides,
// and a void made before it could release the reservation of a payment a resumed retry then
// authorises (the ledger answers that retry's pending `exists` either way). The void owed is a
// `ledger_voids` row written in the FAILED's transaction, sent at once and again at each pass until
// the ledger answers.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "models/payment/context.hpp"
#include "models/payment/database.hpp"
#include "models/payment/two_phase.hpp"
#include "models/payment/values.hpp"
#include "models/postgres/server/client.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace payment {
namespace {

using postgres::Reply;
using postgres::Statement;
namespace where = postgres::where;

/// A payment in doubt as the job reads it.
struct Doubt {
  std::int64_t id = 0;
  std::int64_t key = 0;
  std::int64_t amount = 0;
  std::string status;
  std::int64_t created_at = 0;  ///< the inserting API's wall clock, ms
  std::int64_t version = 0;
};

Statement payments_in_doubt() {
  std::vector<postgres::Value> statuses{std::string("PENDING"), std::string("UNKNOWN")};
  return postgres::Select{
      "payments", where::in("status", std::move(statuses)), {{"id", false}}, std::nullopt, std::nullopt};
}

/// The seed's move: no status guard.
Statement set_unguarded(std::int64_t id, const std::string& to, std::int64_t network_ref) {
  std::vector<postgres::Assignment> set{postgres::set_value("status", to)};
  if (network_ref != 0) set.push_back(postgres::set_value("network_ref", network_ref));
  return postgres::Update{"payments", std::move(set), where::eq("id", id), true};
}

/// atomic_claim's move: only over the (status, version) read; RETURNING tells whether it moved.
Statement cas(const Doubt& doubt, const std::string& to, std::int64_t network_ref) {
  std::vector<postgres::Assignment> set{postgres::set_value("status", to),
                                        postgres::set_value("version", doubt.version + 1)};
  if (network_ref != 0) set.push_back(postgres::set_value("network_ref", network_ref));
  return postgres::Update{"payments", std::move(set),
                          where::all_of({where::eq("id", doubt.id), where::eq("status", doubt.status),
                                         where::eq("version", doubt.version)}),
                          true};
}

/// A reversal advice still owed: the payment failed as unseen by the network.
struct Owed {
  std::int64_t id = 0;
  std::int64_t key = 0;
};

Statement reversals_owed() {
  return postgres::Select{"reversals", where::eq("done", false), {{"payment_id", false}}, std::nullopt, std::nullopt};
}

/// The ledger design's voids still owed: written with the payment's FAILED, done once the ledger answers.
Statement voids_owed() {
  return postgres::Select{"ledger_voids", where::eq("done", false), {{"payment_id", false}}, std::nullopt,
                          std::nullopt};
}

Statement void_done(std::int64_t id) {
  return postgres::Update{"ledger_voids", {postgres::set_value("done", true)}, where::eq("payment_id", id), false};
}

Statement reversal_done(std::int64_t id) {
  return postgres::Update{"reversals", {postgres::set_value("done", true)}, where::eq("payment_id", id), false};
}

/// The idempotency key's result, as the API would have stored it.
Statement finish_key(const Doubt& doubt, bool approved) {
  return postgres::Update{
      "idempotency_keys",
      {postgres::set_value("recovery_point", std::string("finished")), postgres::set_value("approved", approved),
       postgres::set_value("locked_at", std::int64_t{0})},
      where::all_of({where::eq("key", doubt.key), where::eq("payment_id", doubt.id)}),
      false};
}

class Reconciler {
public:
  Reconciler(std::shared_ptr<Context> context, sim::Executor ex) : context_(std::move(context)), ex_(ex) {}

  sim::Task<void> run() {
    for (;;) {
      co_await sim::sleep(*options().reconcile_interval);
      bool up = co_await connected();
      if (up) co_await pass();
      if (up && db_->is_open() && options().settlement_interval)
        co_await reconcile_settlement(*context_, *db_, ex_, next_file_);
    }
  }

private:
  const PaymentOptions& options() const { return context_->options; }
  sim::NodeId node() const { return context_->reconciler; }
  bool fixed() const { return claims_atomically(options().design); }

  std::int64_t now_ms() const {
    sim::World& world = context_->world;
    return world.node(node()).clock().wall(world.now()).unix_ms();
  }

  sim::Task<bool> connected() { return connect(*context_, db_, ex_); }

  /// Runs the statements in order; on the first error rolls back (when the connection stands).
  /// Returns whether all succeeded and the statement at `moved` returned a row.
  sim::Task<bool> all(std::vector<Statement> statements, std::size_t moved) {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      Reply reply = co_await db_->execute(std::move(statements[i]));
      bool ok = reply.ok() && (i != moved || !reply.rows().empty());
      if (ok) continue;
      if (!reply.broken && db_->is_open()) co_await rollback();
      co_return false;
    }
    co_return true;
  }
  sim::Task<Reply> rollback() { return db_->execute(Statement(postgres::Rollback{})); }

  void moved(const Doubt& doubt, const std::string& status, const char* event, const std::string& why) {
    context_->world.trace().record(context_->world.now(), node(), "payment.reconciled",
                                   fmt::format("payment={} {} ({})", doubt.id, status, why));
    note_transition(*context_, node(), doubt.id, status, event);
  }

  /// The network's answer to `op` (a status query, a reversal advice) for the payment's reference
  /// (its id, or its key with network_reference: key); none: no answer within status_timeout.
  sim::Task<std::optional<NetResponse>> ask(NetRequest::Op op, std::int64_t id, std::int64_t key) {
    auto call = std::make_shared<NetRequest>();
    call->op = op;
    call->reference = options().reference_of(id, key);
    call->payment_id = id;
    call->key = key;
    std::optional<NetResponse> answer = co_await ask_network(*context_, ex_, std::move(call), options().status_timeout);
    co_return answer;
  }
  sim::Task<std::optional<NetResponse>> status_of(const Doubt& doubt) {
    return ask(NetRequest::Op::status, doubt.id, doubt.key);
  }

  sim::Task<void> pass();
  sim::Task<void> reverse_owed();
  sim::Task<void> void_owed();
  sim::Task<void> void_reservation(std::int64_t id);
  sim::Task<void> reverse(Owed owed);
  sim::Task<void> resolve_seed(Doubt doubt);
  sim::Task<void> resolve_fixed(Doubt doubt);

  std::shared_ptr<Context> context_;
  sim::Executor ex_;
  std::unique_ptr<postgres::Connection> db_;
  std::int64_t next_file_ = 0;  ///< the first settlement file not yet matched (a restart starts again at 0)
  std::int64_t adopted_through_ = 0;  ///< adopt_holds: the network's authorisations read so far (a restart reads again)
};

sim::Task<void> Reconciler::pass() {
  Reply found = co_await db_->execute(payments_in_doubt());
  if (!found.ok()) co_return;
  std::vector<Doubt> doubts;
  for (const postgres::Row& row : found.rows())
    doubts.push_back(
        Doubt{integer(row[0]), integer(row[1]), integer(row[3]), text(row[4]), integer(row[6]), integer(row[7])});
  std::int64_t threshold = options().reconcile_after.ns() / 1'000'000;
  for (Doubt& doubt : doubts) {
    if (now_ms() - doubt.created_at < threshold) continue;
    if (fixed())
      co_await resolve_fixed(std::move(doubt));
    else
      co_await resolve_seed(std::move(doubt));
    if (!db_->is_open()) co_return;
  }
  if (options().reversal_advice) co_await reverse_owed();
  if (options().design == Design::ledger) co_await void_owed();
  if (options().adopt_holds && db_->is_open()) co_await adopt_holds(*context_, *db_, ex_, adopted_through_);
}

sim::Task<void> Reconciler::void_owed() {
  Reply owed = co_await db_->execute(voids_owed());
  if (!owed.ok()) co_return;
  std::vector<std::int64_t> list;
  for (const postgres::Row& row : owed.rows()) list.push_back(integer(row[0]));
  for (std::int64_t id : list) {
    co_await void_reservation(id);
    if (!db_->is_open()) co_return;
  }
}

/// Voids the failed payment's pending transfer; once the ledger answers, the void is no longer owed.
sim::Task<void> Reconciler::void_reservation(std::int64_t id) {
  std::optional<std::string> answer = co_await ask_ledger(*context_, ex_, void_of(id));
  if (!answer) co_return;  // sent again at the next pass
  Reply done = co_await db_->execute(void_done(id));
  (void)done;  // a lost reply: voided again at the next pass, answered exists
}

sim::Task<void> Reconciler::reverse_owed() {
  Reply owed = co_await db_->execute(reversals_owed());
  if (!owed.ok()) co_return;
  std::vector<Owed> list;
  for (const postgres::Row& row : owed.rows()) list.push_back(Owed{integer(row[0]), integer(row[1])});
  for (const Owed& one : list) {
    co_await reverse(one);
    if (!db_->is_open()) co_return;
  }
}

/// Sends the payment's reversal advice; once the network answers, the reversal is no longer owed.
sim::Task<void> Reconciler::reverse(Owed owed) {
  std::optional<NetResponse> answer = co_await ask(NetRequest::Op::reverse, owed.id, owed.key);
  if (!answer) co_return;  // sent again at the next pass
  Reply done = co_await db_->execute(reversal_done(owed.id));
  if (!done.ok()) co_return;
  context_->world.trace().record(
      context_->world.now(), node(), "payment.reversal_answered",
      fmt::format("payment={} {}", owed.id, answer->refusal.empty() ? "done" : answer->refusal));
}

sim::Task<void> Reconciler::resolve_seed(Doubt doubt) {
  std::optional<NetResponse> net = co_await status_of(doubt);
  bool approved = net && net->found && net->approved;
  std::string status = approved ? "AUTHORIZED" : "FAILED";
  const char* event = approved ? "payment.authorized" : "payment.failed";
  std::vector<Statement> update = steps(postgres::Begin{}, set_unguarded(doubt.id, status, approved ? net->auth_id : 0),
                                        outbox_row(*context_, doubt.id, event, doubt.amount), postgres::Commit{});
  bool stored = co_await all(std::move(update), 1);
  if (!stored) co_return;
  moved(doubt, status, event,
        !net          ? "no answer from the network"
        : !net->found ? "the network cannot match it"
                      : "the network's answer");
}

sim::Task<void> Reconciler::resolve_fixed(Doubt doubt) {
  if (doubt.status == "PENDING") {
    std::vector<Statement> mark = steps(cas(doubt, "UNKNOWN", 0));
    bool marked = co_await all(std::move(mark), 0);
    if (!marked) co_return;  // moved meanwhile (the API stored its outcome)
    moved(doubt, "UNKNOWN", "", "in doubt: asking the network");
    doubt.status = "UNKNOWN";
    ++doubt.version;
  }
  std::optional<NetResponse> net = co_await status_of(doubt);
  if (!net) co_return;  // no answer: it stays UNKNOWN for the next pass
  bool approved = net->found && net->approved;
  std::string status = approved ? "AUTHORIZED" : "FAILED";
  const char* event = approved ? "payment.authorized" : "payment.failed";
  bool owe_reversal = !net->found && options().reversal_advice;
  std::vector<Statement> resolve =
      steps(postgres::Begin{}, cas(doubt, status, net->found ? net->auth_id : 0), finish_key(doubt, approved),
            outbox_row(*context_, doubt.id, event, doubt.amount));
  if (owe_reversal)
    resolve.push_back(postgres::Insert{"reversals", {{doubt.id, doubt.key, false}}, std::nullopt, false});
  bool owe_void = !approved && options().design == Design::ledger;
  if (owe_void) resolve.push_back(postgres::Insert{"ledger_voids", {{doubt.id, false}}, std::nullopt, false});
  resolve.push_back(postgres::Commit{});
  bool stored = co_await all(std::move(resolve), 1);
  if (!stored) co_return;
  moved(doubt, status, event, net->found ? "the network's answer" : "the network never saw it");
  if (owe_void) co_await void_reservation(doubt.id);
  if (!owe_reversal) co_return;
  Owed owed{doubt.id, doubt.key};
  co_await reverse(owed);
}

sim::Task<void> run_reconciler(std::shared_ptr<Context> context) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  Reconciler job(std::move(context), ex);
  co_await job.run();
}

}  // namespace

void boot_reconciler(const std::shared_ptr<Context>& context) {
  sim::spawn(context->world.executor(context->reconciler), run_reconciler(context));
}

}  // namespace payment
