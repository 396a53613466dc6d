#include "models/payment/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace payment {
namespace {

struct Excess {
  std::size_t groups = 0;  ///< keys (or orders) with more than one
  std::size_t extra = 0;
  std::int64_t extra_amount = 0;
  std::optional<sim::Violation> first;
};

/// Groups items by `group_of`; each group beyond its first item is an excess.
template <class Item, class GroupOf, class Describe>
Excess excess(const std::vector<const Item*>& items, GroupOf group_of, Describe describe) {
  std::map<std::int64_t, std::vector<const Item*>> groups;
  for (const Item* item : items) groups[group_of(*item)].push_back(item);
  Excess result;
  for (const auto& [group, members] : groups) {
    if (members.size() < 2) continue;
    ++result.groups;
    result.extra += members.size() - 1;
    for (std::size_t i = 1; i < members.size(); ++i) result.extra_amount += members[i]->amount;
    if (!result.first) result.first = describe(group, members);
  }
  return result;
}

std::string money(std::int64_t amount) { return fmt::format("{}", amount); }

sim::CheckResult per_key_and_order(std::string name, const Excess& by_key, const Excess& by_order, const char* noun) {
  sim::CheckResult check;
  check.name = std::move(name);
  check.held = by_key.extra == 0 && by_order.extra == 0;
  check.summary = check.held ? fmt::format("at most one {} per key and per order", noun)
                             : fmt::format("{} extra {} per key (+{}), {} per order (+{})", by_key.extra, noun,
                                           money(by_key.extra_amount), by_order.extra, money(by_order.extra_amount));
  check.details = {{"keys with more than one", std::to_string(by_key.groups)},
                   {"extra per key", std::to_string(by_key.extra)},
                   {"extra amount per key", money(by_key.extra_amount)},
                   {"orders with more than one", std::to_string(by_order.groups)},
                   {"extra per order", std::to_string(by_order.extra)},
                   {"extra amount per order", money(by_order.extra_amount)}};
  check.first = by_key.first ? by_key.first : by_order.first;
  return check;
}

const Authorization* auth_by_id(const Observations& o, std::int64_t id) {
  for (const Authorization& auth : o.authorizations)
    if (auth.auth_id == id) return &auth;
  return nullptr;
}

/// A payment that charges (or will charge) its customer: authorised, or captured.
bool holds_authorization(const PaymentRow& row) {
  return (row.status == "AUTHORIZED" || row.status == "CAPTURED" || row.status == "PARTIALLY_REFUNDED") &&
         row.network_ref != 0;
}

/// When the payment was created (the run's start if unknown).
sim::Instant created_at(const Observations& o, std::int64_t id) {
  for (const auto& [when, created] : o.created)
    if (created == id) return when;
  return sim::Instant::zero();
}

/// Whether the payment's idempotency record had been deleted by the reaper before it was created.
bool key_pruned_before(const Observations& o, const PaymentRow& row) {
  sim::Instant created = created_at(o, row.id);
  for (const auto& [when, key] : o.pruned)
    if (key == row.key && when < created) return true;
  return false;
}

/// Charges beyond each order's first that were made after their key was pruned.
std::size_t pruned_extras(const Observations& o, const std::vector<const PaymentRow*>& charged) {
  std::map<std::int64_t, std::size_t> seen;
  std::size_t count = 0;
  for (const PaymentRow* row : charged)
    if (seen[row->order]++ > 0 && key_pruned_before(o, *row)) ++count;
  return count;
}

bool expired(const Observations& o, const Authorization& auth) { return o.end >= auth.at + o.auth_validity; }

/// The approved re-authorisation that replaced `auth` once it had expired uncaptured (P8's recovery), if any: the
/// two holds are one payment's, one after the other, never on the card together.
const Authorization* replacement_of(const Observations& o, const Authorization& auth) {
  if (auth.captured != 0) return nullptr;
  for (const Authorization& later : o.authorizations)
    if (later.approved && later.replaces == auth.auth_id && later.at >= auth.at + o.auth_validity) return &later;
  return nullptr;
}

}  // namespace

