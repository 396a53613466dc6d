// The engine's state and the pieces of its machinery, shared by the files that implement it
// (engine.cpp: sessions and transactions; scan.cpp: visibility, predicates and access paths;
// row_lock.cpp: row locks; rows.cpp: SELECT ... FOR, UPDATE and DELETE; insert.cpp; unique.cpp;
// advisory.cpp; deadlock.cpp; ssi.cpp). Not for use outside models/postgres.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/postgres/errors.hpp"
#include "models/postgres/result.hpp"
#include "models/postgres/ssi.hpp"
#include "models/postgres/statement.hpp"
#include "models/postgres/value.hpp"
#include "models/postgres/wal_record.hpp"

namespace postgres {

using VersionId = std::size_t;
constexpr VersionId no_version = static_cast<VersionId>(-1);
using CommandId = std::uint32_t;
using RowId = std::uint64_t;

/// One tuple version in a heap. A row is the chain of its versions (same `row`); an UPDATE ends
/// a version (xmax) and starts the next one.
struct Version {
  RowId row = 0;
  Row values;  ///< empty once pruned
  TxnId xmin = 0;
  TxnId xmax = 0;  ///< the updater or deleter; 0 for none
  CommandId cmin = 0;
  CommandId cmax = 0;
  LockStrength xmax_strength = LockStrength::update;  ///< no_key_update for an update that kept the keys
  /// Ended by a transaction whose commit every snapshot in use sees, so no snapshot, now or later,
  /// sees it (PostgreSQL's heap pruning): its values are gone and a unique check passes it by. Its
  /// place in the heap and in the indexes stays, so scans reach what they reached before.
  bool pruned = false;
  VersionId next = no_version;                        ///< the version an update made
  /// The first version of its HOT chain, where the indexes point (an update that keeps every
  /// indexed column adds no index entry); no_version when that is this version itself.
  VersionId hot_root = no_version;
  /// An insert enters its unique indexes one by one, each after its check (_bt_doinsert): while
  /// it waits at index i its key is in the indexes before i only. all_indexes once it is done.
  std::size_t indexes_entered = all_indexes;
  static constexpr std::size_t all_indexes = static_cast<std::size_t>(-1);
};

/// The SELECT ... FOR lockers of one version (ended ones too). Kept beside the heap, for few
/// versions have any.
struct Lockers {
  std::map<TxnId, LockStrength> strength;
  std::vector<TxnId> order;  ///< in the order they locked (a MultiXact's members)
  /// How many of `order` locked before the version's updater or deleter (its xmax) came: the
  /// MultiXact lists them before it, and a waiter waits for its members in that order (seed 3607).
  std::size_t before_updater = 0;
};

struct Relation {
  Table table;
  std::vector<Version> heap;               ///< in creation order: the order a sequential scan reads
  /// The first waiter for a busy version holds its tuple lock: one per physical tuple (its TID),
  /// so the versions of one row have locks of their own (seed 1050). Its holders, each in the
  /// strength it wants the row in: waiters whose strengths do not conflict hold it together, as
  /// the lock modes heapam takes it in (tupleLockExtraInfo) conflict as the row strengths do
  /// (seed 1347: FOR KEY SHARE and an update that keeps the keys).
  std::map<VersionId, std::map<SessionId, LockStrength>> tuple_locks;
  std::map<VersionId, Lockers> lockers;  ///< the versions that have (had) lockers
  RowId next_row = 1;
  /// Each unique index of the table: every key a version has held and those versions in creation
  /// order, dead and pruned ones too (drop_dead_entries aside), so a lookup reaches what a scan of
  /// the whole heap for the key would, without reading the whole heap.
  std::vector<std::map<IndexKey, std::vector<VersionId>, IndexKeyOrder>> index_entries;
  /// The same for each non-unique index (table.lookups).
  std::vector<std::map<IndexKey, std::vector<VersionId>, IndexKeyOrder>> lookup_entries;

