// Serializable Snapshot Isolation as PostgreSQL implements it (src/backend/storage/lmgr/
// predicate.c, after Cahill, Röhm and Fekete): SERIALIZABLE transactions take SIREAD locks on
// what they read and record rw-conflicts (a reader did not see a concurrent writer's version);
// a transaction that is the pivot of T_in --rw--> pivot --rw--> T_out, with T_out committed
// first, is cancelled with 40001.
//
// Granularities, as PostgreSQL takes them on a small table: a sequential scan locks the
// relation; an index lookup locks the index's page (a small index is one leaf page, so any key
// inserted into it conflicts: PostgreSQL's false positives) and each heap tuple it returns; more
// than two tuple locks on one heap page (max_pred_locks_per_page) become a lock on that page, and
// a small heap is one page. A write checks the tuple, its page and its relation; an insert checks
// the relation and the page of each index it enters.
//
// A committed transaction's records go once nothing can read them again, as ClearOldPredicateLocks
// releases them: its SIREAD locks when every transaction with a snapshot sees its commit (no
// writer can then be concurrent with it), and the rest once the transactions it has a conflict
// with have ended too (they let the conflict go when they commit or abort).
//
// Simplifications: no summarisation when memory runs out (the records above are the only ones
// let go), no safe-snapshot optimisation for read-only transactions, no two-phase commit.
//
// Determinism: ordered containers only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "models/postgres/result.hpp"

namespace postgres {

/// What a SIREAD lock covers.
struct SireadTarget {
  enum class Kind { relation, heap_page, index_page, tuple };
  Kind kind = Kind::relation;
  std::size_t relation = 0;
  std::size_t index = 0;       ///< index_page
  std::uint64_t tuple = 0;     ///< tuple: the version's id
  friend bool operator<(const SireadTarget& a, const SireadTarget& b) {
    return std::tie(a.kind, a.relation, a.index, a.tuple) < std::tie(b.kind, b.relation, b.index, b.tuple);
  }
};

class Ssi {
public:
  /// A SERIALIZABLE transaction starts; only those take part.
  void begin(TxnId txn);
  bool tracked(TxnId txn) const { return xacts_.count(txn) > 0; }
  /// Its snapshot: the last commit sequence number it sees.
  void snapshot(TxnId txn, std::uint64_t last_commit_seq);

  void read(TxnId reader, const SireadTarget& target);
  /// The reader skipped or saw a version because of `writer`'s change it cannot see (a version
  /// the writer made, or the writer's delete or update of a version the reader still sees).
  /// Returns the error the reader must raise, if any.
  std::optional<Error> conflict_out(TxnId reader, TxnId writer);
  /// A write to what `targets` cover: flags every concurrent holder of a SIREAD lock on one of
  /// them. Returns the error the writer must raise, if any.
  std::optional<Error> conflict_in(TxnId writer, const std::set<SireadTarget>& targets);
  /// The transaction wrote something (it is not read-only).
  void wrote(TxnId txn);
  /// Before any statement: a transaction marked doomed fails now.
  std::optional<Error> check_doomed(TxnId txn, const char* when);
  /// At COMMIT: the error if it must not commit; else the pivots it makes are doomed.
  std::optional<Error> pre_commit(TxnId txn);
  void committed(TxnId txn, std::uint64_t commit_seq);
  void aborted(TxnId txn);

  /// Tuple locks per heap page before they become a page lock (max_pred_locks_per_page).
  static constexpr int tuple_locks_per_page_max = 2;

private:
  struct Xact {
    std::uint64_t snapshot_seq = 0;
    bool has_snapshot = false;
    std::uint64_t commit_seq = 0;  ///< 0 while running
    bool doomed = false;
    bool wrote = false;
    bool conflict_out_flag = false;  ///< committed with a conflict out to a transaction committed before it
    /// Readers that did not see this transaction's writes (reader --rw--> this), in the order the
    /// conflicts were recorded: PreCommit_CheckForSerializationFailure walks them in that order,
    /// and a pivot it dooms on the way is no longer a far end for those after it (seed 2128).
    std::vector<TxnId> in;
    std::set<TxnId> out;  ///< writers whose writes this transaction did not see (this --rw--> writer)
    std::set<SireadTarget> locks;
  };
  bool committed(const Xact& x) const { return x.commit_seq != 0; }
  bool read_only(const Xact& x) const { return committed(x) && !x.wrote; }
  bool concurrent(const Xact& reader, const Xact& writer) const;
  std::optional<Error> flag(TxnId reader, TxnId writer, TxnId me);
  bool pivot_with_committed_out(const Xact& reader, const Xact& writer) const;
  bool pivot_reader(const Xact& reader, const Xact& writer) const;
  void promote(TxnId txn, const SireadTarget& tuple);
  /// Drops from `maybe_concurrent_` the committed transactions no writer with a snapshot, now or
  /// later, can be concurrent with: those committed at or before the oldest snapshot in use. Their
  /// SIREAD locks go with them, and so do they once no conflict names them (release_if_done).
  void forget_old();
  /// Lets a forgotten transaction's record go once its conflicts have all been let go: every
  /// snapshot sees its commit, so no reader will find it an unseen writer (conflict_out), no
  /// writer a concurrent reader (conflict_in), and no pivot check can reach it.
  void release_if_done(TxnId txn);
  /// Takes and drops SIREAD locks in a transaction's set and in `holders_` together.
  void take_lock(TxnId txn, Xact& x, const SireadTarget& target);
  void drop_locks(TxnId txn, Xact& x);

  std::map<TxnId, Xact> xacts_;
  /// Committed transactions out of `maybe_concurrent_` whose records stay while a conflict names them.
  std::set<TxnId> lingering_;
  /// The transactions a writer may find concurrent with it: every one in progress and those
  /// committed since the oldest snapshot in use (a subset of xacts_, which keeps them all).
  /// Each with its record (a std::map's elements stay where they are), so that the walks at every
  /// write look nothing up.
  std::map<TxnId, Xact*> maybe_concurrent_;
  /// Who holds each SIREAD lock, as PostgreSQL's predicate lock table is keyed by target: a write
  /// finds the readers of what it writes without walking every transaction. Holders are always in
  /// maybe_concurrent_ (a transaction's locks go when it leaves it).
  std::map<SireadTarget, std::map<TxnId, Xact*>> holders_;
  /// The snapshots of the transactions in progress that have one, so that the oldest is at hand.
  std::multiset<std::uint64_t> running_snapshots_;
  /// The committed transactions of maybe_concurrent_, in commit order: forget_old takes them from
  /// the front.
  std::deque<std::pair<std::uint64_t, TxnId>> committed_order_;
  std::uint64_t last_seq_ = 0;  ///< the newest commit sequence number seen
};

}  // namespace postgres
