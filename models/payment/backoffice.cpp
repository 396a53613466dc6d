// The merchant's back office ("backoffice", present with capture_after): every
// backoffice_interval it reads the payments waiting for it and
// - captures an AUTHORIZED payment capture_after after it first saw it so (voids it instead when
//   its order was cancelled), or earlier once its hold is within capture_margin of expiring (the
//   capture deadline, judged from the payment's created_at on this node's wall clock); a capture
//   or void refused "expired" makes the payment EXPIRED;
// - refunds a CAPTURED payment in full refund_after after it first saw it so, by its design's
//   refund saga.
// With order_unique (P5's fix, UNIQUE(order_id) on captures) it claims the payment's order in
// `captures` before it captures, and voids instead the hold of a payment whose order another payment
// holds: a retry whose key was pruned is authorised again, never captured again.
// When it first saw a payment in a status is kept in memory: a restart forgets it and waits again.
// One back office handles its due payments one after another, each a network round trip: a few a
// second. With backoffice_workers above 1 it still reads them once a pass, and hands worker k (its
// own connection, on the same node) those whose id mod workers is k, when that worker is idle.
//
// The seed's refund (every design but atomic_claim) is the problem's sketch: T1 the network's
// refund with no reference, T2 one transaction marking the payment REFUNDED with its outbox row
// (the ledger's reversal), T3 the customer's notice. Nothing records that T1 happened, so a crash
// between T1 and T2 leaves the payment CAPTURED and a later pass refunds it again.
// atomic_claim's saga keeps its state in `refunds` (payment_id, refund_id, auth_id, amount,
// step): a row `started` is inserted before T1, the refund id goes to the network as T1's
// reference, T2 moves the row to `refunded` in the payment's transaction, T3 to `finished`, and a
// restart resumes each saga at its step. A refund the network declines is compensated: the row
// becomes `compensated` with a refund.failed event in the same transaction (the payment stays
// CAPTURED, to be refunded by other means) instead of being retried for ever.
// The ledger design (atomic_claim's saga otherwise) books each move in the two-phase ledger before the
// payment's transaction: a capture posts the payment's pending transfer, a void or an expiry voids it, a
// refund is a transfer of its own (sales debited, card_clearing credited), each under an id derived from
// the payment or the refund, so a pass resumed after a crash or a lost answer is answered `exists`.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <map>
#include <set>

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

PaymentRow payment_of(const postgres::Row& row) {
  return PaymentRow{integer(row[0]), integer(row[1]), integer(row[2]), integer(row[3]), text(row[4]), integer(row[5])};
}

RefundRow refund_of(const postgres::Row& row) {
  return RefundRow{integer(row[0]), integer(row[1]), integer(row[2]), integer(row[3]), text(row[4])};
}

/// Whether `order` (client c's j-th: (c + 1) x 1,000,000 + j) is among the cancelled share: the
/// j-th order is when (j x num) / den steps up, so exactly that share of each client's orders.
bool cancelled(std::int64_t order, sim::Ratio share) {
  if (share.num == 0) return false;
  auto j = static_cast<std::uint64_t>(order % 1'000'000);
  return (j * share.num) / share.den > ((j - 1) * share.num) / share.den;
}

Statement select_where(std::string table, postgres::Predicate predicate) {
  return postgres::Select{std::move(table), std::move(predicate), {{"payment_id", false}}, std::nullopt, std::nullopt};
}

/// The payments the back office acts on: AUTHORIZED ones, and CAPTURED ones when it refunds.
Statement waiting_payments(bool refunds) {
  std::vector<postgres::Value> statuses{std::string("AUTHORIZED")};
  if (refunds) statuses.emplace_back(std::string("CAPTURED"));
  return postgres::Select{
      "payments", where::in("status", std::move(statuses)), {{"id", false}}, std::nullopt, std::nullopt};
}

Statement open_sagas() {
  std::vector<postgres::Value> steps{std::string("started"), std::string("refunded")};
  return select_where("refunds", where::in("step", std::move(steps)));
}

/// UPDATE payments SET status = `to` WHERE id AND status = `from` (no guard when `from` is empty).
Statement move_payment(std::int64_t id, const std::string& from, const std::string& to) {
  postgres::Predicate predicate = where::eq("id", id);
  if (!from.empty()) predicate = where::all_of({predicate, where::eq("status", from)});
  return postgres::Update{"payments", {postgres::set_value("status", to)}, predicate, true};
}

