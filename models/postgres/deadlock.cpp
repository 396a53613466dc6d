// Deadlock detection as CheckDeadLock runs it when a waiter's deadlock_timeout fires: the
// waits-for graph (a waiter waits for the session whose transaction it waits on, for the holder
// of the tuple lock it queues behind, for the holders and earlier conflicting waiters of an
// advisory lock) is searched for a cycle through the waiter. Only that waiter is cancelled.
// PostgreSQL may instead rearrange a lock's wait queue to break a cycle of "soft" edges; the
// model does not, and treats every edge as hard.
#include "models/postgres/core.hpp"

namespace postgres {

std::set<SessionId> Core::blockers(SessionId id) const {
  const Session& s = sessions.at(id);
  std::set<SessionId> found;
  if (!s.running) return found;
  switch (s.wait.kind) {
    case Wait::Kind::txn: found.insert(txns.at(s.wait.txn).session); break;
    case Wait::Kind::tuple_lock:
      for (SessionId holder : tuple_lock_blockers(relations[s.wait.relation], s.wait.version, id, s.wait.strength))
        found.insert(holder);
      break;
    case Wait::Kind::advisory: found = advisory_blockers(id, s.wait.key, s.wait.shared); break;
  }
  return found;
}

bool Core::on_cycle(SessionId id) const {
  std::set<SessionId> seen;
  std::vector<SessionId> stack{id};
  while (!stack.empty()) {
    SessionId at = stack.back();
    stack.pop_back();
    for (SessionId next : blockers(at)) {
      if (next == id) return true;
      if (sessions.count(next) && seen.insert(next).second) stack.push_back(next);
    }
  }
  return false;
}

}  // namespace postgres
