// The notifier's checks: each committed event is notified to the customer once in effect
// (reference 1.6: "applied once in effect per consumer; redelivery is allowed"). A redelivery the
// notifier recognised sends nothing and is no duplicate; a row the relay marked sent must have been
// notified.
#include <fmt/format.h>

#include <map>
#include <set>

#include "models/payment/checks.hpp"

namespace payment {

sim::CheckResult check_duplicate_notification(const Observations& o) {
  sim::CheckResult check;
  check.name = "duplicate_notification";
  std::map<std::int64_t, int> sent;
  std::size_t extra = 0;
  for (const auto& [at, event] : o.notifications) {
    if (++sent[event] < 2) continue;
    ++extra;
    if (!check.first)
      check.first = sim::Violation{
          at, {"notifier"}, fmt::format("event {} notified to the customer a second time (a redelivery)", event)};
  }
  check.held = extra == 0;
  check.summary = !o.notifier  ? "no notifier in this run"
                  : check.held ? fmt::format("{} events, each notified once", sent.size())
                               : fmt::format("{} extra notifications of {} events", extra, sent.size());
  check.details = {{"extra notifications", std::to_string(extra)}};
  return check;
}

sim::CheckResult check_notification_lost(const Observations& o) {
  sim::CheckResult check;
  check.name = "notification_lost";
  std::set<std::int64_t> notified;
  for (const auto& [at, event] : o.notifications) notified.insert(event);
  std::size_t lost = 0;
  for (const OutboxRow& row : o.outbox) {
    if (!o.notifier || !row.sent || notified.contains(row.id)) continue;
    ++lost;
    if (!check.first)
      check.first = sim::Violation{o.end,
                                   {"relay"},
                                   fmt::format("event {} ({} of payment {}) is marked sent and was never notified",
                                               row.id, row.event, row.payment_id)};
  }
  check.held = lost == 0;
  check.summary = !o.notifier  ? "no notifier in this run"
                  : check.held ? "every sent event notified"
                               : fmt::format("{} events marked sent never notified", lost);
  check.details = {{"notifications lost", std::to_string(lost)}};
  return check;
}

}  // namespace payment
