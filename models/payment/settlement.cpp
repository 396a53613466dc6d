// Settlement: the card network's daily file and the reconciliation job's matching of it.
//
// The network closes a file every settlement_interval (true time; file k holds the money moved in
// [k, k + 1) x interval) and serves it once closed, as Adyen's settlement details report: a
// Settled line per accepted capture, a Refunded line per accepted refund, a Chargeback line per
// chargeback an issuer raised in the period (settlement_interval after the capture it reverses),
// a ChargebackReversed line per chargeback the merchant's evidence won (one interval after the decision)
// and, with `fee`, a Fee line per Settled line. Voids move no money and settle nothing; a hold
// never captured appears in no file.
//
// The job fetches the files in order and matches each line with the payment whose network_ref is
// the line's authorisation, recording the line once in settlement_lines (keyed by line id, so a
// restart that fetches a file again records nothing twice) in the same transaction as what the
// match changes. Every design matches a Settled line with a CAPTURED (or later PARTIALLY_REFUNDED,
// REFUNDED or DISPUTED) payment whose row records a capture of the same amount, and a Refunded line
// (one a refund) with a PARTIALLY_REFUNDED or REFUNDED one whose row records at least that much refunded. The seed's
// payments have no DISPUTED state and its books no fees: its Chargeback and Fee lines stay
// unmatched, which is what reference P10 finds ("chargebacks have nowhere to go").
// atomic_claim's job moves the payment CAPTURED -> DISPUTED by compare-and-set with a
// payment.disputed event (the ledger reverses the sale) and books each fee with a fee.charged
// event (the ledger debits fees). Once every line of a file is recorded, the job books the file's payout
// (what the network pays into the merchant's bank: its captures less its refunds, chargebacks and fees)
// with a settlement.paid_out event, once a file (a payouts row): the ledger debits bank and credits
// card_clearing, which so returns to zero when everything the network settled was booked. In every design:
// the seed's books, with no chargebacks nor fees, are then left off by exactly those.
#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include <map>
#include <set>

#include "models/payment/context.hpp"
#include "models/payment/database.hpp"
#include "models/payment/values.hpp"
#include "models/postgres/server/client.hpp"