sim::CheckResult check_duplicate_authorization(const Observations& o) {
  std::vector<const Authorization*> approved;
  for (const Authorization& auth : o.authorizations)
    if (auth.approved && replacement_of(o, auth) == nullptr) approved.push_back(&auth);
  auto describe = [](const char* by) {
    return [by](std::int64_t group, const std::vector<const Authorization*>& members) {
      return sim::Violation{members[1]->at,
                            {"network"},
                            fmt::format("the network approved {} holds for {} {} (payments {} and {}), "
                                        "{} more than one",
                                        members.size(), by, group, members[0]->payment_id, members[1]->payment_id,
                                        money(members[1]->amount))};
    };
  };
  Excess by_key = excess(
      approved, [](const Authorization& a) { return a.key; }, describe("key"));
  Excess by_order = excess(
      approved, [](const Authorization& a) { return a.order; }, describe("order"));
  return per_key_and_order("duplicate_authorization", by_key, by_order, "authorisations");
}

sim::CheckResult check_duplicate_charge(const Observations& o) {
  std::vector<const PaymentRow*> charged;
  for (const PaymentRow& row : o.payments)
    if (holds_authorization(row)) charged.push_back(&row);
  auto describe = [&o](const char* by) {
    return [&o, by](std::int64_t group, const std::vector<const PaymentRow*>& members) {
      const Authorization* auth = auth_by_id(o, members[1]->network_ref);
      return sim::Violation{
          auth ? auth->at : sim::Instant::zero(),
          {"postgres-1"},
          fmt::format("{} payments for {} {} are authorised (payments {} and {}): the customer is "
                      "charged {} twice{}",
                      members.size(), by, group, members[0]->id, members[1]->id, money(members[1]->amount),
                      key_pruned_before(o, *members[1]) ? " (cause key_pruned: the key's record was deleted before "
                                                          "the retry that made the second)"
                                                        : "")};
    };
  };
  Excess by_key = excess(
      charged, [](const PaymentRow& r) { return r.key; }, describe("key"));
  Excess by_order = excess(
      charged, [](const PaymentRow& r) { return r.order; }, describe("order"));
  sim::CheckResult check = per_key_and_order("duplicate_charge", by_key, by_order, "charges");
  std::size_t pruned = pruned_extras(o, charged);
  check.details.emplace_back("extra per order, cause key_pruned", std::to_string(pruned));
  if (pruned != 0) check.summary += fmt::format("; {} made after its key was pruned (cause key_pruned)", pruned);
  return check;
}

sim::CheckResult check_param_mismatch(const Observations& o) {
  sim::CheckResult check;
  check.name = "param_mismatch_accepted";
  std::size_t count = 0;
  std::int64_t unpaid = 0;
  for (const Answer& a : o.answers) {
    if (a.code != 200 || a.answered_amount == a.amount) continue;
    ++count;
    unpaid += a.amount;
    if (!check.first)
      check.first =
          sim::Violation{a.at,
                         {fmt::format("client-{}", a.client + 1)},
                         fmt::format("order {} asked {} under key {} and was told 200 for payment {} of {}: "
                                     "it is marked paid and never charged",
                                     a.order, money(a.amount), a.key, a.payment_id, money(a.answered_amount))};
  }
  check.held = count == 0;
  check.summary =
      check.held ? "every 200 answered the amount asked"
                 : fmt::format("{} requests answered 200 for another amount ({} never charged)", count, money(unpaid));
  check.details = {{"accepted mismatches", std::to_string(count)}, {"amount never charged", money(unpaid)}};
  return check;
}

sim::CheckResult check_response_consistency(const Observations& o) {
  sim::CheckResult check;
  check.name = "response_consistency";
  std::map<std::int64_t, const Answer*> first_success;
  std::size_t differing = 0;
  for (const Answer& a : o.answers) {
    if (a.code != 200) continue;
    auto [it, inserted] = first_success.emplace(a.key, &a);
    if (inserted) continue;
    const Answer& b = *it->second;
    if (a.payment_id == b.payment_id && a.approved == b.approved && a.answered_amount == b.answered_amount) continue;
    ++differing;
    if (!check.first)
      check.first = sim::Violation{a.at,
                                   {fmt::format("client-{}", a.client + 1)},
                                   fmt::format("key {} was answered 200 for payment {}, then 200 for payment {}", a.key,
                                               b.payment_id, a.payment_id)};
  }
  check.held = differing == 0;
  check.summary = check.held ? fmt::format("{} keys, each answered alike", first_success.size())
                             : fmt::format("{} answers differ from their key's first 200", differing);
  check.details = {{"keys answered 200", std::to_string(first_success.size())},
                   {"differing answers", std::to_string(differing)}};
  return check;
}

