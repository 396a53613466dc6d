// The merchant's back office ("backoffice", present with capture_after): every
// backoffice_interval it reads the payments waiting for it and
// - captures an AUTHORIZED payment capture_after after it first saw it so (voids it instead when
//   its order was cancelled), or earlier once its hold is within capture_margin of expiring (the
//   capture deadline, judged from the payment's created_at on this node's wall clock); a capture
//   or void refused "expired" makes the payment EXPIRED; the capture's amount goes into the row
//   (`captured`), which is what the refunds and the settlement matching then read;
// - refunds a CAPTURED payment `refunds` times (the k-th, from 0, due refund_after + k x refund_gap
//   after it first saw the payment refundable), each refund_share of the capture and never more than
//   the row says is left, by its design's refund. Refunds due at one pass are requested together, the
//   first in the pass and each other in a request of its own on its own connection, as separate
//   requests to refund one payment would be.
// - with dispute_evidence_after (atomic_claim, ledger), contests a DISPUTED payment with evidence that
//   long after it first saw it so: DISPUTE_WON (the chargeback reversed) or DISPUTE_LOST as the network
//   decides;
// - with reauthorize (atomic_claim), re-authorises a payment whose capture was refused as expired and
//   captures the new hold, with an alert.
// With order_unique (P5's fix, UNIQUE(order_id) on captures) it claims the payment's order in
// `captures` before it captures, and voids instead the hold of a payment whose order another payment
// holds: a retry whose key was pruned is authorised again, never captured again.
// When it first saw a payment in a status is kept in memory: a restart forgets it and waits again.
// One back office handles its due payments one after another, each a network round trip: a few a
// second. With backoffice_workers above 1 it still reads them once a pass, and hands worker k (its
// own connection, on the same node) those whose id mod workers is k, when that worker is idle.
//
// The seed's refund (every design but atomic_claim) is the problem's sketch: what is left judged on
// the row read at the pass, T1 the network's refund with no reference, T2 one unguarded transaction
// writing the payment's status and its refunded sum (what it read plus this refund) with its outbox row
// (the ledger's reversal), T3 the customer's notice. Nothing records that T1 happened, so a crash
// between T1 and T2 leaves the payment as it was and a later pass refunds it again; and nothing claims
// the amount between the read and T2, so two refunds under way together both pass the check and the
// later T2 overwrites the earlier's sum.
// atomic_claim's saga keeps its state in `refunds`, a row a refund (payment_id, refund_id, auth_id,
// amount, step, seq): its amount is claimed on the payment's row (refund_claimed grows only while it
// stays within the capture, in one UPDATE) in the transaction that inserts the row `started`; the refund
// id goes to the network as T1's reference, T2 moves the row to `refunded` and adds the refund to the
// payment's in one transaction that sets PARTIALLY_REFUNDED or REFUNDED by what is then recorded, T3 moves
// it to `finished`, and a restart resumes each saga at its step. A refund the network declines is
// compensated: the row becomes `compensated`, its claim released, with a refund.failed event in the same
// transaction (the payment keeps its status, to be refunded by other means) instead of being retried for
// ever.
// The ledger design (atomic_claim's saga otherwise) books each move in the two-phase ledger before the
// payment's transaction: a capture posts the payment's pending transfer, a void or an expiry voids it, a
// refund is a transfer of its own (sales debited, card_clearing credited), each under an id derived from
// the payment or the refund, so a pass resumed after a crash or a lost answer is answered `exists`.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <algorithm>
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
  return PaymentRow{integer(row[0]), integer(row[1]), integer(row[2]), integer(row[3]), text(row[4]),
                    integer(row[5]), integer(row[8]), integer(row[9]), integer(row[10])};
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

/// The payments the back office acts on: AUTHORIZED ones, CAPTURED ones when it refunds, and PARTIALLY_REFUNDED
/// ones when it refunds a payment more than once.
Statement waiting_payments(const PaymentOptions& options) {
  std::vector<postgres::Value> statuses{std::string("AUTHORIZED")};
  if (options.refund_after) statuses.emplace_back(std::string("CAPTURED"));
  if (options.refund_after && options.refunds > 1) statuses.emplace_back(std::string("PARTIALLY_REFUNDED"));
  if (options.dispute_evidence_after) statuses.emplace_back(std::string("DISPUTED"));
  return postgres::Select{
      "payments", where::in("status", std::move(statuses)), {{"id", false}}, std::nullopt, std::nullopt};
}