namespace payment {

const char* to_string(SettlementLine::Kind kind) {
  switch (kind) {
    case SettlementLine::Kind::settled: return "Settled";
    case SettlementLine::Kind::refunded: return "Refunded";
    case SettlementLine::Kind::chargeback: return "Chargeback";
    case SettlementLine::Kind::fee: return "Fee";
    case SettlementLine::Kind::chargeback_reversed: return "ChargebackReversed";
  }
  return "?";
}

std::vector<SettlementLine> settlement_file(const Context& context, std::int64_t file) {
  const Observations& o = context.observations;
  const sim::Duration interval = *context.options.settlement_interval;
  const sim::Instant from = sim::Instant::zero() + interval * file;
  const sim::Instant to = from + interval;
  std::vector<SettlementLine> lines;
  auto add = [&](SettlementLine::Kind kind, std::int64_t auth, std::int64_t amount, std::int64_t payment,
                 sim::Instant at) {
    auto place = static_cast<std::int64_t>(lines.size()) + 1;
    SIM_ASSERT(place < 1'000'000, "a settlement file holds at most 999,999 lines: shorten settlement_interval");
    lines.push_back(SettlementLine{file * 1'000'000 + place, file, kind, auth, amount, payment, at});
  };
  for (const NetworkMove& move : o.moves) {
    if (!move.refusal.empty() || move.at < from || move.at >= to) continue;
    if (move.kind == NetworkMove::Kind::capture)
      add(SettlementLine::Kind::settled, move.auth_id, move.amount, move.payment_id, move.at);
    else if (move.kind == NetworkMove::Kind::refund)
      add(SettlementLine::Kind::refunded, move.auth_id, move.amount, move.payment_id, move.at);
  }
  for (const auto& [auth_id, at] : o.chargebacks) {
    if (at < from || at >= to) continue;
    const Authorization& auth = o.authorizations[static_cast<std::size_t>(auth_id - 1)];
    add(SettlementLine::Kind::chargeback, auth_id, auth.captured, auth.payment_id, at);
  }
  for (const auto& [auth_id, at] : o.chargeback_reversals) {
    if (at < from || at >= to) continue;
    const Authorization& auth = o.authorizations[static_cast<std::size_t>(auth_id - 1)];
    add(SettlementLine::Kind::chargeback_reversed, auth_id, auth.captured, auth.payment_id, at);
  }
  const sim::Ratio fee = context.options.fee;
  std::size_t settled = lines.size();
  for (std::size_t i = 0; i < settled; ++i) {
    const SettlementLine line = lines[i];
    auto amount = static_cast<std::int64_t>(static_cast<std::uint64_t>(line.amount) * fee.num / fee.den);
    if (line.kind == SettlementLine::Kind::settled && amount > 0)
      add(SettlementLine::Kind::fee, line.auth_id, amount, line.payment_id, line.at);
  }
  return lines;
}

namespace {

using postgres::Reply;
using postgres::Statement;
namespace where = postgres::where;

Statement recorded(std::int64_t line_id) {
  return postgres::Select{"settlement_lines", where::eq("line_id", line_id), {}, std::nullopt, std::nullopt};
}

Statement payment_of_auth(std::int64_t auth_id) {
  return postgres::Select{"payments", where::eq("network_ref", auth_id), {{"id", false}}, std::nullopt, std::nullopt};
}

Statement record_line(const SettlementLine& line, std::int64_t payment_id, bool matched) {
  postgres::OnConflict nothing{{"line_id"}, false, {}, where::always()};
  return postgres::Insert{"settlement_lines",
                          {{line.line_id, line.file, std::string(to_string(line.kind)), line.auth_id, payment_id,
                            line.amount, matched}},
                          nothing,
                          false};
}

Statement dispute(std::int64_t payment_id) {
  return postgres::Update{"payments",
                          {postgres::set_value("status", std::string("DISPUTED"))},
                          where::all_of({where::eq("id", payment_id), where::eq("status", std::string("CAPTURED"))}),
                          true};
}

/// The payment a line speaks of, as the job reads it: none when no payment holds the authorisation.
struct Held {
  std::int64_t id = 0;
  std::string status;
  std::int64_t captured = 0;  ///< what its row says the capture took
  std::int64_t refunded = 0;  ///< the refunds its row records
};

Held held_of(const postgres::Row& row) { return Held{integer(row[0]), text(row[4]), integer(row[8]), integer(row[9])}; }

/// One line's match: the statements between BEGIN and the line's record, and whether it matches.
struct Match {
  std::vector<Statement> moves;
  bool matched = false;
  bool disputes = false;  ///< moves the payment to DISPUTED (its UPDATE is moves[0])
  const char* why = "";
};

Match match_of(Context& context, const SettlementLine& line, const std::optional<Held>& held) {
  Match m;
  bool fixed = claims_atomically(context.options.design);
  if (!held) {
    m.why = "no payment holds the authorisation";
    return m;
  }
  // What the capture took, as the payment's row keeps it (its authorised amount is another column).
  std::int64_t captured = held->captured;
  bool same = captured == line.amount;
  switch (line.kind) {
    case SettlementLine::Kind::settled:
      m.matched = same && (held->status == "CAPTURED" || held->status == "PARTIALLY_REFUNDED" ||
                           held->status == "REFUNDED" || held->status == "DISPUTED");
      m.why = m.matched ? "its captured payment" : "the payment is not captured for that amount";
      break;
    case SettlementLine::Kind::refunded:
      // One line a refund: a payment refunded several times has several, each within what its row records.
      m.matched = line.amount <= held->refunded && (held->status == "REFUNDED" || held->status == "PARTIALLY_REFUNDED");
      m.why = m.matched ? "its refunded payment" : "the payment is not refunded for that amount";
      break;
    case SettlementLine::Kind::chargeback:
      if (!fixed) {
        m.why = "the payments have no DISPUTED state";
        break;
      }
      m.matched = same && (held->status == "CAPTURED" || held->status == "DISPUTED");
      m.disputes = m.matched && held->status == "CAPTURED";
      if (m.disputes) {
        m.moves.push_back(dispute(held->id));
        m.moves.push_back(outbox_row(context, held->id, "payment.disputed", line.amount));
      }
      m.why = m.matched ? "its payment, now DISPUTED" : "the payment cannot be disputed";
      break;
    case SettlementLine::Kind::chargeback_reversed:
      m.matched = same && held->status == "DISPUTE_WON";
      m.why = m.matched ? "its dispute, won" : "the payment's dispute is not won";
      break;
    case SettlementLine::Kind::fee:
      if (!fixed) {
        m.why = "the books have no fees account";
        break;
      }
      m.matched = true;
      m.moves.push_back(outbox_row(context, held->id, "fee.charged", line.amount));
      m.why = "booked to fees";
      break;
  }
  return m;
}

/// The trace record of a line matched or not, and the dispute it committed.
void note_line(Context& context, const SettlementLine& line, const Match& m, const std::optional<Held>& held,
               bool disputed) {
  sim::World& world = context.world;
  world.trace().record(world.now(), context.reconciler,
                       m.matched ? "payment.settlement_matched" : "payment.settlement_unmatched",
                       fmt::format("line={} {} auth={} amount={}: {}", line.line_id, to_string(line.kind), line.auth_id,
                                   line.amount, m.why));
  if (disputed) note_transition(context, context.reconciler, held->id, "DISPUTED", "payment.disputed");
}

/// A Settled line whose payment is still AUTHORIZED: the network captured it but the back office has not
/// recorded the capture yet (its answer was lost, it comes at its next pass). The job leaves the line
/// for its next pass, once: a capture still unrecorded a reconciliation period after the file closed is
/// recorded unmatched.
bool capture_unrecorded(const Context& context, const SettlementLine& line, const Held& held) {
  if (line.kind != SettlementLine::Kind::settled || held.status != "AUTHORIZED") return false;
  const PaymentOptions& options = context.options;
  sim::Instant closed = sim::Instant::zero() + *options.settlement_interval * (line.file + 1);
  return context.world.now() < closed + *options.reconcile_interval;
}

/// Matches one line and records it, in one transaction; false when the database failed or the line
/// waits for the next pass.
sim::Task<bool> match_line(Context& context, postgres::Connection& db, const SettlementLine& line) {
  Reply seen = co_await db.execute(recorded(line.line_id));
  if (!seen.ok()) co_return false;
  if (!seen.rows().empty()) co_return true;  // recorded before a restart
  Reply found = co_await db.execute(payment_of_auth(line.auth_id));
  if (!found.ok()) co_return false;
  std::optional<Held> held;
  if (!found.rows().empty()) {
    const postgres::Row& row = found.rows().front();
    held = held_of(row);
  }
  if (held && capture_unrecorded(context, line, *held)) co_return false;
  Match m = match_of(context, line, held);
  std::vector<Statement> statements = steps(postgres::Begin{});
  for (Statement& move : m.moves) statements.push_back(std::move(move));
  statements.push_back(record_line(line, held ? held->id : 0, m.matched));
  statements.push_back(Statement(postgres::Commit{}));
  std::vector<Reply> replies;
  if (!co_await run_all(db, std::move(statements), replies)) co_return false;
  note_line(context, line, m, held, m.disputes && !replies[1].rows().empty());  // the UPDATE after BEGIN
  co_return true;
}

/// What match_batch read before its transaction: the lines recorded already, and each authorisation's payment.
struct BatchState {
  std::set<std::int64_t> recorded;
  std::map<std::int64_t, Held> held;  ///< by authorisation: the payment of lowest id holding it
};

sim::Task<bool> read_batch(postgres::Connection& db, const std::vector<SettlementLine>& batch, BatchState& state) {
  std::vector<postgres::Value> ids, auths;
  for (const SettlementLine& line : batch) {
    ids.emplace_back(line.line_id);
    auths.emplace_back(line.auth_id);
  }
  Statement recorded_lines =
      postgres::Select{"settlement_lines", where::in("line_id", std::move(ids)), {}, std::nullopt, std::nullopt};
  Reply seen = co_await db.execute(std::move(recorded_lines));
  if (!seen.ok()) co_return false;
  for (const postgres::Row& row : seen.rows()) state.recorded.insert(integer(row[0]));
  Statement payments = postgres::Select{
      "payments", where::in("network_ref", std::move(auths)), {{"id", false}}, std::nullopt, std::nullopt};
  Reply found = co_await db.execute(std::move(payments));
  if (!found.ok()) co_return false;
  for (const postgres::Row& row : found.rows())
    state.held.try_emplace(integer(row[5]), held_of(row));
  co_return true;
}

/// settlement_batch above 1: the lines of `batch` matched in one transaction (the disputes' updates, one
/// INSERT of their events, one of their records), after one read of what is recorded and one of their
/// payments; false when the database failed or a line waits for the next pass (the lines before it are
/// recorded).
sim::Task<bool> match_batch(Context& context, postgres::Connection& db, const std::vector<SettlementLine>& batch) {
  BatchState state;
  if (!co_await read_batch(db, batch, state)) co_return false;
  struct Done {
    const SettlementLine* line;
    Match m;
    std::optional<Held> held;
    std::size_t update;  ///< the dispute's UPDATE among the statements
  };
  std::vector<Done> done;
  std::vector<Statement> statements = steps(postgres::Begin{});
  postgres::Insert events{"outbox", {}, std::nullopt, false};
  postgres::Insert records{
      "settlement_lines", {}, postgres::OnConflict{{"line_id"}, false, {}, where::always()}, false};
  bool waits = false;
  for (const SettlementLine& line : batch) {
    if (state.recorded.contains(line.line_id)) continue;
    auto it = state.held.find(line.auth_id);
    std::optional<Held> held = it == state.held.end() ? std::nullopt : std::optional<Held>(it->second);
    if (held && capture_unrecorded(context, line, *held)) {
      waits = true;
      break;
    }
    Match m = match_of(context, line, held);
    std::size_t update = statements.size();
    for (Statement& move : m.moves) {
      if (auto* insert = std::get_if<postgres::Insert>(&move))
        for (postgres::Row& row : insert->rows) events.rows.push_back(std::move(row));
      else
        statements.push_back(std::move(move));
    }
    records.rows.push_back(std::get<postgres::Insert>(record_line(line, held ? held->id : 0, m.matched)).rows.front());
    done.push_back(Done{&line, std::move(m), held, update});
  }
  if (!events.rows.empty()) statements.push_back(std::move(events));
  if (!records.rows.empty()) statements.push_back(std::move(records));
  statements.push_back(Statement(postgres::Commit{}));
  std::vector<Reply> replies;
  if (!co_await run_all(db, std::move(statements), replies)) co_return false;
  for (const Done& d : done)
    note_line(context, *d.line, d.m, d.held, d.m.disputes && !replies[d.update].rows().empty());
  co_return !waits;
}

/// What the network pays the merchant for a file: its captures and chargeback reversals, less its refunds,
/// chargebacks and fees.
std::int64_t net_of(const std::vector<SettlementLine>& lines) {
  std::int64_t net = 0;
  for (const SettlementLine& line : lines) net += paid_to_merchant(line);
  return net;
}

/// The file's payout booked once its lines are matched: a payouts row and a settlement.paid_out event (the ledger
/// debits bank and credits card_clearing by the file's net; the event's payment_id is the file), in one
/// transaction; a file booked before a restart is found by its row. False when the database failed.
sim::Task<bool> pay_out(Context& context, postgres::Connection& db, std::int64_t file,
                        const std::vector<SettlementLine>& lines) {
  std::int64_t net = net_of(lines);
  postgres::OnConflict nothing{{"file"}, false, {}, where::always()};
  Statement payout = postgres::Insert{"payouts", {{file, net}}, nothing, true};
  std::vector<Reply> replies;
  std::vector<Statement> first = steps(postgres::Begin{}, std::move(payout));
  if (!co_await run_all(db, std::move(first), replies)) co_return false;
  if (replies[1].rows().empty()) {  // booked before a restart
    Statement rollback = postgres::Rollback{};
    Reply ended = co_await db.execute(std::move(rollback));
    co_return ended.ok();
  }
  std::vector<Statement> rest = steps(outbox_row(context, file, "settlement.paid_out", net), postgres::Commit{});
  if (!co_await run_all(db, std::move(rest), replies)) co_return false;
  context.world.trace().record(context.world.now(), context.reconciler, "payment.settlement_paid_out",
                               fmt::format("file={} net={}", file, net));
  co_return true;
}

/// Matches the lines of a file from `next_line` on, one at a time or in batches; false when a pass must
/// take the file up again.
sim::Task<bool> match_file(Context& context, postgres::Connection& db, const std::vector<SettlementLine>& lines) {
  auto batch_size = static_cast<std::size_t>(context.options.settlement_batch);
  if (batch_size == 1) {
    for (const SettlementLine& line : lines)
      if (!co_await match_line(context, db, line)) co_return false;
    co_return true;
  }
  for (std::size_t from = 0; from < lines.size(); from += batch_size) {
    std::vector<SettlementLine> batch(
        lines.begin() + static_cast<std::ptrdiff_t>(from),
        lines.begin() + static_cast<std::ptrdiff_t>(std::min(lines.size(), from + batch_size)));
    if (!co_await match_batch(context, db, batch)) co_return false;
  }
  co_return true;
}

}  // namespace

sim::Task<void> reconcile_settlement(Context& context, postgres::Connection& db, sim::Executor ex,
                                     std::int64_t& next_file) {
  for (;;) {
    auto call = std::make_shared<NetRequest>();
    call->op = NetRequest::Op::settlement;
    call->reference = next_file;
    std::optional<NetResponse> file =
        co_await ask_network(context, ex, std::move(call), context.options.status_timeout);
    if (!file || !file->found) co_return;  // not closed yet, or no answer: the next pass asks again
    if (!co_await match_file(context, db, file->lines)) co_return;  // the next pass takes this file up again
    if (!co_await pay_out(context, db, next_file, file->lines)) co_return;
    ++next_file;
  }
}

}  // namespace payment