sim::CheckResult check_held_funds(const Observations& o) {
  sim::CheckResult check;
  check.name = "held_funds_leak";
  std::set<std::int64_t> recorded;
  for (const PaymentRow& row : o.payments)
    if (row.status == "AUTHORIZED" && row.network_ref != 0) recorded.insert(row.network_ref);
  // The two-phase ledger's view: a hold is the books' only while its payment's pending transfer reserves it.
  std::set<std::int64_t> reserved;
  for (const PendingTransfer& pending : o.pending_transfers)
    if (pending.open()) reserved.insert(pending.payment_id);
  std::size_t leaked = 0, unreserved = 0;
  std::int64_t amount = 0;
  for (const Authorization& auth : o.authorizations) {
    if (!auth.approved || auth.captured != 0 || auth.voided || replacement_of(o, auth) != nullptr) continue;
    bool released = o.two_phase && reserved.count(auth.payment_id) == 0;
    if (recorded.count(auth.auth_id) != 0 && !expired(o, auth) && !released) continue;
    ++leaked;
    unreserved += released ? 1 : 0;
    amount += auth.amount;
    if (!check.first && released && !expired(o, auth))
      check.first = sim::Violation{auth.at,
                                   {"ledger"},
                                   fmt::format("hold {} of {} for payment {} is still on the card but the ledger "
                                               "reserves nothing for it: the books released what the network holds",
                                               auth.auth_id, money(auth.amount), auth.payment_id)};
    if (!check.first)
      check.first = sim::Violation{auth.at,
                                   {"network"},
                                   expired(o, auth)
                                       ? fmt::format("hold {} of {} for payment {} expired uncaptured: the customer's "
                                                     "funds were held for nothing",
                                                     auth.auth_id, money(auth.amount), auth.payment_id)
                                       : fmt::format("hold {} of {} for payment {} is recorded by no authorised "
                                                     "payment: never captured nor voided, it stays until it expires",
                                                     auth.auth_id, money(auth.amount), auth.payment_id)};
  }
  check.held = leaked == 0;
  check.summary =
      check.held ? "every approved hold is a payment's" : fmt::format("{} holds leaked ({})", leaked, money(amount));
  check.details = {{"holds leaked", std::to_string(leaked)}, {"amount held", money(amount)}};
  if (!o.two_phase) return check;
  if (check.held) check.summary += ", reserved in the ledger";
  check.details.emplace_back("holds the ledger no longer reserves", std::to_string(unreserved));
  return check;
}

sim::CheckResult check_in_doubt(const Observations& o) {
  sim::CheckResult check;
  check.name = "in_doubt";
  std::size_t pending = 0, unknown = 0;
  std::int64_t amount = 0;
  for (const PaymentRow& row : o.payments) {
    if (row.status != "PENDING" && row.status != "UNKNOWN") continue;
    ++pending;
    unknown += row.status == "UNKNOWN" ? 1 : 0;
    amount += row.amount;
    if (!check.first) {
      sim::Instant at = sim::Instant::zero();
      for (const auto& [when, id] : o.created)
        if (id == row.id) at = when;
      check.first = sim::Violation{at,
                                   {"postgres-1"},
                                   fmt::format("payment {} (key {}, {}) was left {}: nothing resolved it", row.id,
                                               row.key, money(row.amount), row.status)};
    }
  }
  check.held = pending == 0 && !o.database_down_at_end;
  check.summary = o.database_down_at_end ? "the database was down at the end: payments unknown"
                  : check.held           ? "no payment left in doubt"
                                         : fmt::format("{} payments left {} ({})", pending,
                                             unknown == 0 ? "PENDING" : "PENDING or UNKNOWN", money(amount));
  check.details = {{"pending at the end", std::to_string(pending)}, {"amount in doubt", money(amount)}};
  return check;
}

