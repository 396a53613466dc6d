// The ledger's checkers: every transfer balanced, each event posted once in effect and, with the
// two-phase ledger (design: ledger), its pending book balanced apart from the posted one, each pending
// transfer resolved at most once and never beyond its amount, and no reservation left for a payment that
// is final. One currency in this model: "per currency" is the one currency.
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <set>

#include "models/payment/checks.hpp"

namespace payment {
namespace {

/// Payments past their authorisation's outcome: nothing is reserved for them any more.
bool final_status(const std::string& status) {
  return status != "PENDING" && status != "UNKNOWN" && status != "AUTHORIZED";
}

/// Payments whose capture the books must hold as posted.
bool captured_status(const std::string& status) {
  return status == "CAPTURED" || status == "REFUNDED" || status == "DISPUTED" || status == "DISPUTE_WON" ||
         status == "DISPUTE_LOST";
}

/// What the two-phase book shows beyond each transfer's balance.
struct TwoPhaseView {
  std::int64_t debits_pending = 0, credits_pending = 0, debits_posted = 0, credits_posted = 0;
  std::size_t left = 0;  ///< pending transfers still open for a final payment
  std::int64_t left_amount = 0;
  std::size_t unposted = 0;  ///< captured payments whose pending transfer was not posted
  std::int64_t unposted_amount = 0;
  bool all_final = true;
  std::optional<sim::Violation> first;
};

TwoPhaseView view_of(const Observations& o) {
  TwoPhaseView v;
  for (const auto& [account, balance] : o.accounts) {
    v.debits_pending += balance.debits_pending;
    v.credits_pending += balance.credits_pending;
    v.debits_posted += balance.debits_posted;
    v.credits_posted += balance.credits_posted;
  }
  std::map<std::int64_t, const PendingTransfer*> by_payment;
  for (const PendingTransfer& pending : o.pending_transfers) by_payment.emplace(pending.payment_id, &pending);
  for (const PaymentRow& row : o.payments) {
    v.all_final = v.all_final && final_status(row.status);
    auto found = by_payment.find(row.id);
    const PendingTransfer* pending = found == by_payment.end() ? nullptr : found->second;
    if (pending != nullptr && pending->open() && final_status(row.status)) {
      ++v.left;
      v.left_amount += pending->amount;
      if (!v.first)
        v.first = sim::Violation{o.end,
                                 {"ledger"},
                                 fmt::format("payment {} is {} and the ledger still reserves {} for it (pending "
                                             "transfer {}): card_clearing's pending balance does not return to zero",
                                             row.id, row.status, pending->amount, pending->id)};
    }
    bool posted = pending != nullptr && !pending->open() && pending->resolutions.front().how == "posted";
    if (!captured_status(row.status) || posted) continue;
    ++v.unposted;
    v.unposted_amount += row.amount;
    if (!v.first)
      v.first = sim::Violation{o.end,
                               {"ledger"},
                               fmt::format("payment {} is {} but its pending transfer was {}: the books miss a sale "
                                           "of {}",
                                           row.id, row.status,
                                           pending == nullptr ? "never made"
                                           : pending->open()  ? "never posted"
                                                              : pending->resolutions.front().how,
                                           row.amount)};
  }
  return v;
}

/// ledger_balanced's verdict on the two-phase book, added to the per-transfer one.
void judge_two_phase(const Observations& o, std::size_t unbalanced, sim::CheckResult& check) {
  TwoPhaseView v = view_of(o);
  bool books = v.debits_pending == v.credits_pending && v.debits_posted == v.credits_posted;
  bool reserved_at_rest = v.all_final && v.debits_pending != 0;
  if (!check.first && !books)
    check.first = sim::Violation{o.end, {"ledger"}, "the accounts' debits and credits differ"};
  if (!check.first) check.first = v.first;
  if (!check.first && reserved_at_rest)
    check.first = sim::Violation{o.end, {"ledger"}, "every payment is final and pending balances remain"};
  check.held = unbalanced == 0 && books && v.left == 0 && v.unposted == 0 && !reserved_at_rest;
  check.summary =
      check.held
          ? fmt::format("{} posted transfers, each summing to zero; {} pending transfers; pending and posted "
                        "books balance apart; nothing left reserved for a final payment",
                        o.transfers.size(), o.pending_transfers.size())
          : fmt::format("{} transfers off, books {}; {} final payments still reserved ({}); {} captures not "
                        "posted ({}){}",
                        unbalanced, books ? "balanced" : "unbalanced", v.left, v.left_amount, v.unposted,
                        v.unposted_amount, reserved_at_rest ? "; pending balances left with every payment final" : "");
  check.details.emplace_back("pending transfers", std::to_string(o.pending_transfers.size()));
  check.details.emplace_back("debits pending / credits pending",
                             fmt::format("{} / {}", v.debits_pending, v.credits_pending));
  check.details.emplace_back("debits posted / credits posted", fmt::format("{} / {}", v.debits_posted,
                                                                           v.credits_posted));
  check.details.emplace_back("final payments still reserved", std::to_string(v.left));
  check.details.emplace_back("amount left reserved", std::to_string(v.left_amount));
  check.details.emplace_back("captures not posted", std::to_string(v.unposted));
  check.details.emplace_back("amount not posted", std::to_string(v.unposted_amount));
}

/// With settlement files and the relay's ledger: card_clearing's posted balance against the network's books. Each
/// payout the ledger posted (a bank line; its transfer's payment_id is the file) clears its file; what the account
/// must still hold is the net of the lines of the files not paid out and of the period still open. Judged once the
/// relay has published every event; a file closed two reconciliation periods before the end must be paid out.
void judge_clearing(const Observations& o, sim::CheckResult& check) {
  std::size_t unsent = 0;
  for (const OutboxRow& row : o.outbox) unsent += row.sent ? 0 : 1;
  std::set<std::int64_t> paid;
  std::int64_t clearing = 0;
  for (const LedgerTransfer& transfer : o.transfers)
    for (const auto& [account, amount] : transfer.lines) {
      if (account == "card_clearing") clearing += amount;
      if (account == "bank") paid.insert(transfer.payment_id);
    }
  std::int64_t owed = 0;  // the network's net not yet paid out
  std::size_t late = 0;
  auto add = [&](const SettlementLine& line) {
    if (paid.contains(line.file)) return;
    owed += paid_to_merchant(line);
    sim::Instant closed = sim::Instant::zero() + *o.settlement_interval * (line.file + 1);
    if (o.reconcile_interval && closed + *o.reconcile_interval * 2 <= o.end) ++late;
  };
  for (const SettlementLine& line : o.settlement) add(line);
  for (const SettlementLine& line : o.open_lines) add(line);
  check.details.emplace_back("files paid out", std::to_string(paid.size()));
  check.details.emplace_back("card_clearing posted", std::to_string(clearing));
  check.details.emplace_back("card_clearing owed by the network", std::to_string(owed));
  if (unsent != 0) {
    check.summary += fmt::format("; card_clearing not judged ({} events unsent at the end)", unsent);
    return;
  }
  bool cleared = clearing == owed && late == 0;
  check.held = check.held && cleared;
  check.summary += cleared ? fmt::format("; card_clearing back to what the network owes ({}) after {} payouts", owed,
                                         paid.size())
                           : fmt::format("; card_clearing holds {} where the network owes {}{}", clearing, owed,
                                         late == 0 ? std::string()
                                                   : fmt::format(" ({} lines of files closed two job periods ago "
                                                                 "not paid out)",
                                                                 late));
  if (!check.first && !cleared)
    check.first = sim::Violation{o.end,
                                 {"ledger"},
                                 fmt::format("card_clearing's posted balance is {} after the payouts, where the "
                                             "network's settlement files leave {} owed: the clearing account does not "
                                             "return to zero",
                                             clearing, owed)};
}

/// ledger_double_post's verdict on the pending transfers: each resolved at most once, never beyond its amount.
void judge_resolutions(const Observations& o, sim::CheckResult& check) {
  std::size_t twice = 0, beyond = 0;
  std::int64_t amount = 0;
  for (const PendingTransfer& pending : o.pending_transfers) {
    for (std::size_t i = 1; i < pending.resolutions.size(); ++i) {
      ++twice;
      amount += pending.resolutions[i].amount;
      if (!check.first)
        check.first = sim::Violation{pending.resolutions[i].at,
                                     {"ledger"},
                                     fmt::format("pending transfer {} (payment {}) was {}, then {}: {} moved twice",
                                                 pending.id, pending.payment_id, pending.resolutions.front().how,
                                                 pending.resolutions[i].how, pending.resolutions[i].amount)};
    }
    if (!pending.open() && pending.resolutions.front().how == "posted" &&
        pending.resolutions.front().amount > pending.amount) {
      ++beyond;
      amount += pending.resolutions.front().amount - pending.amount;
    }
  }
  check.held = check.held && twice == 0 && beyond == 0;
  if (twice != 0 || beyond != 0)
    check.summary += fmt::format("; {} pending transfers resolved again, {} posted beyond their amount (+{})", twice,
                                 beyond, amount);
  else
    check.summary += fmt::format("; {} pending transfers, each resolved at most once", o.pending_transfers.size());
  check.details.emplace_back("pending transfers resolved again", std::to_string(twice));
  check.details.emplace_back("posted beyond the pending amount", std::to_string(beyond));
  check.details.emplace_back("amount moved too much", std::to_string(amount));
}

}  // namespace

sim::CheckResult check_ledger_balanced(const Observations& o) {
  sim::CheckResult check;
  check.name = "ledger_balanced";
  std::size_t unbalanced = 0;
  std::int64_t total = 0;
  for (const LedgerTransfer& transfer : o.transfers) {
    std::int64_t sum = 0;
    for (const auto& [account, amount] : transfer.lines) sum += amount;
    total += sum;
    if (sum == 0) continue;
    ++unbalanced;
    if (!check.first)
      check.first = sim::Violation{transfer.at,
                                   {"ledger"},
                                   fmt::format("the transfer for event {} (payment {}) is off by {}", transfer.event_id,
                                               transfer.payment_id, sum)};
  }
  check.held = unbalanced == 0;
  check.summary = check.held ? fmt::format("{} transfers, each summing to zero", o.transfers.size())
                             : fmt::format("{} transfers do not sum to zero (ledger off by {})", unbalanced, total);
  check.details = {{"transfers", std::to_string(o.transfers.size())},
                   {"unbalanced", std::to_string(unbalanced)},
                   {"sum of all lines", std::to_string(total)}};
  if (o.two_phase) judge_two_phase(o, unbalanced, check);
  if (o.relay && o.settlement_interval && !o.two_phase) judge_clearing(o, check);
  return check;
}

sim::CheckResult check_ledger_double_post(const Observations& o) {
  sim::CheckResult check;
  check.name = "ledger_double_post";
  std::map<std::int64_t, std::size_t> posted;  // event -> transfers
  std::size_t extra = 0;
  std::int64_t extra_amount = 0;
  for (const LedgerTransfer& transfer : o.transfers) {
    if (++posted[transfer.event_id] < 2) continue;
    ++extra;
    std::int64_t amount = transfer.lines.empty() ? 0 : std::abs(transfer.lines.front().second);
    extra_amount += amount;
    if (!check.first)
      check.first = sim::Violation{transfer.at,
                                   {"ledger"},
                                   fmt::format("event {} (payment {}) was posted again: the ledger counts {} twice",
                                               transfer.event_id, transfer.payment_id, amount)};
  }
  check.held = extra == 0;
  check.summary = check.held ? fmt::format("{} events delivered {} times, each posted once in effect", posted.size(),
                                           o.applied.size())
                             : fmt::format("{} events posted more than once (+{})", extra, extra_amount);
  check.details = {{"deliveries", std::to_string(o.applied.size())},
                   {"extra postings", std::to_string(extra)},
                   {"amount posted too much", std::to_string(extra_amount)}};
  if (!o.two_phase) return check;
  if (check.held)
    check.summary = fmt::format("{} transfers, each posted once in effect ({} event deliveries)", posted.size(),
                                o.applied.size());
  judge_resolutions(o, check);
  return check;
}

}  // namespace payment
