// The outbox relay ("relay") and the ledger consumer ("ledger"), present with relay_interval.
//
// The relay polls: every relay_interval it reads up to 100 unsent outbox rows in id order,
// publishes each to the ledger and, once the ledger has acknowledged it, marks the row sent.
// Publishing and marking are two steps with nothing joining them: a crash, or a lost reply,
// between them publishes the event again on the next pass. At-least-once, as a polling relay or
// Debezium's embedded engine after a crash ("may result in receiving duplicate events").
// With relay_marks_first the relay marks the row before publishing it: at-most-once, and a crash
// between the two loses the event.
//
// The ledger posts double-entry transfers: a capture debits card_clearing and credits sales by
// its amount, a refund or a chargeback (payment.disputed) the reverse, a dispute won (payment.dispute_won)
// the chargeback's reversal, a settlement fee
// (fee.charged) debits fees and credits card_clearing, a settlement file's payout (settlement.paid_out)
// debits bank and credits card_clearing by the file's net; other events post nothing. With ledger_dedup it keeps the
// event id as the transfer's id and answers a redelivery "exists" without posting (TigerBeetle's
// id semantics); without it, a redelivered capture is posted again. Its books are durable: they
// survive a restart of its node. With design: ledger it also keeps the two-phase book
// (two_phase.cpp), where the back office posts captures and books refunds itself: their events then
// post nothing here.
//
// With notifier the relay publishes each event to the notifier too, after the ledger acknowledged it
// and before marking the row: the notifier sends the customer a notification per event (at least
// once, as the relay delivers), and with notifier_dedup keeps the ids it notified (an inbox, durable)
// so that a redelivery is acknowledged without a second notification.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

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

std::string LedgerEvent::describe() const {
  return fmt::format("event={} {} payment={} amount={}", event_id, event, payment_id, amount);
}

std::string LedgerAck::describe() const { return existed ? "exists" : "ok"; }

namespace {

using postgres::Reply;
using postgres::Statement;
namespace where = postgres::where;

Statement unsent_events() {
  return postgres::Select{"outbox", where::eq("sent", false), {{"id", false}}, std::int64_t{100}, std::nullopt};
}

Statement mark_sent(std::int64_t id) {
  return postgres::Update{"outbox", {postgres::set_value("sent", true)}, where::eq("id", id), false};
}

/// The lines an event posts: debit positive, credit negative; none for most events.
std::vector<std::pair<std::string, std::int64_t>> lines_of(const LedgerEvent& event, bool two_phase) {
  bool refunded = event.event == "payment.refunded" || event.event == "payment.partially_refunded";
  if (two_phase && (event.event == "payment.captured" || refunded)) return {};
  if (event.event == "payment.captured") return {{"card_clearing", event.amount}, {"sales", -event.amount}};
  if (refunded) return {{"sales", event.amount}, {"card_clearing", -event.amount}};
  if (event.event == "payment.disputed") return {{"sales", event.amount}, {"card_clearing", -event.amount}};
  if (event.event == "payment.dispute_won") return {{"card_clearing", event.amount}, {"sales", -event.amount}};
  if (event.event == "fee.charged") return {{"fees", event.amount}, {"card_clearing", -event.amount}};
  if (event.event == "settlement.paid_out") return {{"bank", event.amount}, {"card_clearing", -event.amount}};
  return {};
}

sim::Task<void> run_relay(std::shared_ptr<Context> context) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  sim::World& world = context->world;
  const PaymentOptions& options = context->options;
  std::unique_ptr<postgres::Connection> db;
  for (;;) {
    co_await sim::sleep(*options.relay_interval);
    bool up = co_await connect(*context, db, ex);
    if (!up) continue;
    Reply found = co_await db->execute(unsent_events());
    if (!found.ok()) continue;
    std::vector<std::shared_ptr<LedgerEvent>> events;
    for (const postgres::Row& row : found.rows()) {
      auto event = std::make_shared<LedgerEvent>();
      event->event_id = integer(row[0]);
      event->payment_id = integer(row[1]);
      event->event = text(row[2]);
      event->amount = integer(row[3]);
      events.push_back(std::move(event));
    }
    bool mark_first = options.relay_marks_first;
    for (std::shared_ptr<LedgerEvent>& event : events) {
      std::int64_t id = event->event_id;
      if (mark_first) {
        Reply marked = co_await db->execute(mark_sent(id));
        if (!marked.ok()) break;
      }
      sim::error_code ec;
      co_await world.rpc().call(ex, context->ledger, event, options.network_timeout,
                                boost::asio::redirect_error(sim::use_awaitable, ec));
      if (!ec && options.notifier)
        co_await world.rpc().call(ex, context->notifier, std::move(event), options.network_timeout,
                                  boost::asio::redirect_error(sim::use_awaitable, ec));
      if (ec) break;  // publish-then-mark: the next pass publishes it again; mark-first: it is lost
      if (mark_first) continue;
      Reply marked = co_await db->execute(mark_sent(id));
      if (!marked.ok()) break;
    }
  }
}

