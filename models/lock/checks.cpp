#include "models/lock/checks.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lock {
namespace {

std::string at(sim::Instant instant) { return sim::to_string(instant - sim::Instant::zero()); }

const std::string& name_of(const Observations& observations, int client) {
  return observations.client_names.at(static_cast<std::size_t>(client));
}

std::string describe_grant(const Observations& observations, const Grant& grant) {
  std::string token = grant.token != 0 ? fmt::format(", token {}", grant.token) : "";
  return fmt::format("{} (grant {}{}, at {})", name_of(observations, grant.client), grant.epoch, token,
                     at(grant.granted));
}

/// Where a grant stands in the lock service's order, in words.
std::string service_place(const Observations& observations, const Grant& grant) {
  const std::string& who = name_of(observations, grant.client);
  if (grant.service_order == 0) return fmt::format("{} grant {}", who, grant.epoch);
  if (grant.holders.empty()) return fmt::format("{}'s key has revision {}", who, grant.service_order);
  return fmt::format("{}'s key was set at {}", who, sim::to_string(sim::Duration::nanoseconds(grant.service_order)));
}

/// Whether grant `a` comes before grant `b` in the lock service's order (the epoch where the
/// service's order does not tell them apart).
bool served_before(const Grant& a, const Grant& b) {
  if (a.service_order != b.service_order) return a.service_order < b.service_order;
  return a.epoch < b.epoch;
}

}  // namespace

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> names{"overlapping_holders", "stale_writes", "lost_acknowledged_writes",
                                              "liveness"};
  return names;
}

std::string fate_of(const Grant& grant) {
  std::vector<std::string> seen;
  if (!grant.fate_detail.empty()) seen.push_back(grant.fate_detail);
  for (const Holder& h : grant.holders)
    if (!h.fate.empty() && std::find(seen.begin(), seen.end(), h.fate_detail) == seen.end())
      seen.push_back(h.fate_detail);
  std::string text;
  for (const std::string& clause : seen) text += (text.empty() ? "" : "; ") + clause;
  return text;
}

sim::CheckResult OverlapCheck::run(const Observations& observations) const {
  sim::CheckResult result;
  result.name = "overlapping_holders";
  const std::vector<Grant>& grants = observations.grants;
  std::size_t pairs = 0;
  sim::Duration total = sim::Duration::zero();
  const Grant* first_old = nullptr;
  const Grant* first_new = nullptr;
  for (std::size_t j = 0; j < grants.size(); ++j) {
    const Grant& newer = grants[j];
    for (std::size_t i = 0; i < j; ++i) {
      const Grant& older = grants[i];
      if (older.client == newer.client) continue;
      sim::Instant older_end = older.ended.value_or(observations.run_end);
      sim::Instant newer_end = newer.ended.value_or(observations.run_end);
      if (older_end <= newer.granted) continue;  // grants come in true-time order: newer starts later
      ++pairs;
      total = total + (std::min(older_end, newer_end) - newer.granted);
      if (!first_new) {
        first_old = &older;
        first_new = &newer;
      }
    }
  }
  result.details.emplace_back("grants", std::to_string(grants.size()));
  result.details.emplace_back("overlapping pairs", std::to_string(pairs));
  result.details.emplace_back("total overlap", sim::to_string(total));
  if (pairs == 0) {
    result.summary = fmt::format("no two clients believed they held the lock at once ({} grants)", grants.size());
    return result;
  }
  result.held = false;
  result.summary = fmt::format("{} pairs of grants overlapped, {} in all", pairs, sim::to_string(total));
  std::string cause = fate_of(*first_old);
  sim::Violation v;
  v.at = first_new->granted;
  v.nodes = {name_of(observations, first_old->client), name_of(observations, first_new->client)};
  v.what = fmt::format("{} was granted the lock while {} still believed it held it{}",
                       describe_grant(observations, *first_new), describe_grant(observations, *first_old),
                       cause.empty() ? "" : ": " + cause);
  result.first = v;
  return result;
}