sim::CheckResult check_over_capture(const Observations& o) {
  sim::CheckResult check;
  check.name = "over_capture";
  std::map<std::int64_t, std::int64_t> captured;  // auth -> accepted captures so far
  std::size_t over = 0, refused = 0;
  std::int64_t excess = 0;
  for (const NetworkMove& move : o.moves) {
    if (move.kind != NetworkMove::Kind::capture || move.auth_id < 1 ||
        move.auth_id > static_cast<std::int64_t>(o.authorizations.size()))
      continue;
    refused += move.refusal == "over_capture" ? 1 : 0;
    if (!move.refusal.empty()) continue;
    const Authorization& auth = o.authorizations[static_cast<std::size_t>(move.auth_id - 1)];
    std::int64_t before = captured[move.auth_id];
    std::int64_t after = before + move.amount;
    captured[move.auth_id] = after;
    if (after <= auth.amount) continue;
    ++over;
    excess += after - std::max(before, auth.amount);
    if (!check.first)
      check.first = sim::Violation{move.at,
                                   {"network"},
                                   fmt::format("payment {} was captured {} on a hold of {}", move.payment_id,
                                               money(after), money(auth.amount))};
  }
  check.held = over == 0;
  check.summary = check.held ? fmt::format("{} holds captured, none beyond its amount ({} refused as over_capture)",
                                           captured.size(), refused)
                             : fmt::format("{} holds captured beyond their amount (+{})", over, money(excess));
  check.details = {{"holds over-captured", std::to_string(over)},
                   {"amount captured too much", money(excess)},
                   {"captures refused as over_capture", std::to_string(refused)}};
  return check;
}

sim::CheckResult check_over_refund(const Observations& o) {
  sim::CheckResult check;
  check.name = "over_refund";
  std::map<std::int64_t, std::int64_t> refunded;  // auth -> accepted refunds so far
  std::set<std::int64_t> over;
  std::int64_t excess = 0;
  for (const NetworkMove& move : o.moves) {
    if (move.kind != NetworkMove::Kind::refund || !move.refusal.empty() || move.auth_id < 1 ||
        move.auth_id > static_cast<std::int64_t>(o.authorizations.size()))
      continue;
    const Authorization& auth = o.authorizations[static_cast<std::size_t>(move.auth_id - 1)];
    std::int64_t before = refunded[move.auth_id];
    std::int64_t after = before + move.amount;
    refunded[move.auth_id] = after;
    if (after <= auth.captured) continue;
    excess += after - std::max(before, auth.captured);
    over.insert(move.auth_id);
    if (!check.first)
      check.first = sim::Violation{
          move.at,
          {"network"},
          fmt::format("payment {} was refunded {} on a capture of {}: {} paid back twice", move.payment_id,
                      money(after), money(auth.captured), money(after - auth.captured))};
  }
  check.held = over.empty();
  check.summary = check.held
                      ? fmt::format("{} holds refunded, none beyond its capture", refunded.size())
                      : fmt::format("{} payments refunded beyond their capture (+{})", over.size(), money(excess));
  check.details = {{"payments over-refunded", std::to_string(over.size())},
                   {"amount refunded too much", money(excess)}};
  return check;
}

sim::CheckResult check_capture_after_expiry(const Observations& o) {
  sim::CheckResult check;
  check.name = "capture_after_expiry";
  std::size_t refused = 0, recovered = 0;
  std::int64_t amount = 0;
  for (const NetworkMove& move : o.moves) {
    if (move.kind != NetworkMove::Kind::capture || move.refusal != "expired") continue;
    const Authorization* auth = auth_by_id(o, move.auth_id);
    const Authorization* replacement = auth ? replacement_of(o, *auth) : nullptr;
    if (replacement != nullptr && replacement->captured != 0) {
      ++recovered;  // re-authorised and captured: paid, with an alert
      continue;
    }
    ++refused;
    amount += move.amount;
    if (!check.first)
      check.first = sim::Violation{move.at,
                                   {"network"},
                                   fmt::format("the capture of payment {} ({}) came after its hold expired: the "
                                               "order goes out unpaid",
                                               move.payment_id, money(move.amount))};
  }
  check.held = refused == 0;
  check.summary = check.held ? "no capture came after its hold expired"
                             : fmt::format("{} captures refused as expired ({} unpaid)", refused, money(amount));
  check.details = {{"captures after expiry", std::to_string(refused)}, {"amount unpaid", money(amount)}};
  if (!o.reauthorize) return check;
  if (recovered != 0)
    check.summary += fmt::format("; {} refused as expired, re-authorised and captured (an alert each)", recovered);
  check.details.emplace_back("recovered by re-authorisation", std::to_string(recovered));
  return check;
}