Statement move_saga(std::int64_t payment_id, const std::string& from, const std::string& to) {
  return postgres::Update{"refunds",
                          {postgres::set_value("step", to)},
                          where::all_of({where::eq("payment_id", payment_id), where::eq("step", from)}),
                          false};
}

Statement start_saga(const PaymentRow& payment, std::int64_t refund_id) {
  postgres::OnConflict nothing{{"payment_id"}, false, {}, where::always()};
  return postgres::Insert{
      "refunds", {{payment.id, refund_id, payment.network_ref, payment.amount, std::string("started")}}, nothing, true};
}

class BackOffice {
public:
  BackOffice(std::shared_ptr<Context> context, sim::Executor ex) : context_(std::move(context)), ex_(ex) {}

  sim::Task<void> run() {
    for (int k = 0; k < options().backoffice_workers && options().backoffice_workers > 1; ++k)
      workers_.push_back(std::make_shared<BackOffice>(context_, ex_));
    for (;;) {
      co_await sim::sleep(context_->options.backoffice_interval);
      bool up = co_await connected();
      if (up) co_await pass();
    }
  }

private:
  const PaymentOptions& options() const { return context_->options; }
  bool saga() const { return claims_atomically(options().design); }
  sim::NodeId node() const { return context_->backoffice; }

  sim::Task<bool> connected() { return connect(*context_, db_, ex_); }

  /// Runs the statements in order; on the first error rolls back (when the connection stands).
  sim::Task<bool> all(std::vector<Statement> statements) { return run_all(*db_, std::move(statements), replies_); }

  /// The event's outbox row; `event_id` is set to the row's id, which its publication carries.
  Statement outbox(std::int64_t payment_id, std::int64_t amount, const char* event, std::int64_t& event_id) {
    event_id = context_->next_event;
    return outbox_row(*context_, payment_id, event, amount);
  }

  void note(const char* kind, std::string detail) {
    context_->world.trace().record(context_->world.now(), node(), kind, detail);
  }

  /// The last all() committed `event` for the payment, moving it to `status` when the update at
  /// `update` (its index among the statements) returned a row.
  void transition(std::int64_t payment_id, std::size_t update, const std::string& status, const char* event) {
    bool moved = update < replies_.size() && !replies_[update].rows().empty();
    note_transition(*context_, node(), payment_id, moved ? status : "", event);
  }

  sim::Task<std::optional<NetResponse>> network(NetRequest::Op op, const PaymentRow& payment, std::int64_t reference) {
    auto call = std::make_shared<NetRequest>();
    call->op = op;
    call->auth_id = payment.network_ref;
    call->amount = payment.amount;
    call->reference = reference;
    call->payment_id = payment.id;
    call->key = payment.key;
    call->order = payment.order;
    std::optional<NetResponse> answer =
        co_await ask_network(*context_, ex_, std::move(call), options().network_timeout);
    co_return answer;
  }

  /// With capture_margin: whether a hold made at `created_at` (wall ms) is within the margin of
  /// expiring, on this node's wall clock.
  bool past_deadline(std::int64_t created_at) const {
    if (!options().capture_margin) return false;
    sim::World& world = context_->world;
    std::int64_t wall_ms = world.node(node()).clock().wall(world.now()).unix_ms();
    return wall_ms >= created_at + (options().auth_validity - *options().capture_margin).ns() / 1'000'000;
  }

  /// With publish_after_commit: the committed event straight to the ledger, once, its answer not awaited
  /// beyond network_timeout (nothing retries it: at most once).
  sim::Task<void> publish(std::int64_t event_id, std::int64_t payment_id, const char* event, std::int64_t amount) {
    if (!options().publish_after_commit) co_return;
    auto message = std::make_shared<LedgerEvent>();
    message->event_id = event_id;
    message->payment_id = payment_id;
    message->event = event;
    message->amount = amount;
    sim::error_code ec;
    co_await context_->world.rpc().call(ex_, context_->ledger, std::move(message), options().network_timeout,
                                        boost::asio::redirect_error(sim::use_awaitable, ec));
  }