  /// The version's lockers; none when it never had any.
  const Lockers* lockers_of(VersionId v) const {
    auto it = lockers.find(v);
    return it == lockers.end() ? nullptr : &it->second;
  }
  /// Appends a version to the heap and to every index; its id.
  VersionId add_version(Version version);
  /// The versions that have held `key` in index `index`, in creation order.
  const std::vector<VersionId>& versions_with_key(std::size_t index, const IndexKey& key) const;
  std::vector<VersionId>* entries_with_key(std::size_t index, const Row& key);
  std::vector<VersionId>* entries_with_key(std::size_t index, const IndexKey& key);
};

enum class TxnStatus { in_progress, committed, aborted };

/// Sees exactly the transactions that committed with a sequence number up to `seq`.
struct Snapshot {
  std::uint64_t seq = 0;
};

struct Txn {
  SessionId session = 0;
  Isolation isolation = Isolation::read_committed;
  TxnStatus status = TxnStatus::in_progress;
  std::uint64_t commit_seq = 0;
  std::optional<Snapshot> snapshot;  ///< the transaction snapshot, from its first statement (RR, SERIALIZABLE)
  CommandId next_command = 0;
};

/// Every transaction the engine has begun, by id. Ids are handed out in order from 1 and a
/// transaction's entry stays (its status answers visibility for as long as its versions live),
/// so the table is indexed by id (a deque: it grows without copying): `visible` finds a
/// transaction by indexing, not by a search.
class TxnTable {
public:
  /// Adds the transaction with the next id, which it returns.
  TxnId add(const Txn& txn) {
    txns_.push_back(txn);
    return txns_.size();
  }
  TxnId next_id() const { return txns_.size() + 1; }
  const Txn* find(TxnId id) const { return id >= 1 && id <= txns_.size() ? &txns_[id - 1] : nullptr; }
  Txn* find(TxnId id) { return id >= 1 && id <= txns_.size() ? &txns_[id - 1] : nullptr; }
  /// Throws std::out_of_range for an id never handed out.
  const Txn& at(TxnId id) const {
    if (const Txn* txn = find(id)) return *txn;
    throw std::out_of_range("postgres: no transaction " + std::to_string(id));
  }
  Txn& at(TxnId id) {
    if (Txn* txn = find(id)) return *txn;
    throw std::out_of_range("postgres: no transaction " + std::to_string(id));
  }

private:
  std::deque<Txn> txns_;
};

/// What a blocked statement waits for.
struct Wait {
  enum class Kind { txn, tuple_lock, advisory };
  Kind kind = Kind::txn;
  TxnId txn = 0;             ///< txn: its end
  std::size_t relation = 0;  ///< tuple_lock: the version whose tuple lock it waits for
  VersionId version = 0;
  std::int64_t key = 0;  ///< advisory: the lock, grantable
  bool shared = false;
  LockStrength strength = LockStrength::update;  ///< tuple_lock: the strength it wants the row in
};

/// A statement under way: where it is, so that a blocked one resumes on the row it was on.
struct Execution {
  Statement statement;
  bool implicit = false;  ///< its own transaction (no BEGIN): commits when it ends
  TxnId txn = 0;
  Snapshot snapshot;
  CommandId command = 0;
  std::size_t relation = 0;
  std::vector<VersionId> candidates;  ///< rows the snapshot saw, in the order they are processed
  std::size_t next = 0;               ///< the candidate (or row to insert) being processed
  bool started = false;
  bool waits_as_tuple_holder = false;  ///< set by lock_row when it took a row's tuple lock to wait
  bool unique_pending = false;         ///< `written` is in the heap and waits for its unique check
  std::size_t index_done = 0;          ///< the indexes (in order) `written` has entered so far
  VersionId written = no_version;
  Row updated_from;             ///< the values `written` replaced (an UPDATE's)
  bool pending_update = false;  ///< `written` came from ON CONFLICT DO UPDATE, not an insert
  VersionId conflict_wait = no_version;  ///< ON CONFLICT DO UPDATE: the conflicting row it waits to lock
  /// SERIALIZABLE with LIMIT and no ORDER BY: the versions the access path reaches, in order, whose
  /// SSI work (conflict out, the tuple's SIREAD lock) is done only as the executor gets to them,
  /// for PostgreSQL stops reading at the limit (seed 1926); where each candidate stands in it.
  std::vector<VersionId> reached;
  std::vector<std::size_t> reached_at;
  std::size_t reached_done = 0;
  bool reached_by_index = false;
  bool deferred = false;  ///< scan left its SSI work to examine()
  /// A whole index read in order with a Filter: every visible tuple reached gets its SIREAD lock,
  /// matched or not (heap_hot_search_buffer locks before the qual is checked).
  bool reached_locks_all = false;
  std::vector<Row> rows;        ///< returned
  std::vector<Notice> warnings;
  std::int64_t count = 0;
};

struct Session {
  std::optional<TxnId> txn;
  bool in_block = false;               ///< after BEGIN
  bool failed = false;                 ///< an error in the block: only COMMIT or ROLLBACK now
  std::unique_ptr<Execution> running;  ///< the blocked statement
  Wait wait;
  std::uint64_t wait_seq = 0;
  bool deadlock_checked = false;  ///< this wait's deadlock_timeout has fired
};

/// Advisory locks held by one session on one key.
struct AdvisoryHold {
  int session_exclusive = 0;
  int session_shared = 0;
  int xact_exclusive = 0;
  int xact_shared = 0;
  bool any() const { return session_exclusive + session_shared + xact_exclusive + xact_shared > 0; }
  bool exclusive() const { return session_exclusive + xact_exclusive > 0; }
};

/// The outcome of trying to lock one row for a statement.
struct RowLockResult {
  enum class Kind { locked, gone, skipped, blocked };
  Kind kind = Kind::locked;
  VersionId version = no_version;  ///< locked: the version locked (the newest of the row)
  bool changed = false;            ///< locked: a newer version than the one the scan saw
  Wait wait;                       ///< blocked
};

/// The outcome of a unique check of one version against the other rows.
struct UniqueCheck {
  enum class Kind { ok, wait, conflict };
  Kind kind = Kind::ok;
  TxnId txn = 0;                 ///< wait: the inserter or deleter to wait for
  VersionId other = no_version;  ///< conflict: the row holding the key
  std::size_t index = 0;         ///< conflict: which index
};

struct Core {
  std::vector<Relation> relations;
  TxnTable txns;
  std::uint64_t last_commit_seq = 0;
  std::map<SessionId, Session> sessions;
  /// The sessions that have a statement waiting (`running` set): pump() and the oldest snapshot
  /// read these, not every session; with none, no backend has a wait to time.
  std::set<SessionId> waiting;
  /// The sessions whose transaction has a transaction snapshot (REPEATABLE READ, SERIALIZABLE),
  /// from its first statement until the session lets the transaction go (`txn` reset).
  std::map<SessionId, std::uint64_t> snapshot_holders;  ///< each with its snapshot
  std::multiset<std::uint64_t> held_snapshots;           ///< the same snapshots, the oldest first
  void hold_snapshot(SessionId id, std::uint64_t seq) {
    if (snapshot_holders.emplace(id, seq).second) held_snapshots.insert(seq);
  }
  void let_snapshot_go(SessionId id) {
    auto it = snapshot_holders.find(id);
    if (it == snapshot_holders.end()) return;
    held_snapshots.erase(held_snapshots.find(it->second));
    snapshot_holders.erase(it);
  }
  SessionId next_session = 1;
  std::uint64_t next_wait_seq = 1;
  std::vector<Completion> completions;
  std::map<std::int64_t, std::map<SessionId, AdvisoryHold>> advisory;
  Ssi ssi;
  /// The versions each transaction in progress created or ended, for its commit record.
  std::map<TxnId, std::vector<std::pair<std::size_t, VersionId>>> touched;
  std::vector<CommitRecord> commit_log;  ///< committed since Engine::take_commits last ran
  /// A version a committed transaction ended, waiting until every snapshot sees that commit.
  struct Ended {
    std::uint64_t commit_seq = 0;
    std::size_t relation = 0;
    VersionId version = no_version;
  };
  std::deque<Ended> ended_versions;  ///< in commit order
  std::function<std::size_t(const std::vector<SessionId>&)> resume_chooser;  ///< see Engine::set_resume_chooser
  std::optional<SessionId> yielded;  ///< let its tuple lock go and is ready again (let_tuple_lock_go)
  std::function<std::size_t(const std::vector<SessionId>&)> deadlock_chooser;  ///< Engine::set_deadlock_chooser

