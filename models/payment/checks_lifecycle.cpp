// The payment lifecycle's checkers: the state graph, contradictory events and the in-doubt
// liveness bound. They read the transitions the actors committed, in the order their commits
// were answered, and the payments table at the end.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "models/payment/checks.hpp"

namespace payment {
namespace {

/// Whether the graph of reference §1.6 allows `from` -> `to`; "" is before creation.
bool allowed(const std::string& from, const std::string& to) {
  static const std::map<std::string, std::set<std::string>> graph{
      {"", {"PENDING"}},
      {"PENDING", {"AUTHORIZED", "FAILED", "UNKNOWN"}},
      {"UNKNOWN", {"AUTHORIZED", "FAILED"}},
      {"AUTHORIZED", {"CAPTURED", "VOIDED", "EXPIRED"}},
      {"CAPTURED", {"PARTIALLY_REFUNDED", "REFUNDED", "DISPUTED"}},
      {"PARTIALLY_REFUNDED", {"PARTIALLY_REFUNDED", "REFUNDED", "DISPUTED"}},
      {"DISPUTED", {"DISPUTE_WON", "DISPUTE_LOST"}},
  };
  auto it = graph.find(from);
  return it != graph.end() && it->second.count(to) != 0;
}

/// The status an event announces; "" for events that announce none (refund.failed).
std::string status_of_event(const std::string& event) {
  static const std::map<std::string, std::string> statuses{
      {"payment.created", "PENDING"},   {"payment.authorized", "AUTHORIZED"}, {"payment.failed", "FAILED"},
      {"payment.captured", "CAPTURED"}, {"payment.voided", "VOIDED"},         {"payment.expired", "EXPIRED"},
      {"payment.refunded", "REFUNDED"}, {"payment.disputed", "DISPUTED"},
      {"payment.partially_refunded", "PARTIALLY_REFUNDED"},
      {"payment.dispute_won", "DISPUTE_WON"},   {"payment.dispute_lost", "DISPUTE_LOST"},
  };
  auto it = statuses.find(event);
  return it == statuses.end() ? "" : it->second;
}

std::string name_of(const std::string& status) { return status.empty() ? "(none)" : status; }

std::int64_t amount_of(const Observations& o, std::int64_t payment_id) {
  for (const PaymentRow& row : o.payments)
    if (row.id == payment_id) return row.amount;
  return 0;
}

struct Path {
  std::string status;  ///< where its committed moves left it
  std::string event;   ///< the status its last event announced
  std::set<std::string> events;
};

bool in_doubt(const std::string& status) { return status == "PENDING" || status == "UNKNOWN"; }

}  // namespace

sim::CheckResult check_invalid_transition(const Observations& o) {
  sim::CheckResult check;
  check.name = "invalid_transition";
  std::map<std::int64_t, Path> paths;
  std::set<std::int64_t> invalid;
  std::size_t steps = 0;
  auto step = [&](const Transition& t, const std::string& from, const std::string& to, const char* what) {
    if (allowed(from, to)) return;
    ++steps;
    invalid.insert(t.payment_id);
    if (!check.first)
      check.first =
          sim::Violation{t.at,
                         {t.node},
                         fmt::format("payment {}'s {} went {} -> {} ({}), which the state graph does not allow",
                                     t.payment_id, what, name_of(from), to, t.node)};
  };
  // Every design inserts a payment PENDING with its payment.created event in one transaction. A
  // payment in the table whose creation no actor saw answered (it crashed before its COMMIT's
  // reply) was created all the same: its path starts PENDING.
  std::set<std::int64_t> seen_created;
  for (const Transition& t : o.transitions)
    if (t.status == "PENDING") seen_created.insert(t.payment_id);
  for (const PaymentRow& row : o.payments)
    if (seen_created.count(row.id) == 0) paths[row.id] = Path{"PENDING", "PENDING", {"payment.created"}};
  for (const Transition& t : o.transitions) {
    Path& path = paths[t.payment_id];
    if (!t.status.empty()) {
      step(t, path.status, t.status, "status");
      path.status = t.status;
    }
    std::string announced = status_of_event(t.event);
    if (announced.empty()) continue;
    step(t, path.event, announced, "events");
    path.event = announced;
  }
  check.held = invalid.empty();
  check.summary = check.held ? fmt::format("{} payments, each along the state graph", paths.size())
                             : fmt::format("{} payments left the state graph ({} moves)", invalid.size(), steps);
  check.details = {{"payments off the graph", std::to_string(invalid.size())},
                   {"invalid moves", std::to_string(steps)}};
  return check;
}

sim::CheckResult check_contradictory_events(const Observations& o) {
  sim::CheckResult check;
  check.name = "contradictory_events";
  static const std::vector<std::pair<std::string, std::string>> opposites{
      {"payment.authorized", "payment.failed"},
      {"payment.captured", "payment.voided"},
      {"payment.captured", "payment.expired"},
  };
  std::map<std::int64_t, std::set<std::string>> emitted;
  std::set<std::int64_t> contradicted;
  std::int64_t amount = 0;
  for (const Transition& t : o.transitions) {
    if (t.event.empty()) continue;
    std::set<std::string>& events = emitted[t.payment_id];
    events.insert(t.event);
    if (contradicted.count(t.payment_id) != 0) continue;
    for (const auto& [a, b] : opposites) {
      if (events.count(a) == 0 || events.count(b) == 0) continue;
      contradicted.insert(t.payment_id);
      amount += amount_of(o, t.payment_id);
      const std::string& earlier = t.event == a ? b : a;
      if (!check.first)
        check.first = sim::Violation{t.at,
                                     {t.node},
                                     fmt::format("payment {} emitted {} after {}: its consumers were told both",
                                                 t.payment_id, t.event, earlier)};
      break;
    }
  }
  check.held = contradicted.empty();
  check.summary = check.held
                      ? fmt::format("{} payments, no event contradicting another", emitted.size())
                      : fmt::format("{} payments emitted contradictory events ({})", contradicted.size(), amount);
  check.details = {{"payments contradicted", std::to_string(contradicted.size())}, {"amount", std::to_string(amount)}};
  return check;
}

sim::CheckResult check_unknown_age(const Observations& o) {
  sim::CheckResult check;
  check.name = "unknown_age_max";
  std::map<std::int64_t, std::pair<sim::Instant, std::optional<sim::Instant>>> doubt;  // created, resolved
  for (const Transition& t : o.transitions) {
    if (t.status == "PENDING") doubt.try_emplace(t.payment_id, t.at, std::nullopt);
    auto it = doubt.find(t.payment_id);
    if (it != doubt.end() && !t.status.empty() && !in_doubt(t.status) && !it->second.second) it->second.second = t.at;
  }
  sim::Duration longest = sim::Duration::zero();
  std::size_t late = 0;
  for (const auto& [id, times] : doubt) {
    sim::Instant left = times.second.value_or(o.end);
    longest = std::max(longest, left - times.first);
    if (!o.reconcile_interval || o.faults_open_at_end) continue;
    sim::Instant due = std::max(times.first + o.reconcile_after, o.faults_healed.value_or(sim::Instant::zero())) +
                       *o.reconcile_interval * 2;
    if (left <= due || (!times.second && o.end <= due)) continue;
    ++late;
    if (!check.first)
      check.first =
          sim::Violation{due,
                         {"reconciler"},
                         fmt::format("payment {} was still in doubt two reconciliation periods after {}", id,
                                     times.first + o.reconcile_after >= o.faults_healed.value_or(sim::Instant::zero())
                                         ? "its reconcile_after"
                                         : "the faults healed")};
  }
  check.held = late == 0;
  check.summary = !o.reconcile_interval
                      ? fmt::format("no reconciliation job (longest in doubt {})", sim::to_string(longest))
                  : o.faults_open_at_end
                      ? fmt::format("faults open at the end: not judged (longest in doubt {})", sim::to_string(longest))
                  : check.held ? fmt::format("every payment left doubt in time (longest {})", sim::to_string(longest))
                               : fmt::format("{} payments in doubt past two reconciliation periods", late);
  check.details = {{"longest in doubt", sim::to_string(longest)}, {"late", std::to_string(late)}};
  return check;
}

}  // namespace payment