  bool two_phase() const { return options().design == Design::ledger; }
  /// With refund_share below 1 a refund is partial: that share of the payment, PARTIALLY_REFUNDED.
  bool partial() const { return options().refund_share.num != options().refund_share.den; }
  /// A refund's amount: refund_share of what was captured (capture_share of the payment).
  std::int64_t refund_amount(std::int64_t amount) const {
    return share_of(share_of(amount, options().capture_share), options().refund_share);
  }
  std::string refunded_status() const { return partial() ? "PARTIALLY_REFUNDED" : "REFUNDED"; }
  const char* refunded_event() const { return partial() ? "payment.partially_refunded" : "payment.refunded"; }

  /// The ledger design's booking of a capture (the pending transfer posted, at most its amount) or of a
  /// void or an expiry (the pending voided) before the payment's status is committed; false without the
  /// ledger's answer. A refusal (already resolved, expired) is in the ledger's trace and the checks' view.
  sim::Task<bool> book(const PaymentRow& payment, bool captured) {
    auto request = captured ? post_of(payment.id, payment.amount) : void_of(payment.id);
    std::optional<std::string> result = co_await ask_ledger(*context_, ex_, std::move(request));
    co_return result.has_value();
  }

  sim::Task<void> pass();
  sim::Task<std::optional<std::int64_t>> order_holder(const PaymentRow& payment);
  sim::Task<void> handle(PaymentRow payment);
  static sim::Task<void> work(std::shared_ptr<BackOffice> worker, std::vector<PaymentRow> due);
  void forget_others(const std::vector<PaymentRow>& waiting);
  sim::Task<void> settle(PaymentRow payment);
  sim::Task<void> refund_seed(PaymentRow payment);
  sim::Task<void> refund_saga(PaymentRow payment);
  sim::Task<void> advance(RefundRow saga);

  std::shared_ptr<Context> context_;
  sim::Executor ex_;
  std::unique_ptr<postgres::Connection> db_;
  /// With backoffice_workers > 1 (the reader's only): the workers it hands the due payments to, worker k
  /// those whose id mod workers is k, each with a connection of its own; `busy_` while a worker works.
  std::vector<std::shared_ptr<BackOffice>> workers_;
  bool busy_ = false;
  std::vector<Reply> replies_;  ///< the last all()'s replies, in order
  std::map<std::int64_t, std::pair<std::string, sim::Instant>> seen_;  ///< payment -> (status, first seen in it)
};

sim::Task<void> BackOffice::pass() {
  if (saga() && options().refund_after) {
    Reply open = co_await db_->execute(open_sagas());
    if (!open.ok()) co_return;
    std::vector<RefundRow> sagas;
    for (const postgres::Row& row : open.rows()) sagas.push_back(refund_of(row));
    for (RefundRow& saga : sagas) co_await advance(std::move(saga));
  }
  Reply found = co_await db_->execute(waiting_payments(options().refund_after.has_value()));
  if (!found.ok()) co_return;
  std::vector<PaymentRow> payments;
  std::vector<std::int64_t> created_at;  // each payment's, wall ms
  for (const postgres::Row& row : found.rows()) {
    payments.push_back(payment_of(row));
    created_at.push_back(integer(row[6]));
  }
  sim::Instant now = context_->world.now();
  std::vector<std::vector<PaymentRow>> shares(workers_.size());
  for (std::size_t i = 0; i < payments.size(); ++i) {
    PaymentRow& payment = payments[i];
    auto entry = seen_.try_emplace(payment.id, payment.status, now).first;
    if (entry->second.first != payment.status) entry->second = std::make_pair(payment.status, now);
    sim::Duration waited = now - entry->second.second;
    bool due =
        (payment.status == "AUTHORIZED" && (waited >= *options().capture_after || past_deadline(created_at[i]))) ||
        (payment.status == "CAPTURED" && options().refund_after && waited >= *options().refund_after);
    if (due && !workers_.empty())
      shares[static_cast<std::size_t>(payment.id) % workers_.size()].push_back(std::move(payment));
    else if (due)
      co_await handle(std::move(payment));
    if (!db_->is_open()) co_return;
  }
  forget_others(payments);
  for (std::size_t k = 0; k < workers_.size(); ++k)
    if (!workers_[k]->busy_ && !shares[k].empty()) {
      workers_[k]->busy_ = true;
      sim::spawn(ex_, work(workers_[k], std::move(shares[k])));
    }
}