sim::CheckResult check_saga_incomplete(const Observations& o) {
  sim::CheckResult check;
  check.name = "saga_incomplete";
  std::set<std::int64_t> refunded_rows;
  for (const PaymentRow& row : o.payments)
    if (row.status == "REFUNDED" || row.status == "PARTIALLY_REFUNDED") refunded_rows.insert(row.id);
  std::set<std::int64_t> unrecorded;
  for (const NetworkMove& move : o.moves) {
    if (move.kind != NetworkMove::Kind::refund || !move.refusal.empty()) continue;
    if (refunded_rows.count(move.payment_id) != 0 || !unrecorded.insert(move.payment_id).second) continue;
    if (!check.first)
      check.first = sim::Violation{move.at,
                                   {"network"},
                                   fmt::format("the network refunded payment {} ({}), which its row never records",
                                               move.payment_id, money(move.amount))};
  }
  std::size_t open = 0;
  for (const RefundRow& saga : o.refunds)
    if (saga.step == "started" || saga.step == "refunded") ++open;
  if (open != 0 && !check.first) check.first = sim::Violation{o.end, {"postgres-1"}, "a refund saga was left open"};
  check.held = unrecorded.empty() && open == 0;
  check.summary =
      check.held ? "every refund recorded, no saga left open"
                 : fmt::format("{} refunds not recorded on their payment, {} sagas left open", unrecorded.size(), open);
  check.details = {{"refunds not recorded", std::to_string(unrecorded.size())},
                   {"sagas left open", std::to_string(open)}};
  return check;
}

sim::CheckResult check_event_lost(const Observations& o) {
  sim::CheckResult check;
  check.name = "event_lost";
  std::set<std::int64_t> delivered;
  for (const auto& [at, event] : o.applied) delivered.insert(event);
  std::size_t lost = 0, pending = 0;
  for (const OutboxRow& row : o.outbox) {
    // Published straight after the commit: every committed event the ledger posts must have reached it.
    bool published = o.publish_after_commit && (row.event == "payment.captured" || row.event == "payment.refunded" ||
                                                 row.event == "payment.partially_refunded");
    if (!row.sent && !published) {
      ++pending;
      continue;
    }
    if (delivered.count(row.id) != 0) continue;
    ++lost;
    if (!check.first)
      check.first =
          sim::Violation{o.end,
                         {published ? "backoffice" : "relay"},
                         fmt::format("event {} ({} of payment {}) is {} and never reached the ledger", row.id,
                                     row.event, row.payment_id, published ? "committed" : "marked sent")};
  }
  check.held = lost == 0;
  check.summary = !o.relay && !o.publish_after_commit ? "no relay in this run"
                  : check.held ? fmt::format("every sent event reached the ledger ({} still in the outbox)", pending)
                  : o.publish_after_commit ? fmt::format("{} committed events never reached the ledger", lost)
                                           : fmt::format("{} events marked sent never reached the ledger", lost);
  check.details = {{"events lost", std::to_string(lost)}, {"unsent at the end", std::to_string(pending)}};
  return check;
}

sim::CheckResult check_ledger_matches_network(const Observations& o) {
  sim::CheckResult check;
  check.name = "ledger_matches_network";
  std::map<std::int64_t, const RecordedLine*> recorded;
  for (const RecordedLine& line : o.recorded_lines) recorded.emplace(line.line_id, &line);
  std::size_t judged = 0, unmatched = 0;
  std::int64_t amount = 0;
  std::map<std::string, std::size_t> by_kind;
  for (const SettlementLine& line : o.settlement) {
    // The job has had two of its periods since the file closed.
    sim::Instant closed = sim::Instant::zero() + *o.settlement_interval * (line.file + 1);
    if (!o.reconcile_interval || closed + *o.reconcile_interval * 2 > o.end) continue;
    ++judged;
    auto found = recorded.find(line.line_id);
    if (found != recorded.end() && found->second->matched) continue;
    ++unmatched;
    amount += line.amount;
    ++by_kind[to_string(line.kind)];
    if (!check.first)
      check.first = sim::Violation{
          closed + *o.reconcile_interval * 2,
          {"reconciler"},
          fmt::format("settlement line {} ({} of {} for authorisation {}) matches no internal record{}", line.line_id,
                      to_string(line.kind), line.amount, line.auth_id,
                      found == recorded.end() ? ", and the job never recorded it" : "")};
  }
  check.held = unmatched == 0;
  std::string kinds;
  for (const auto& [kind, count] : by_kind) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", count, kind);
  check.summary = !o.settlement_interval ? "no settlement files in this run"
                  : check.held
                      ? fmt::format("{} settlement lines, each matched with its record", judged)
                      : fmt::format("{} of {} settlement lines unmatched ({}), {} in all", unmatched, judged, kinds,
                                    amount);
  check.details = {{"lines judged", std::to_string(judged)},
                   {"unmatched lines", std::to_string(unmatched)},
                   {"unmatched amount", std::to_string(amount)}};
  return check;
}

}  // namespace payment