void apply(Context& context, std::set<std::int64_t>& seen, const LedgerEvent& event, LedgerAck& ack) {
  sim::World& world = context.world;
  context.observations.applied.emplace_back(world.now(), event.event_id);
  ack.existed = !seen.insert(event.event_id).second;
  if (ack.existed && context.options.ledger_dedup) return;
  auto lines = lines_of(event, context.options.design == Design::ledger);
  if (lines.empty()) return;
  context.observations.transfers.push_back(LedgerTransfer{world.now(), event.event_id, event.payment_id, lines});
  world.trace().record(world.now(), context.ledger, "payment.ledger_posted",
                       fmt::format("event={} {} payment={} amount={}{}", event.event_id, event.event, event.payment_id,
                                   event.amount, ack.existed ? " (again)" : ""));
}

}  // namespace

void boot_relay(const std::shared_ptr<Context>& context) {
  sim::spawn(context->world.executor(context->relay), run_relay(context));
}

std::function<void()> notifier_boot(const std::shared_ptr<Context>& context) {
  auto notified = std::make_shared<std::set<std::int64_t>>();  // the inbox: durable, kept across restarts
  return [context, notified] {
    context->world.rpc().serve(context->notifier, [context, notified](const sim::RpcRequest& incoming,
                                                                      sim::Responder responder) {
      const auto* event = dynamic_cast<const LedgerEvent*>(incoming.body.get());
      if (event == nullptr) return;
      auto ack = std::make_shared<LedgerAck>();
      ack->existed = !notified->insert(event->event_id).second;
      if (!ack->existed || !context->options.notifier_dedup) {
        sim::World& world = context->world;
        context->observations.notifications.emplace_back(world.now(), event->event_id);
        world.trace().record(world.now(), context->notifier, "payment.notified",
                             fmt::format("event={} {} payment={}{}", event->event_id, event->event, event->payment_id,
                                         ack->existed ? " (again)" : ""));
      }
      responder.reply(std::move(ack));
    });
  };
}

std::function<void()> ledger_boot(const std::shared_ptr<Context>& context) {
  auto seen = std::make_shared<std::set<std::int64_t>>();  // durable: kept across restarts
  auto book = std::make_shared<TwoPhaseBook>(context);     // durable too
  return [context, seen, book] {
    book->boot();
    context->world.rpc().serve(context->ledger, [context, seen, book](const sim::RpcRequest& incoming,
                                                                      sim::Responder responder) {
      if (const auto* transfer = dynamic_cast<const TransferRequest*>(incoming.body.get())) {
        responder.reply(book->serve(*transfer));
        return;
      }
      const auto* event = dynamic_cast<const LedgerEvent*>(incoming.body.get());
      if (event == nullptr) return;
      auto ack = std::make_shared<LedgerAck>();
      apply(*context, *seen, *event, *ack);
      responder.reply(std::move(ack));
    });
  };
}

}  // namespace payment
