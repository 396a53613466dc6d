// Advisory locks (pg_advisory_lock and its family): an exclusive or shared lock on a 64-bit key,
// held by a session (until unlocked or the session ends, whatever its transactions do) or by a
// transaction (until it ends). A session's own locks never conflict with each other and count
// up; a request waits while another session holds a conflicting lock or an earlier waiter of
// another session wants one, as the lock manager queues them.
#include "models/postgres/core.hpp"

namespace postgres {

namespace {

bool clashes(const AdvisoryHold& other, bool shared) { return shared ? other.exclusive() : other.any(); }

}  // namespace

std::set<SessionId> Core::advisory_blockers(SessionId id, std::int64_t key, bool shared) const {
  std::set<SessionId> blocking;
  auto held = advisory.find(key);
  if (held != advisory.end())
    for (const auto& [holder, hold] : held->second)
      if (holder != id && clashes(hold, shared)) blocking.insert(holder);
  const Session& mine = sessions.at(id);
  bool queued = mine.running && mine.wait.kind == Wait::Kind::advisory;
  for (const auto& [other_id, other] : sessions) {
    if (other_id == id || !other.running || other.wait.kind != Wait::Kind::advisory || other.wait.key != key) continue;
    if (queued && other.wait_seq > mine.wait_seq) continue;
    if (!shared || !other.wait.shared) blocking.insert(other_id);
  }
  return blocking;
}

bool Core::advisory_grantable(SessionId id, std::int64_t key, bool shared) const {
  auto held = advisory.find(key);
  if (held != advisory.end()) {
    auto mine = held->second.find(id);
    // A lock already held in this mode is granted again at once (the backend's local lock table).
    if (mine != held->second.end() && (shared ? mine->second.session_shared + mine->second.xact_shared > 0
                                              : mine->second.exclusive()))
      return true;
  }
  return advisory_blockers(id, key, shared).empty();
}

std::optional<Wait> Core::run_advisory(Execution& e, SessionId id) {
  const auto& lock = std::get<AdvisoryLock>(e.statement);
  if (!advisory_grantable(id, lock.key, lock.shared)) {
    if (!lock.try_only) return Wait{Wait::Kind::advisory, 0, 0, 0, lock.key, lock.shared};
    e.rows.push_back({false});
    return std::nullopt;
  }
  AdvisoryHold& hold = advisory[lock.key][id];
  bool session_scope = lock.scope == AdvisoryScope::session;
  int& count = lock.shared ? (session_scope ? hold.session_shared : hold.xact_shared)
                           : (session_scope ? hold.session_exclusive : hold.xact_exclusive);
  ++count;
  if (lock.try_only) {
    e.rows.push_back({true});
  } else {
    e.rows.push_back({std::string()});  // void
  }
  return std::nullopt;
}

void Core::advisory_unlock(SessionId id, const AdvisoryUnlock& unlock, Execution& e) {
  auto held = advisory.find(unlock.key);
  int* count = nullptr;
  if (held != advisory.end()) {
    auto mine = held->second.find(id);
    if (mine != held->second.end())
      count = unlock.shared ? &mine->second.session_shared : &mine->second.session_exclusive;
  }
  if (!count || *count == 0) {
    e.warnings.push_back(
        {"01000", std::string("you don't own a lock of type ") + (unlock.shared ? "ShareLock" : "ExclusiveLock")});
    e.rows.push_back({false});
    return;
  }
  --*count;
  if (!held->second.at(id).any()) held->second.erase(id);
  if (held->second.empty()) advisory.erase(held);
  e.rows.push_back({true});
}

void Core::advisory_unlock_all(SessionId id) {
  for (auto it = advisory.begin(); it != advisory.end();) {
    auto mine = it->second.find(id);
    if (mine != it->second.end()) {
      mine->second.session_exclusive = mine->second.session_shared = 0;
      if (!mine->second.any()) it->second.erase(mine);
    }
    it = it->second.empty() ? advisory.erase(it) : std::next(it);
  }
}

void Core::release_xact_advisory(SessionId id) {
  for (auto it = advisory.begin(); it != advisory.end();) {
    auto mine = it->second.find(id);
    if (mine != it->second.end()) {
      mine->second.xact_exclusive = mine->second.xact_shared = 0;
      if (!mine->second.any()) it->second.erase(mine);
    }
    it = it->second.empty() ? advisory.erase(it) : std::next(it);
  }
}

}  // namespace postgres