  // engine.cpp
  Session& session(SessionId id);
  /// The session's transaction is no longer its own (it ended, or ends now): `txn` reset.
  void let_txn_go(SessionId id, Session& s) {
    s.txn.reset();
    let_snapshot_go(id);
  }
  Relation& relation(const std::string& name);  ///< throws SqlError 42P01
  TxnId begin_txn(SessionId session, Isolation isolation);
  void commit_txn(TxnId txn);  ///< throws SqlError when SSI refuses the commit (the txn is then aborted)
  void abort_txn(TxnId txn);
  TxnStatus status(TxnId txn) const;
  bool running(TxnId txn) const { return status(txn) == TxnStatus::in_progress; }
  Isolation isolation(TxnId txn) const;
  std::optional<Wait> run(Execution& e);  ///< runs until the statement ends (nullopt) or waits
  void pump();                            ///< resumes every blocked statement whose wait is over
  bool wait_over(SessionId id, const Session& s) const;
  void resume(SessionId id);  ///< runs a statement whose wait is over, until it ends or waits
  Result finish(SessionId id, Execution& e, const std::optional<Error>& error);
  SessionId blocking_session(SessionId id) const;
  TxnId blocking_txn(SessionId id) const;

  // scan.cpp
  bool visible(const Version& v, TxnId me, Snapshot snapshot, CommandId command) const;
  bool committed_before(TxnId txn, Snapshot snapshot) const;
  /// For SSI: the transaction whose change to `v` the snapshot does not show, or 0.
  TxnId unseen_writer(const Version& v, TxnId me, Snapshot snapshot) const;
  bool matches(const Table& table, const Predicate& where, const Row& row) const;  ///< throws SqlError
  void check_predicate(const Table& table, const Predicate& where) const;          ///< throws SqlError
  /// The versions `where` matches, by the access path PostgreSQL's planner takes for the conform
  /// tables: an index lookup where the predicate pins an index's columns; with LIMIT and an ORDER BY
  /// of one ascending column that an index holds alone, that index read whole in order (its
  /// Filter the predicate); else the heap. `limited`: the statement has a LIMIT, so when the path
  /// yields rows in the statement's order the SSI work of each row is deferred to when the
  /// executor reaches it (examine), as PostgreSQL stops reading at the limit.
  std::vector<VersionId> scan(Execution& e, const Predicate& where, const std::vector<OrderKey>& order_by = {},
                              bool limited = false);
  /// The versions a scan reaches, in the order it reaches them, and how.
  struct AccessPath {
    std::vector<VersionId> versions;
    std::optional<std::size_t> index;  ///< the index read, if any
    bool whole_index = false;          ///< read whole, in order, for ORDER BY ... LIMIT
    bool in_order = false;             ///< the versions come in the statement's ORDER BY
  };
  AccessPath access_path(Execution& e, const Predicate& where, const std::vector<OrderKey>& order_by, bool limited);
  /// The versions a non-unique index finds for `where` into `order`, in heap order; false when no
  /// such index serves it.
  bool lookup(Execution& e, Relation& rel, const Predicate& where, std::vector<VersionId>& order) const;
  /// The deferred SSI work of the versions reached up to `upto` (exclusive) of e.reached.
  void examine(Execution& e, std::size_t upto);
  void examine_version(Execution& e, VersionId v);
  void read_tuple(Execution& e, VersionId v, bool by_index);
  /// The oldest snapshot in use: `e`'s, a blocked statement's, a transaction snapshot's.
  std::uint64_t oldest_snapshot(const Execution& e) const;
  /// The same with no statement running: a blocked statement's, a transaction snapshot's, or the
  /// snapshot the next statement would take.
  std::uint64_t oldest_snapshot() const;
  /// Prunes the versions in `ended_versions` whose ender's commit every snapshot in use sees (Version::pruned).
  void prune();
  /// Drops from an index's list the versions no snapshot can see again, as PostgreSQL marks such
  /// index entries dead (kill_prior_tuple); the newest stays, so a lookup reaches a tuple when it did.
  void drop_dead_entries(const Relation& rel, std::vector<VersionId>& versions, std::uint64_t oldest) const;
  /// Orders the candidates as ORDER BY does (stable: ties keep the scan's order); with `first`, only the
  /// first that many are kept, the rest dropped unsorted.
  void sort(const Relation& rel, std::vector<VersionId>& candidates, const std::vector<OrderKey>& order,
            std::optional<std::size_t> first = std::nullopt) const;
  std::size_t column(const Table& table, const std::string& name) const;     ///< throws SqlError 42703
  Value checked(const Table& table, std::size_t column, Value value) const;  ///< type and range, or SqlError