Statement open_sagas() {
  std::vector<postgres::Value> steps{std::string("started"), std::string("refunded")};
  return select_where("refunds", where::in("step", std::move(steps)));
}

/// UPDATE payments SET status = `to` (and `captured` when it captures) WHERE id AND status = `from`.
Statement move_payment(std::int64_t id, const std::string& from, const std::string& to, std::int64_t captured = 0) {
  postgres::Predicate predicate = where::all_of({where::eq("id", id), where::eq("status", from)});
  std::vector<postgres::Assignment> set{postgres::set_value("status", to)};
  if (to == "CAPTURED") set.push_back(postgres::set_value("captured", captured));
  return postgres::Update{"payments", std::move(set), predicate, true};
}

/// The seed's T2: UPDATE payments SET status, refunded = what it read plus its refund WHERE id, no guard (a
/// read-then-write: two refunds that read the same row both write over it).
Statement record_refund_unguarded(const PaymentRow& payment, std::int64_t refunded, const std::string& status) {
  return postgres::Update{"payments",
                          {postgres::set_value("status", status), postgres::set_value("refunded", refunded)},
                          where::eq("id", payment.id),
                          true};
}

/// The saga's claim on the capture: refund_claimed grows by `amount` only while the claims stay within what was
/// captured, in one statement (the row's lock orders two claims; the second sees the first's).
Statement claim_refund(const PaymentRow& payment, std::int64_t amount) {
  std::vector<postgres::Value> refundable{std::string("CAPTURED"), std::string("PARTIALLY_REFUNDED")};
  return postgres::Update{"payments",
                          {postgres::set_add("refund_claimed", amount)},
                          where::all_of({where::eq("id", payment.id), where::in("status", std::move(refundable)),
                                         where::le("refund_claimed", payment.captured - amount)}),
                          true};
}

Statement move_saga(std::int64_t refund_id, const std::string& from, const std::string& to, bool returning = false) {
  return postgres::Update{"refunds",
                          {postgres::set_value("step", to)},
                          where::all_of({where::eq("refund_id", refund_id), where::eq("step", from)}),
                          returning};
}

/// The payment's `seq`-th refund saga (from 1), started: a second attempt at the same refund finds it.
Statement start_saga(const PaymentRow& payment, std::int64_t amount, std::int64_t refund_id, std::int64_t seq) {
  postgres::OnConflict nothing{{"payment_id", "seq"}, false, {}, where::always()};
  return postgres::Insert{
      "refunds", {{payment.id, refund_id, payment.network_ref, amount, std::string("started"), seq}}, nothing, true};
}

Statement select_payment(std::int64_t id) {
  return postgres::Select{"payments", where::eq("id", id), {}, std::nullopt, std::nullopt};
}

/// A refund's status: REFUNDED once the refunds recorded reach the capture, else PARTIALLY_REFUNDED.
std::string refunded_status(std::int64_t refunded, std::int64_t captured) {
  return refunded >= captured ? "REFUNDED" : "PARTIALLY_REFUNDED";
}

const char* refunded_event(const std::string& status) {
  return status == "REFUNDED" ? "payment.refunded" : "payment.partially_refunded";
}

/// A payment due at a pass: its refunds due (0 for a capture or a void) and the place of the first of them.
struct Due {
  PaymentRow payment;
  int refunds = 0;
  std::int64_t seq = 1;
};

/// The back office's refunds under way in requests of their own, by payment (shared by its reader, its
/// workers and its helpers): a payment with some is not taken up again until they end.
using Refunding = std::map<std::int64_t, int>;

class BackOffice {
public:
  BackOffice(std::shared_ptr<Context> context, sim::Executor ex,
             std::shared_ptr<Refunding> refunding = std::make_shared<Refunding>())
      : context_(std::move(context)), ex_(ex), refunding_(std::move(refunding)) {}