sim::CheckResult StaleWriteCheck::run(const Observations& observations) const {
  sim::CheckResult result;
  result.name = "stale_writes";
  const Grant* newest = nullptr;  // the newest grant, in the service's order, that wrote so far
  std::size_t accepted = 0, refused = 0, stale = 0;
  for (const WriteRecord& write : observations.writes) {
    if (!write.accepted) {
      ++refused;
      continue;
    }
    ++accepted;
    const Grant& grant = observations.grants.at(write.epoch - 1);
    if (newest && served_before(grant, *newest)) {
      ++stale;
      if (!result.first) {
        sim::Violation v;
        v.at = write.at;
        v.nodes = {name_of(observations, write.client), "storage"};
        v.what = fmt::format("the storage accepted a write from {} after one from {} ({}), though the lock service "
                             "granted the lock to {} later ({}, {}); {}",
                             describe_grant(observations, grant), describe_grant(observations, *newest), write.reason,
                             name_of(observations, newest->client), service_place(observations, *newest),
                             service_place(observations, grant),
                             fate_of(grant).empty() ? "its lock was no longer its own" : fate_of(grant));
        result.first = v;
      }
      continue;
    }
    newest = &grant;
  }
  result.details.emplace_back("writes accepted", std::to_string(accepted));
  result.details.emplace_back("writes refused", std::to_string(refused));
  result.details.emplace_back("stale writes accepted", std::to_string(stale));
  result.held = stale == 0;
  result.summary =
      stale == 0
          ? fmt::format("every accepted write came from the newest grant so far ({} accepted, {} refused)", accepted,
                        refused)
          : fmt::format("{} of {} accepted writes came from an older grant ({} refused)", stale, accepted, refused);
  return result;
}

sim::CheckResult LostWriteCheck::run(const Observations& observations) const {
  sim::CheckResult result;
  result.name = "lost_acknowledged_writes";
  std::size_t acknowledged = 0, lost = 0;
  for (const Grant& grant : observations.grants) {
    if (grant.holders.empty()) {  // a lock held outside Redis: the grant itself was acknowledged
      ++acknowledged;
      if (grant.fate == "lost") {
        ++lost;
        if (!result.first || grant.fate_at < result.first->at) {
          result.first = sim::Violation{grant.fate_at, {name_of(observations, grant.client)},
                                        fmt::format("the lock {} held was acknowledged and then lost: {}",
                                                    describe_grant(observations, grant), grant.fate_detail)};
        }
      }
    }
    for (const Holder& h : grant.holders) {
      ++acknowledged;
      if (h.fate != "lost") continue;
      ++lost;
      if (!result.first || h.fate_at < result.first->at) {
        sim::Violation v;
        v.at = h.fate_at;
        v.nodes = {name_of(observations, grant.client)};
        v.what = fmt::format("the lock {} held was acknowledged and then lost: {}", describe_grant(observations, grant),
                             h.fate_detail);
        result.first = v;
      }
    }
  }
  result.details.emplace_back("acknowledged lock writes", std::to_string(acknowledged));
  result.details.emplace_back("lost", std::to_string(lost));
  result.held = lost == 0;
  result.summary = lost == 0 ? fmt::format("no acknowledged lock write was lost ({} acknowledged)", acknowledged)
                             : fmt::format("{} of {} acknowledged lock writes were lost by a restart or a failover",
                                           lost, acknowledged);
  return result;
}

sim::CheckResult LivenessCheck::run(const Observations& observations, const sim::FaultActivity& faults) const {
  sim::CheckResult result;
  result.name = "liveness";
  sim::Duration bound = observations.liveness_bound;
  result.details.emplace_back("bound", sim::to_string(bound));
  if (faults.open_at_end) {
    result.summary = "not judged: a fault was still in effect when the run ended";
    return result;
  }
  sim::Instant quiet = faults.last_change.value_or(sim::Instant::zero());
  result.details.emplace_back("last fault", faults.last_change ? at(quiet) : "none");
  std::size_t judged = 0;
  for (const Attempt& attempt : observations.attempts) {
    sim::Instant waiting_from = std::max(quiet, attempt.started);
    sim::Instant stopped = attempt.acquired ? *attempt.acquired : attempt.gave_up.value_or(observations.run_end);
    if (stopped < waiting_from) continue;  // it was over before the faults were
    if (waiting_from + bound > observations.run_end) continue;  // not enough run left to judge
    ++judged;
    if (attempt.acquired && *attempt.acquired <= waiting_from + bound) continue;
    // Someone else being granted the lock in the window is progress too.
    bool progress = std::any_of(observations.grants.begin(), observations.grants.end(), [&](const Grant& g) {
      return g.granted >= waiting_from && g.granted <= waiting_from + bound;
    });
    if (progress) continue;
    result.held = false;
    if (!result.first) {
      sim::Violation v;
      v.at = waiting_from + bound;
      v.nodes = {name_of(observations, attempt.client)};
      v.what = fmt::format("{} waited for the lock from {} and nobody acquired it within {}",
                           name_of(observations, attempt.client), at(waiting_from), sim::to_string(bound));
      result.first = v;
    }
  }
  result.details.emplace_back("waits judged", std::to_string(judged));
  result.summary = result.held ? fmt::format("every wait after the last fault ended in a grant within {} ({} judged)",
                                             sim::to_string(bound), judged)
                               : fmt::format("a client waited longer than {} after the last fault with nobody holding "
                                             "the lock",
                                             sim::to_string(bound));
  return result;
}

}  // namespace lock