  // row_lock.cpp
  RowLockResult lock_row(Execution& e, VersionId v, LockStrength strength, WaitPolicy policy, bool lock_only);
  RowLockResult wait_for_holder(Execution& e, VersionId v, TxnId holder, LockStrength strength, WaitPolicy policy,
                                bool tuple_lock = true);
  /// The holders of a version's tuple lock, other than `session`, that bar it in `strength`.
  std::vector<SessionId> tuple_lock_blockers(const Relation& rel, VersionId v, SessionId session,
                                             LockStrength strength) const;
  bool holds_tuple_lock(const Relation& rel, VersionId v, SessionId session) const;
  RowLockResult let_tuple_lock_go(Relation& rel, SessionId session);
  void release_tuple_lock(Relation& rel, SessionId session);
  void release_tuple_locks(SessionId session);

  // rows.cpp
  std::optional<Wait> run_select(Execution& e);
  std::optional<Wait> run_locking_rows(Execution& e);
  std::optional<Wait> finish_update_row(Execution& e, bool returning);
  VersionId write_update(Execution& e, VersionId v, const std::vector<Assignment>& set, const Row* excluded);
  void write_delete(Execution& e, VersionId v);

  // unique.cpp
  UniqueCheck check_unique(const Relation& rel, VersionId v, TxnId me, const std::vector<std::size_t>& indexes) const;
  /// The same for values not in the heap (ON CONFLICT's probe); `row` is excluded (0: none).
  UniqueCheck check_unique_values(const Relation& rel, const Row& values, RowId row, TxnId me,
                                  const std::vector<std::size_t>& indexes) const;
  std::vector<std::size_t> all_indexes(const Relation& rel) const;
  Error unique_error(const Relation& rel, const UniqueCheck& check) const;
  /// The error for a unique violation found by `txn`: under SERIALIZABLE PostgreSQL first checks the
  /// index page for an SSI conflict (_bt_check_unique), and reports 40001 instead when it finds one.
  Error unique_failure(std::size_t relation, const UniqueCheck& check, TxnId txn);