// With order_unique: claims the payment's order in `captures` (INSERT ... ON CONFLICT DO NOTHING), and
// answers the payment that holds it, this one or another; none when the database failed. A pass resumed
// after a crash finds its own claim.
sim::Task<std::optional<std::int64_t>> BackOffice::order_holder(const PaymentRow& payment) {
  postgres::OnConflict nothing{{"order_id"}, false, {}, where::always()};
  Statement claim = postgres::Insert{"captures", {{payment.order, payment.id}}, nothing, true};
  Reply claimed = co_await db_->execute(std::move(claim));
  if (!claimed.ok()) co_return std::nullopt;
  if (!claimed.rows().empty()) co_return payment.id;
  Statement read = postgres::Select{"captures", where::eq("order_id", payment.order), {}, std::nullopt, std::nullopt};
  Reply held = co_await db_->execute(std::move(read));
  if (!held.ok() || held.rows().empty()) co_return std::nullopt;
  co_return integer(held.rows().front()[1]);
}

// A due payment: captured or voided when AUTHORIZED, refunded by the design's refund when CAPTURED.
sim::Task<void> BackOffice::handle(PaymentRow payment) {
  if (payment.status == "AUTHORIZED")
    co_await settle(std::move(payment));
  else if (saga())
    co_await refund_saga(std::move(payment));
  else
    co_await refund_seed(std::move(payment));
}

// A worker's share of a pass, one payment after another, on its own connection.
sim::Task<void> BackOffice::work(std::shared_ptr<BackOffice> worker, std::vector<PaymentRow> due) {
  if (co_await worker->connected())
    for (PaymentRow& payment : due) {
      co_await worker->handle(std::move(payment));
      if (!worker->db_->is_open()) break;
    }
  worker->busy_ = false;
}

// A payment no longer waiting is forgotten, as one seen in another status would be: should it wait
// again (a failover's lost commit), its wait starts over either way.
void BackOffice::forget_others(const std::vector<PaymentRow>& waiting) {
  std::set<std::int64_t> ids;
  for (const PaymentRow& payment : waiting) ids.insert(payment.id);
  std::erase_if(seen_, [&](const auto& entry) { return !ids.contains(entry.first); });
}

// Capture (or void, for a cancelled order) and the payment's new status with its event.
sim::Task<void> BackOffice::settle(PaymentRow payment) {
  bool cancel = cancelled(payment.order, options().cancels);
  if (!cancel && options().order_unique) {
    std::optional<std::int64_t> holder = co_await order_holder(payment);
    if (!holder) co_return;  // the database failed: the next pass claims again
    if (*holder != payment.id) {
      note("payment.order_captured_already", fmt::format("payment={} order={} captured as payment {}: its hold voided",
                                                         payment.id, payment.order, *holder));
      cancel = true;
    }
  }
  if (!cancel) payment.amount = share_of(payment.amount, options().capture_share);  // a partial capture: less
  NetRequest::Op op = cancel ? NetRequest::Op::void_auth : NetRequest::Op::capture;
  std::optional<NetResponse> net = co_await network(op, payment, 0);
  if (!net) co_return;  // no answer: the next pass asks again
  const char* done = cancel ? "already_voided" : "already_captured";
  std::string status = cancel ? "VOIDED" : "CAPTURED";
  const char* event = cancel ? "payment.voided" : "payment.captured";
  if (net->refusal == "expired") {
    status = "EXPIRED";
    event = "payment.expired";
  } else if (!net->refusal.empty() && net->refusal != done) {
    note("payment.settle_refused", fmt::format("payment={} {}", payment.id, net->refusal));
    co_return;
  }
  if (two_phase() && !co_await book(payment, status == "CAPTURED")) co_return;  // the next pass books it again
  std::int64_t event_id = 0;
  std::vector<Statement> update = steps(postgres::Begin{}, move_payment(payment.id, "AUTHORIZED", status),
                                        outbox(payment.id, payment.amount, event, event_id), postgres::Commit{});
  bool stored = co_await all(std::move(update));
  if (!stored) co_return;
  note("payment.status", fmt::format("payment={} {}", payment.id, status));
  transition(payment.id, 1, status, event);
  co_await publish(event_id, payment.id, event, payment.amount);
}