  sim::Task<void> run() {
    for (int k = 0; k < options().backoffice_workers && options().backoffice_workers > 1; ++k)
      workers_.push_back(std::make_shared<BackOffice>(context_, ex_, refunding_));
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
  /// Each refund's amount: refund_share of what the payment's row says its capture took.
  std::int64_t refund_each(const PaymentRow& payment) const {
    return share_of(payment.captured, options().refund_share);
  }
  /// How many of its refunds the payment's row shows made: the seed's what it recorded, atomic_claim's what its
  /// sagas claimed; all of them once nothing is left.
  int refunds_made(const PaymentRow& payment) const {
    std::int64_t taken = saga() ? payment.refund_claimed : payment.refunded;
    std::int64_t each = refund_each(payment);
    if (taken >= payment.captured || each <= 0) return options().refunds;
    return static_cast<int>((taken + each - 1) / each);
  }
  /// How many of a payment's refunds are due `waited` after the back office first saw it refundable.
  int refunds_due(sim::Duration waited) const {
    if (!options().refund_after || waited < *options().refund_after) return 0;
    sim::Duration gap = options().refund_gap.value_or(*options().refund_after);
    if (gap == sim::Duration::zero()) return options().refunds;
    return static_cast<int>(std::min<std::int64_t>(options().refunds, 1 + (waited - *options().refund_after) / gap));
  }

  /// The ledger design's booking of a capture (the pending transfer posted, at most its amount) or of a
  /// void or an expiry (the pending voided) before the payment's status is committed; false without the
  /// ledger's answer. A refusal (already resolved, expired) is in the ledger's trace and the checks' view.
  sim::Task<bool> book(const PaymentRow& payment, bool captured) {
    auto request = captured ? post_of(payment.id, payment.amount) : void_of(payment.id);
    std::optional<std::string> result = co_await ask_ledger(*context_, ex_, std::move(request));
    co_return result.has_value();
  }

  sim::Task<void> pass();
  std::optional<Due> due_of(const PaymentRow& payment, std::int64_t created_at, sim::Instant now);
  sim::Task<std::optional<std::int64_t>> order_holder(const PaymentRow& payment);
  sim::Task<void> handle(Due due);
  static sim::Task<void> work(std::shared_ptr<BackOffice> worker, std::vector<Due> due);
  static sim::Task<void> refund_alone(std::shared_ptr<BackOffice> helper, PaymentRow payment, std::int64_t seq);
  void forget_others(const std::vector<PaymentRow>& waiting);
  sim::Task<void> settle(PaymentRow payment);
  sim::Task<void> contest(PaymentRow payment);
  sim::Task<std::optional<PaymentRow>> reauthorize(PaymentRow payment, std::int64_t amount);
  sim::Task<void> refund(PaymentRow payment, std::int64_t seq);
  sim::Task<void> refund_seed(PaymentRow payment);
  sim::Task<void> refund_saga(PaymentRow payment, std::int64_t seq);
  sim::Task<void> compensate(const RefundRow& saga, const std::string& refusal);
  sim::Task<bool> record_refund(const RefundRow& saga);
  sim::Task<void> advance(RefundRow saga);

  std::shared_ptr<Context> context_;
  sim::Executor ex_;
  std::unique_ptr<postgres::Connection> db_;
  /// With backoffice_workers > 1 (the reader's only): the workers it hands the due payments to, worker k
  /// those whose id mod workers is k, each with a connection of its own; `busy_` while a worker works.
  std::vector<std::shared_ptr<BackOffice>> workers_;
  bool busy_ = false;
  std::shared_ptr<Refunding> refunding_;
  std::vector<Reply> replies_;  ///< the last all()'s replies, in order
  std::map<std::int64_t, std::pair<std::string, sim::Instant>> seen_;  ///< payment -> (status, first seen in it)
};

sim::Task<void> BackOffice::pass() {
  if (saga() && options().refund_after) {
    Reply open = co_await db_->execute(open_sagas());
    if (!open.ok()) co_return;
    std::vector<RefundRow> sagas;
    for (const postgres::Row& row : open.rows()) sagas.push_back(refund_of(row));
    for (RefundRow& saga : sagas)
      if (!refunding_->contains(saga.payment_id)) co_await advance(std::move(saga));
  }
  Reply found = co_await db_->execute(waiting_payments(options()));
  if (!found.ok()) co_return;
  std::vector<PaymentRow> payments;
  std::vector<std::int64_t> created_at;  // each payment's, wall ms
  for (const postgres::Row& row : found.rows()) {
    payments.push_back(payment_of(row));
    created_at.push_back(integer(row[6]));
  }
  sim::Instant now = context_->world.now();
  std::vector<std::vector<Due>> shares(workers_.size());
  for (std::size_t i = 0; i < payments.size(); ++i) {
    std::optional<Due> due = due_of(payments[i], created_at[i], now);
    if (due && !workers_.empty())
      shares[static_cast<std::size_t>(due->payment.id) % workers_.size()].push_back(std::move(*due));
    else if (due)
      co_await handle(std::move(*due));
    if (!db_->is_open()) co_return;
  }
  forget_others(payments);
  for (std::size_t k = 0; k < workers_.size(); ++k)
    if (!workers_[k]->busy_ && !shares[k].empty()) {
      workers_[k]->busy_ = true;
      sim::spawn(ex_, work(workers_[k], std::move(shares[k])));
    }
}

// Whether a payment read at a pass is due now: an AUTHORIZED one capture_after after the back office first saw
// it so (or past its capture deadline); a CAPTURED or PARTIALLY_REFUNDED one when more of its refunds are due
// than its row shows made, and none of its refunds is under way.
std::optional<Due> BackOffice::due_of(const PaymentRow& payment, std::int64_t created_at, sim::Instant now) {
  bool refundable = payment.status == "CAPTURED" || payment.status == "PARTIALLY_REFUNDED";
  std::string phase = refundable ? std::string("refundable") : payment.status;
  auto entry = seen_.try_emplace(payment.id, phase, now).first;
  if (entry->second.first != phase) entry->second = std::make_pair(phase, now);
  sim::Duration waited = now - entry->second.second;
  if (payment.status == "AUTHORIZED") {
    if (waited >= *options().capture_after || past_deadline(created_at)) return Due{payment, 0, 0};
    return std::nullopt;
  }
  if (payment.status == "DISPUTED") {
    if (waited >= *options().dispute_evidence_after) return Due{payment, 0, 0};
    return std::nullopt;
  }
  int made = refunds_made(payment);
  int refunds = refunds_due(waited) - made;
  if (refunds <= 0 || refunding_->contains(payment.id)) return std::nullopt;
  return Due{payment, refunds, made + 1};
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

// A due payment: captured or voided when AUTHORIZED; else its refunds due, by the design's refund: the first in
// this request, the others each in a request of its own on its own connection, under way together.
sim::Task<void> BackOffice::handle(Due due) {
  if (due.payment.status == "AUTHORIZED") {
    co_await settle(std::move(due.payment));
    co_return;
  }
  if (due.payment.status == "DISPUTED") {
    co_await contest(std::move(due.payment));
    co_return;
  }
  for (int k = 1; k < due.refunds; ++k) {
    ++(*refunding_)[due.payment.id];
    auto helper = std::make_shared<BackOffice>(context_, ex_, refunding_);
    sim::spawn(ex_, refund_alone(helper, due.payment, due.seq + k));
  }
  co_await refund(std::move(due.payment), due.seq);
}

// A worker's share of a pass, one payment after another, on its own connection.
sim::Task<void> BackOffice::work(std::shared_ptr<BackOffice> worker, std::vector<Due> due) {
  if (co_await worker->connected())
    for (Due& payment : due) {
      co_await worker->handle(std::move(payment));
      if (!worker->db_->is_open()) break;
    }
  worker->busy_ = false;
}

// One of a payment's refunds requested apart from the pass, on the helper's own connection.
sim::Task<void> BackOffice::refund_alone(std::shared_ptr<BackOffice> helper, PaymentRow payment, std::int64_t seq) {
  std::int64_t id = payment.id;
  if (co_await helper->connected()) co_await helper->refund(std::move(payment), seq);
  Refunding& refunding = *helper->refunding_;
  if (--refunding[id] == 0) refunding.erase(id);
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
  std::int64_t authorised = payment.amount;
  if (!cancel) payment.amount = share_of(payment.amount, options().capture_share);  // a partial capture: less
  NetRequest::Op op = cancel ? NetRequest::Op::void_auth : NetRequest::Op::capture;
  // atomic_claim's and the ledger's capture carries the payment id as its reference (a void needs none: a
  // second one is refused already_voided); the seed's carries none.
  std::int64_t reference = !cancel && claims_atomically(options().design) ? payment.id : 0;
  std::optional<NetResponse> net = co_await network(op, payment, reference);
  if (!net) co_return;  // no answer: the next pass asks again
  if (net->refusal == "expired" && !cancel && options().reauthorize) {
    std::optional<PaymentRow> renewed = co_await reauthorize(payment, authorised);
    if (!renewed) co_return;  // the next pass: refused again, the re-authorisation answered by its reference
    if (renewed->network_ref != payment.network_ref) {
      payment = *renewed;
      net = co_await network(op, payment, reference);
      if (!net) co_return;
    }
  }
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
  std::vector<Statement> update =
      steps(postgres::Begin{}, move_payment(payment.id, "AUTHORIZED", status, payment.amount),
            outbox(payment.id, payment.amount, event, event_id), postgres::Commit{});
  bool stored = co_await all(std::move(update));
  if (!stored) co_return;
  note("payment.status", fmt::format("payment={} {}", payment.id, status));
  transition(payment.id, 1, status, event);
  co_await publish(event_id, payment.id, event, payment.amount);
}

// P8's recovery (reauthorize): a new hold for a payment whose hold expired uncaptured, under a reference derived
// from the payment id (its negative: a retry is answered with the same hold, and it is no payment's id), naming
// the expired one; recorded on the payment by compare-and-set on its network_ref with a payment.reauthorized
// event, and an alert. The payment as it now stands (its hold unchanged when the network declined, or when the
// re-authorised hold is the one that expired); none without an answer or a commit.
sim::Task<std::optional<PaymentRow>> BackOffice::reauthorize(PaymentRow payment, std::int64_t amount) {
  auto call = std::make_shared<NetRequest>();
  call->op = NetRequest::Op::authorize;
  call->reference = -payment.id;
  call->amount = amount;
  call->auth_id = payment.network_ref;
  call->payment_id = payment.id;
  call->key = payment.key;
  call->order = payment.order;
  std::optional<NetResponse> net = co_await ask_network(*context_, ex_, std::move(call), options().network_timeout);
  if (!net) co_return std::nullopt;
  if (!net->approved || net->auth_id == payment.network_ref) co_return payment;
  Statement swap = postgres::Update{"payments",
                                    {postgres::set_value("network_ref", net->auth_id)},
                                    where::all_of({where::eq("id", payment.id),
                                                   where::eq("status", std::string("AUTHORIZED")),
                                                   where::eq("network_ref", payment.network_ref)}),
                                    true};
  std::vector<Statement> first = steps(postgres::Begin{}, std::move(swap));
  if (!co_await all(std::move(first))) co_return std::nullopt;
  if (replies_[1].rows().empty()) {  // no longer the hold it read: the next pass reads it again
    Statement rollback = postgres::Rollback{};
    co_await db_->execute(std::move(rollback));
    co_return std::nullopt;
  }
  std::int64_t event_id = 0;
  std::vector<Statement> rest = steps(outbox(payment.id, amount, "payment.reauthorized", event_id), postgres::Commit{});
  if (!co_await all(std::move(rest))) co_return std::nullopt;
  ++context_->observations.reauthorizations;
  note("payment.alert", fmt::format("payment={} hold {} expired uncaptured: re-authorised as hold {}", payment.id,
                                    payment.network_ref, net->auth_id));
  transition(payment.id, replies_.size(), "", "payment.reauthorized");
  payment.network_ref = net->auth_id;
  co_return payment;
}

// A dispute contested with evidence: the network's decision makes the payment DISPUTE_WON (a payment.dispute_won
// event: the ledger books the chargeback's reversal, the money back in card_clearing) or DISPUTE_LOST (a
// payment.dispute_lost event, nothing to book), by compare-and-set on DISPUTED. Without an answer the next pass
// submits it again; the network answers a resend with its first decision.
sim::Task<void> BackOffice::contest(PaymentRow payment) {
  note("payment.evidence_submitted", fmt::format("payment={} auth={}", payment.id, payment.network_ref));
  std::optional<NetResponse> net = co_await network(NetRequest::Op::evidence, payment, 0);
  if (!net) co_return;
  if (!net->refusal.empty()) {
    note("payment.evidence_refused", fmt::format("payment={} {}", payment.id, net->refusal));
    co_return;
  }
  std::string status = net->approved ? "DISPUTE_WON" : "DISPUTE_LOST";
  const char* event = net->approved ? "payment.dispute_won" : "payment.dispute_lost";
  std::int64_t event_id = 0;
  std::vector<Statement> update = steps(postgres::Begin{}, move_payment(payment.id, "DISPUTED", status),
                                        outbox(payment.id, payment.captured, event, event_id), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return;
  note("payment.status", fmt::format("payment={} {}", payment.id, status));
  transition(payment.id, 1, status, event);
  co_await publish(event_id, payment.id, event, payment.captured);
}

sim::Task<void> BackOffice::refund(PaymentRow payment, std::int64_t seq) {
  if (saga())
    co_await refund_saga(std::move(payment), seq);
  else
    co_await refund_seed(std::move(payment));
}

// The seed's refund: what is left judged on the row it read, then T1, T2 and T3; nothing claims the amount
// between the read and T2's write, so two refunds that read the same row both pass and the later write wins.
sim::Task<void> BackOffice::refund_seed(PaymentRow payment) {
  std::int64_t amount = std::min(refund_each(payment), payment.captured - payment.refunded);
  if (amount <= 0) co_return;
  // T1: the network's refund, with no reference.
  PaymentRow call = payment;
  call.amount = amount;
  std::optional<NetResponse> net = co_await network(NetRequest::Op::refund, call, 0);
  if (!net || !net->refusal.empty()) co_return;  // the next pass refunds again
  // T2: the payment and the ledger's reversal event.
  std::int64_t event_id = 0;
  std::int64_t refunded = payment.refunded + amount;
  std::string status = refunded_status(refunded, payment.captured);
  const char* event = refunded_event(status);
  std::vector<Statement> update =
      steps(postgres::Begin{}, record_refund_unguarded(payment, refunded, status),
            outbox(payment.id, amount, event, event_id), postgres::Commit{});
  if (!co_await all(std::move(update))) co_return;
  note("payment.status", fmt::format("payment={} {}", payment.id, status));
  transition(payment.id, 1, status, event);
  co_await publish(event_id, payment.id, event, amount);
  // T3: the notice.
  note("payment.refund_notified", fmt::format("payment={}", payment.id));
}

// atomic_claim's refund: its amount claimed on the payment's row (never beyond the capture) and its saga's row
// started, in one transaction; then the saga. A claim refused because other refunds took what it read as left
// reads the row again and claims what is left, once; a refund whose row exists is another attempt's.
sim::Task<void> BackOffice::refund_saga(PaymentRow payment, std::int64_t seq) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::int64_t amount = std::min(refund_each(payment), payment.captured - payment.refund_claimed);
    if (amount <= 0) co_return;
    std::int64_t refund_id = context_->next_refund++;
    std::vector<Statement> start = steps(postgres::Begin{}, claim_refund(payment, amount),
                                         start_saga(payment, amount, refund_id, seq));
    if (!co_await all(std::move(start))) co_return;
    bool claimed = !replies_[1].rows().empty(), started = !replies_[2].rows().empty();
    Statement end = claimed && started ? Statement(postgres::Commit{}) : Statement(postgres::Rollback{});
    Reply ended = co_await db_->execute(std::move(end));
    if (!ended.ok() || !started) co_return;
    if (claimed) {
      RefundRow saga{payment.id, refund_id, payment.network_ref, amount, "started"};
      co_await advance(std::move(saga));
      co_return;
    }
    Reply again = co_await db_->execute(select_payment(payment.id));
    if (!again.ok() || again.rows().empty()) co_return;
    payment = payment_of(again.rows().front());
    note("payment.refund_reclaimed", fmt::format("payment={} refund {}: {} left of {} captured", payment.id, seq,
                                                 payment.captured - payment.refund_claimed, payment.captured));
  }
}

// A refund the network declined: the saga's row compensated, its claim on the capture released, a refund.failed
// event, in one transaction (the payment keeps its status, to be refunded by other means).
sim::Task<void> BackOffice::compensate(const RefundRow& saga, const std::string& refusal) {
  std::int64_t event_id = 0;  // the relay publishes it, if there is one
  Statement release = postgres::Update{
      "payments", {postgres::set_add("refund_claimed", -saga.amount)}, where::eq("id", saga.payment_id), false};
  std::vector<Statement> statements =
      steps(postgres::Begin{}, move_saga(saga.refund_id, "started", "compensated"), std::move(release),
            outbox(saga.payment_id, saga.amount, "refund.failed", event_id), postgres::Commit{});
  if (!co_await all(std::move(statements))) co_return;
  note("payment.refund_compensated", fmt::format("payment={} {}", saga.payment_id, refusal));
  transition(saga.payment_id, replies_.size(), "", "refund.failed");
}

// T2: the saga's row `refunded`, the refund added to the payment's (its row locked until the commit, so two
// refunds' T2 follow each other), the payment PARTIALLY_REFUNDED or REFUNDED by what is now recorded, and its
// event, in one transaction; false when it did not commit.
sim::Task<bool> BackOffice::record_refund(const RefundRow& saga) {
  Statement add = postgres::Update{
      "payments", {postgres::set_add("refunded", saga.amount)}, where::eq("id", saga.payment_id), true};
  std::vector<Statement> first =
      steps(postgres::Begin{}, move_saga(saga.refund_id, "started", "refunded", true), std::move(add));
  if (!co_await all(std::move(first))) co_return false;
  if (replies_[1].rows().empty() || replies_[2].rows().empty()) {  // another attempt recorded it
    
    Statement rollback = postgres::Rollback{};
    co_await db_->execute(std::move(rollback));
    co_return false;
  }
  PaymentRow payment = payment_of(replies_[2].rows().front());
  std::string status = refunded_status(payment.refunded, payment.captured);
  const char* event = refunded_event(status);
  std::vector<postgres::Value> refundable{std::string("CAPTURED"), std::string("PARTIALLY_REFUNDED")};
  Statement move = postgres::Update{
      "payments", {postgres::set_value("status", status)},
      where::all_of({where::eq("id", saga.payment_id), where::in("status", std::move(refundable))}), true};
  std::int64_t event_id = 0;
  std::vector<Statement> rest =
      steps(std::move(move), outbox(saga.payment_id, saga.amount, event, event_id), postgres::Commit{});
  if (!co_await all(std::move(rest))) co_return false;
  note("payment.status", fmt::format("payment={} {}", saga.payment_id, status));
  transition(saga.payment_id, 0, status, event);
  co_await publish(event_id, saga.payment_id, event, saga.amount);
  co_return true;
}

sim::Task<void> BackOffice::advance(RefundRow saga) {
  if (saga.step == "started") {
    PaymentRow payment{saga.payment_id, 0, 0, saga.amount, "CAPTURED", saga.auth_id};
    std::optional<NetResponse> net = co_await network(NetRequest::Op::refund, payment, saga.refund_id);
    if (!net) co_return;  // resumed on the next pass with the same reference
    if (!net->refusal.empty()) {
      co_await compensate(saga, net->refusal);
      co_return;
    }
    // The ledger design books the refund itself, its transfer id the refund's: resumed, it is answered `exists`.
    if (two_phase() &&
        !co_await ask_ledger(*context_, ex_, refund_transfer_of(saga.refund_id, saga.payment_id, saga.amount)))
      co_return;
    if (!co_await record_refund(saga)) co_return;
    saga.step = "refunded";
  }
  if (saga.step != "refunded") co_return;
  note("payment.refund_notified", fmt::format("payment={}", saga.payment_id));
  Reply finished = co_await db_->execute(move_saga(saga.refund_id, "refunded", "finished"));
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
