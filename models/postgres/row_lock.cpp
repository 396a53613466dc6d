// Row locks as heapam takes them (heap_lock_tuple, heap_update, heap_delete): a row's updater
// or deleter and its lockers hold it in a strength; a conflicting newcomer takes the row's tuple
// lock (or queues behind the session holding it) and waits for the holder's transaction, unless
// it already holds a weaker lock on the row: then it waits without the tuple lock. When it
// wakes, a READ COMMITTED statement follows an update to the row's newest version; a
// transaction-snapshot statement fails with 40001.
#include <algorithm>

#include "models/postgres/core.hpp"

namespace postgres {

bool conflicts(LockStrength held, LockStrength wanted) {
  auto rank = [](LockStrength s) { return static_cast<int>(s); };
  // PostgreSQL's table: FOR UPDATE conflicts with every lock, FOR KEY SHARE with FOR UPDATE only;
  // of the two in between, FOR SHARE (1) and FOR NO KEY UPDATE (2) conflict unless both share.
  if (held == LockStrength::update || wanted == LockStrength::update) return true;
  if (held == LockStrength::key_share || wanted == LockStrength::key_share) return false;
  return rank(held) + rank(wanted) >= 3;
}

LockStrength update_strength(const Table& table, const std::vector<Assignment>& set) {
  for (const Assignment& a : set) {
    std::optional<std::size_t> c = table.column(a.column);
    if (c && table.is_key_column(*c)) return LockStrength::update;
  }
  return LockStrength::no_key_update;
}

std::vector<SessionId> Core::tuple_lock_blockers(const Relation& rel, VersionId v, SessionId id,
                                                LockStrength strength) const {
  std::vector<SessionId> found;
  auto lock = rel.tuple_locks.find(v);
  if (lock == rel.tuple_locks.end()) return found;
  for (const auto& [holder, held] : lock->second)
    if (holder != id && conflicts(held, strength)) found.push_back(holder);
  return found;
}

bool Core::holds_tuple_lock(const Relation& rel, VersionId v, SessionId id) const {
  auto lock = rel.tuple_locks.find(v);
  return lock != rel.tuple_locks.end() && lock->second.count(id) > 0;
}

// A session holds at most one tuple lock, where it waits.
void Core::release_tuple_lock(Relation& rel, SessionId id) {
  for (auto it = rel.tuple_locks.begin(); it != rel.tuple_locks.end();) {
    it->second.erase(id);
    it = it->second.empty() ? rel.tuple_locks.erase(it) : std::next(it);
  }
}

void Core::release_tuple_locks(SessionId id) {
  for (Relation& rel : relations) release_tuple_lock(rel, id);
}

namespace {

/// Whom a version's holders make a newcomer wanting `strength` wait for, if anyone.
TxnId busy_with(const Core& core, const Relation& rel, VersionId id, TxnId me, LockStrength strength) {
  const Version& v = rel.heap[id];
  // The lockers in the order they locked, as MultiXactIdWait waits for a MultiXact's members
  // one by one in member order (seed 479: the first is the one a deadlock goes through), the
  // updater or deleter among them where it joined (seed 3607).
  const Lockers* lockers = rel.lockers_of(id);
  auto locker_at = [&](std::size_t i) {
    TxnId locker = lockers->order[i];
    return locker != me && core.running(locker) && conflicts(lockers->strength.at(locker), strength) ? locker : 0;
  };
  std::size_t before = lockers ? std::min(lockers->before_updater, lockers->order.size()) : 0;
  for (std::size_t i = 0; i < before; ++i)
    if (TxnId locker = locker_at(i)) return locker;
  if (v.xmax != 0 && v.xmax != me && core.running(v.xmax) && conflicts(v.xmax_strength, strength)) return v.xmax;
  for (std::size_t i = before; lockers && i < lockers->order.size(); ++i)
    if (TxnId locker = locker_at(i)) return locker;
  return 0;
}

/// For a lock that an update in progress on `v` lets through: a running transaction, not `me`,
/// whose change to a later version of the row, or whose lock on one, conflicts with `strength`
/// (heap_lock_updated_tuple_rec tests each later version's xmax, a locker's too: seed 2381, where
/// the updater itself had locked its new version FOR UPDATE).
TxnId updater_down_chain(const Core& core, const Relation& rel, const Version& v, TxnId me, LockStrength strength) {
  if (v.xmax == 0 || !core.running(v.xmax)) return 0;
  for (VersionId w = v.next; w != no_version; w = rel.heap[w].next) {
    if (TxnId busy = busy_with(core, rel, w, me, strength)) return busy;
    const Version& later = rel.heap[w];
    if (later.xmax == 0 || !core.running(later.xmax)) return 0;
  }
  return 0;
}

// Locks `v` for `txn`, and with it the versions an update still at work made from it
// (heap_lock_tuple follows updates in progress: heap_lock_updated_tuple).
void lock_versions(const Core& core, Relation& rel, VersionId v, TxnId txn, LockStrength strength) {
  for (VersionId w = v; w != no_version; w = rel.heap[w].next) {
    Lockers& lockers = rel.lockers[w];
    auto [held, fresh] = lockers.strength.try_emplace(txn, strength);
    if (!fresh) held->second = std::max(held->second, strength);
    if (fresh) lockers.order.push_back(txn);
    if (rel.heap[w].xmax == 0 || !core.running(rel.heap[w].xmax)) break;
  }
}

// FOR KEY SHARE needs nothing of an update that kept the keys: the version the scan saw is
// locked as it is, committed update or not (heap_lock_tuple: TM_Ok when !HEAP_KEYS_UPDATED), so
// long as no committed update down the chain deleted the row or changed its key
// (heap_lock_updated_tuple follows the chain and fails there: seed 263).
bool keys_kept_along(const Core& core, const Relation& rel, VersionId from) {
  for (VersionId w = from; w != no_version; w = rel.heap[w].next) {
    const Version& later = rel.heap[w];
    if (later.xmax == 0 || core.status(later.xmax) != TxnStatus::committed) return true;
    if (later.xmax_strength != LockStrength::no_key_update) return false;
  }
  return true;
}

}  // namespace

// Woken holding the tuple lock to find the row updated or deleted: heap_update and
// heap_lock_tuple let the tuple lock go as they return TM_Updated, before the executor follows
// the chain, so the next waiter in the lock's queue wakes too and either may reach the row's new
// version first (seeds 395 and 917). The session stays ready, its wait the one that just ended,
// and goes on when it is picked again: first among the ready, unless a resume chooser picks
// another, so that the fixed rule of a simulation resumes statements as it did before.
RowLockResult Core::let_tuple_lock_go(Relation& rel, SessionId me) {
  release_tuple_lock(rel, me);
  yielded = me;
  RowLockResult result;
  result.kind = RowLockResult::Kind::blocked;
  result.wait = sessions.at(me).wait;
  return result;
}

// A conflicting holder: NOWAIT fails, SKIP LOCKED skips, otherwise the statement waits, holding
// the row's tuple lock or queued behind its holder (or, `tuple_lock` false, for the holder alone).
RowLockResult Core::wait_for_holder(Execution& e, VersionId v, TxnId holder, LockStrength strength, WaitPolicy policy,
                                    bool tuple_lock) {
  Relation& rel = relations[e.relation];
  SessionId me = txns.at(e.txn).session;
  RowLockResult result;
  if (policy == WaitPolicy::nowait) throw SqlError{errors::row_lock_not_available(rel.table.name)};
  bool queued = !tuple_lock_blockers(rel, v, me, strength).empty();
  if (policy == WaitPolicy::skip_locked) {
    release_tuple_lock(rel, me);
    result.kind = RowLockResult::Kind::skipped;
    return result;
  }
  result.kind = RowLockResult::Kind::blocked;
  release_tuple_lock(rel, me);  // one it took at an earlier version of the row, woken there
  // A transaction that already holds a weaker lock on the row waits for the holder without
  // the tuple lock (heap_lock_tuple's skip_tuple_lock, heap_update's current_is_member):
  // queueing behind a stranger that waits for it would deadlock.
  if (const Lockers* lockers = rel.lockers_of(v); !tuple_lock || (lockers && lockers->strength.count(e.txn) > 0)) {
    result.wait = Wait{Wait::Kind::txn, holder, 0, 0, 0, false};
    return result;
  }
  if (queued) {
    result.wait = Wait{Wait::Kind::tuple_lock, 0, e.relation, v, 0, false, strength};
  } else {
    rel.tuple_locks[v][me] = strength;
    e.waits_as_tuple_holder = true;
    result.wait = Wait{Wait::Kind::txn, holder, 0, 0, 0, false};
  }
  return result;
}

RowLockResult Core::lock_row(Execution& e, VersionId v, LockStrength strength, WaitPolicy policy, bool lock_only) {
  Relation& rel = relations[e.relation];
  SessionId me = txns.at(e.txn).session;
  bool snapshot_txn = isolation(e.txn) != Isolation::read_committed;
  RowLockResult result;
  for (;;) {
    Version& version = rel.heap[v];
    // A later version reached along the update chain is fetched with a dirty snapshot
    // (heapam_tuple_lock's FIND_LAST_VERSION loop): an update or delete of it in progress is
    // waited for whatever the strength wanted, without the tuple lock (XactLockTableWait), so a
    // newcomer to that version does not queue behind this waiter and both wake at that
    // transaction's end, in an order the server does not fix (seeds 69 and 329).
    if (result.changed && version.xmax != 0 && version.xmax != e.txn && running(version.xmax))
      return wait_for_holder(e, v, version.xmax, strength, policy, false);
    if (TxnId holder = busy_with(*this, rel, v, e.txn, strength))
      return wait_for_holder(e, v, holder, strength, policy);
    // FOR KEY SHARE passes an update in progress that keeps the keys, but locks the versions it
    // made too (heap_lock_updated_tuple), and waits for a running transaction that deleted one of
    // them or changed its key, whatever NOWAIT or SKIP LOCKED say (heap_lock_updated_tuple_rec
    // waits without a wait policy: seed 314).
    if (TxnId later = lock_only ? updater_down_chain(*this, rel, version, e.txn, strength) : 0) {
      result.kind = RowLockResult::Kind::blocked;
      result.wait = Wait{Wait::Kind::txn, later, 0, 0, 0, false};
      return result;
    }
    bool ended_by_other = version.xmax != 0 && version.xmax != e.txn && status(version.xmax) == TxnStatus::committed;
    // Only for the version the scan saw: once the lock follows the chain (an update that changed the
    // keys), it goes on to the row's last live version, past every committed update whatever it
    // kept (heapam_tuple_lock's FIND_LAST_VERSION loop fetches with a dirty snapshot: seed 611).
    bool key_kept = !result.changed && ended_by_other && lock_only && strength == LockStrength::key_share &&
                    version.next != no_version && keys_kept_along(*this, rel, v);
    if ((ended_by_other && !key_kept) || version.xmax == e.txn) {
      if (ended_by_other && snapshot_txn)
        throw SqlError{lock_only || version.next != no_version ? errors::concurrent_update()
                                                               : errors::concurrent_delete()};
      if (ended_by_other && !result.changed && holds_tuple_lock(rel, v, me)) return let_tuple_lock_go(rel, me);
      if (version.next == no_version) {
        release_tuple_lock(rel, me);
        result.kind = RowLockResult::Kind::gone;
        return result;
      }
      v = version.next;
      result.changed = true;
      continue;
    }
    if (lock_only || result.changed) {  // a row re-checked and left alone stays locked, as in PostgreSQL
      lock_versions(*this, rel, v, e.txn, strength);
    }
    release_tuple_lock(rel, me);
    result.kind = RowLockResult::Kind::locked;
    result.version = v;
    return result;
  }
}

}  // namespace postgres