sim::Task<void> BackOffice::refund_seed(PaymentRow payment) {
  payment.amount = refund_amount(payment.amount);
  // T1: the network's refund, with no reference.
  std::optional<NetResponse> net = co_await network(NetRequest::Op::refund, payment, 0);
  if (!net || !net->refusal.empty()) co_return;  // the next pass refunds again
  // T2: the payment and the ledger's reversal event.
  std::int64_t event_id = 0;
  std::string status = refunded_status();
  std::vector<Statement> update =
      steps(postgres::Begin{}, move_payment(payment.id, "", status),
            outbox(payment.id, payment.amount, refunded_event(), event_id), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return;
  note("payment.status", fmt::format("payment={} {}", payment.id, status));
  transition(payment.id, 1, status, refunded_event());
  co_await publish(event_id, payment.id, refunded_event(), payment.amount);
  // T3: the notice.
  note("payment.refund_notified", fmt::format("payment={}", payment.id));
}

sim::Task<void> BackOffice::refund_saga(PaymentRow payment) {
  payment.amount = refund_amount(payment.amount);  // the saga's row keeps the refund's amount
  Reply started = co_await db_->execute(start_saga(payment, context_->next_refund++));
  if (!started.ok() || started.rows().empty()) co_return;  // a saga exists: resumed from its row, or ended
  co_await advance(refund_of(started.rows().front()));
}

sim::Task<void> BackOffice::advance(RefundRow saga) {
  if (saga.step == "started") {
    PaymentRow payment{saga.payment_id, 0, 0, saga.amount, "CAPTURED", saga.auth_id};
    std::optional<NetResponse> net = co_await network(NetRequest::Op::refund, payment, saga.refund_id);
    if (!net) co_return;  // resumed on the next pass with the same reference
    if (!net->refusal.empty()) {
      std::int64_t event_id = 0;  // the relay publishes it, if there is one
      std::vector<Statement> compensate =
          steps(postgres::Begin{}, move_saga(saga.payment_id, "started", "compensated"),
                outbox(saga.payment_id, saga.amount, "refund.failed", event_id), postgres::Commit{});
      bool compensated = co_await all(std::move(compensate));
      if (!compensated) co_return;
      note("payment.refund_compensated", fmt::format("payment={} {}", saga.payment_id, net->refusal));
      transition(saga.payment_id, replies_.size(), "", "refund.failed");
      co_return;
    }
    // The ledger design books the refund itself, its transfer id the refund's: resumed, it is answered `exists`.
    if (two_phase() &&
        !co_await ask_ledger(*context_, ex_, refund_transfer_of(saga.refund_id, saga.payment_id, saga.amount)))
      co_return;
    std::int64_t event_id = 0;
    std::string status = refunded_status();
    std::vector<Statement> record =
        steps(postgres::Begin{}, move_saga(saga.payment_id, "started", "refunded"),
              move_payment(saga.payment_id, "CAPTURED", status),
              outbox(saga.payment_id, saga.amount, refunded_event(), event_id), postgres::Commit{});
    if (!co_await all(std::move(record))) co_return;
    note("payment.status", fmt::format("payment={} {}", saga.payment_id, status));
    transition(saga.payment_id, 2, status, refunded_event());
    co_await publish(event_id, saga.payment_id, refunded_event(), saga.amount);
    saga.step = "refunded";
  }
  if (saga.step != "refunded") co_return;
  note("payment.refund_notified", fmt::format("payment={}", saga.payment_id));
  Reply finished = co_await db_->execute(move_saga(saga.payment_id, "refunded", "finished"));
  (void)finished;  // a lost reply: the next pass notifies again (at least once)
}

sim::Task<void> run_backoffice(std::shared_ptr<Context> context) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  BackOffice office(std::move(context), ex);
  co_await office.run();
}

}  // namespace

void boot_backoffice(const std::shared_ptr<Context>& context) {
  sim::spawn(context->world.executor(context->backoffice), run_backoffice(context));
}

}  // namespace payment