  // insert.cpp
  /// `e.written`'s entries in the indexes, one index after another from e.index_done, as
  /// _bt_doinsert makes them: the unique check (which may wait or fail) where `checked` says so,
  /// then under SERIALIZABLE the SSI check of a write to the index's page.
  std::optional<Wait> enter_indexes(Execution& e, const std::vector<bool>& checked);
  std::optional<Wait> run_insert(Execution& e);
  std::optional<Wait> finish_insert_row(Execution& e, bool returning);
  /// ON CONFLICT for one proposed row: nullopt and `insert` true to insert it, nullopt and false
  /// when it is settled (skipped or updated), or the wait.
  std::optional<Wait> resolve_conflict(Execution& e, const Row& values, const OnConflict& oc, bool& insert);
  std::vector<std::size_t> arbiters(const Table& table, const OnConflict& oc) const;

  // advisory.cpp
  std::optional<Wait> run_advisory(Execution& e, SessionId id);
  void advisory_unlock(SessionId id, const AdvisoryUnlock& unlock, Execution& e);
  void advisory_unlock_all(SessionId id);
  bool advisory_grantable(SessionId id, std::int64_t key, bool shared) const;
  void release_xact_advisory(SessionId id);
  std::set<SessionId> advisory_blockers(SessionId id, std::int64_t key, bool shared) const;

  // server_support.cpp
  void note_write(TxnId txn, std::size_t relation, VersionId v) { touched[txn].emplace_back(relation, v); }
  void log_commit(TxnId txn);  ///< when `txn` commits: its record, if it wrote anything

  // deadlock.cpp
  std::set<SessionId> blockers(SessionId id) const;
  bool on_cycle(SessionId id) const;
};

LockStrength update_strength(const Table& table, const std::vector<Assignment>& set);
bool conflicts(LockStrength held, LockStrength wanted);

}  // namespace postgres
