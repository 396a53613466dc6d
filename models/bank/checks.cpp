#include "models/bank/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "sim/results/text.hpp"

namespace bank {
namespace {

/// Acknowledged transfers, in the order their acknowledgments came.
std::vector<const TransferRecord*> acknowledged(const History& history) {
  std::vector<const TransferRecord*> out;
  for (const TransferRecord& t : history.transfers)
    if (t.outcome == Outcome::committed) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(),
                   [](const TransferRecord* a, const TransferRecord* b) { return a->ended < b->ended; });
  return out;
}

std::string money_text(std::int64_t amount) { return sim::group_digits(static_cast<std::uint64_t>(amount)); }

/// The first acknowledged commit that wrote a balance other than the one before it plus its
/// change: where a lost update shows.
std::optional<sim::Violation> first_bad_write(const History& history) {
  std::map<int, std::int64_t> balance;
  for (int a = 1; a <= history.accounts; ++a) balance[a] = history.initial_balance;
  for (const TransferRecord* t : acknowledged(history)) {
    for (const Write& w : t->writes) {
      std::int64_t expected = balance[w.account] + w.delta;
      if (w.balance != expected) {
        std::int64_t off = w.balance - expected;
        return sim::Violation{
            t->ended,
            {t->client},
            fmt::format("transfer {} wrote balance {} to account {}, where the committed balance before it plus its "
                        "change was {}: {} {} ({})",
                        t->id, w.balance, w.account, expected, money_text(off > 0 ? off : -off),
                        off > 0 ? "created" : "destroyed", "another transaction's committed change was overwritten")};
      }
      balance[w.account] = w.balance;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::committed: return "committed";
    case Outcome::declined: return "declined";
    case Outcome::failed: return "failed";
    case Outcome::unknown: return "unknown";
  }
  return "?";
}

std::vector<std::string> check_names() {
  return {"money_conserved", "doctor_on_call", "acknowledged_commits", "consistent_totals"};
}

sim::CheckResult money_conserved(const History& history) {
  sim::CheckResult check;
  check.name = "money_conserved";
  if (!history.final) {
    check.summary = "not judged: the server was down at the end";
    return check;
  }
  const FinalState& state = *history.final;
  std::map<int, std::int64_t> expected;
  for (int a = 1; a <= history.accounts; ++a) expected[a] = history.initial_balance;
  for (const auto& [id, t] : state.transfers) {
    expected[t.from] -= t.amount;
    expected[t.to] += t.amount;
  }
  std::int64_t created = 0, destroyed = 0, total = 0;
  int wrong = 0;
  for (const auto& [account, balance] : state.balances) {
    total += balance;
    std::int64_t off = balance - expected[account];
    if (off != 0) ++wrong;
    if (off > 0)
      created += off;
    else
      destroyed -= off;
  }
  check.held = wrong == 0;
  check.summary = fmt::format("{} created, {} destroyed ({} of {} accounts off the transfers table)",
                              money_text(created), money_text(destroyed), wrong, state.balances.size());
  check.details = {{"initial total", money_text(history.initial_total())},
                   {"final total", money_text(total)},
                   {"transfers in the table", sim::group_digits(state.transfers.size())}};
  if (!check.held) {
    check.first = first_bad_write(history);
    if (!check.first)
      check.first = sim::Violation{sim::Instant::zero(), {}, "the final balances disagree with the transfers table"};
  }
  return check;
}

sim::CheckResult doctor_on_call(const History& history) {
  sim::CheckResult check;
  check.name = "doctor_on_call";
  if (history.wards == 0) {
    check.summary = "no wards";
    return check;
  }
  if (!history.final) {
    check.summary = "not judged: the server was down at the end";
    return check;
  }
  std::map<int, int> on_call;
  for (int w = 0; w < history.wards; ++w) on_call[w] = 0;
  for (const auto& [doctor, on] : history.final->on_call)
    if (on) ++on_call[history.final->ward_of.at(doctor)];
  int empty = 0;
  for (const auto& [ward, count] : on_call) empty += count == 0 ? 1 : 0;
  check.held = empty == 0;
  check.summary = fmt::format("{} of {} wards left with nobody on call", empty, history.wards);
  if (check.held) return check;
  // The moment: the last acknowledged leave of the first ward left empty.
  for (const auto& [ward, count] : on_call) {
    if (count != 0) continue;
    sim::Violation v{sim::Instant::zero(), {}, fmt::format("ward {} has nobody on call: every doctor left", ward + 1)};
    for (const DoctorRecord& d : history.doctors) {
      if (d.ward != ward || !d.left) continue;
      v.nodes.push_back(d.doctor);
      v.at = std::max(v.at, d.ended);
    }
    check.first = v;
    break;
  }
  return check;
}

sim::CheckResult acknowledged_commits(const History& history) {
  sim::CheckResult check;
  check.name = "acknowledged_commits";
  if (!history.final) {
    check.summary = "not judged: the server was down at the end";
    return check;
  }
  std::size_t acked = 0, lost = 0;
  std::optional<sim::Violation> first;
  auto lose = [&](sim::Instant at, const std::string& node, std::string what) {
    ++lost;
    if (!first || at < first->at) first = sim::Violation{at, {node}, std::move(what)};
  };
  for (const TransferRecord& t : history.transfers) {
    if (t.outcome != Outcome::committed) continue;
    ++acked;
    if (history.final->transfers.count(t.id) == 0)
      lose(t.ended, t.client,
           fmt::format("transfer {} was acknowledged as committed and is not in the database", t.id));
  }
  for (const DoctorRecord& d : history.doctors) {
    if (d.outcome != Outcome::committed || !d.left) continue;
    ++acked;
    auto on = history.final->on_call.find(d.id);
    if (on != history.final->on_call.end() && on->second)
      lose(d.ended, d.doctor, fmt::format("{} was acknowledged as off call and is on call in the database", d.doctor));
  }
  check.held = lost == 0;
  check.summary = fmt::format("{} of {} acknowledged commits lost", sim::group_digits(lost), sim::group_digits(acked));
  check.first = first;
  return check;
}

std::vector<std::int64_t> true_totals(const History& history) {
  std::map<int, std::int64_t> balance;
  std::int64_t total = history.initial_total();
  for (int a = 1; a <= history.accounts; ++a) balance[a] = history.initial_balance;
  std::vector<std::int64_t> totals{total};
  for (const TransferRecord* t : acknowledged(history)) {
    for (const Write& w : t->writes) {
      total += w.balance - balance[w.account];
      balance[w.account] = w.balance;
    }
    totals.push_back(total);
  }
  return totals;
}

sim::CheckResult consistent_totals(const History& history) {
  sim::CheckResult check;
  check.name = "consistent_totals";
  if (history.reads.empty()) {
    check.summary = "no reads";
    return check;
  }
  std::vector<std::int64_t> totals = true_totals(history);
  std::set<std::int64_t> existed(totals.begin(), totals.end());
  std::size_t bad = 0;
  for (const TotalRead& r : history.reads) {
    if (existed.count(r.total) != 0) continue;
    ++bad;
    if (!check.first || r.ended < check.first->at)
      check.first =
          sim::Violation{r.ended,
                         {r.reader},
                         fmt::format("{} read a total of {}, which the database never held (it held {} at the start)",
                                     r.reader, money_text(r.total), money_text(history.initial_total()))};
  }
  check.held = bad == 0;
  check.summary = fmt::format("{} of {} totals read were never the database's total", sim::group_digits(bad),
                              sim::group_digits(history.reads.size()));
  return check;
}

}  // namespace bank
