// INSERT, with ON CONFLICT as PostgreSQL runs it (ExecInsert, ExecOnConflictUpdate): the
// arbiter indexes are probed first, waiting for an in-progress inserter or deleter of the key; a
// conflicting row is skipped (DO NOTHING) or locked and updated (DO UPDATE), and a READ COMMITTED
// statement that finds it changed after the wait starts over on the row's new version. Without
// ON CONFLICT the row goes into the heap first and the unique check may wait, then fail with 23505.
#include <algorithm>

#include "models/postgres/core.hpp"

namespace postgres {

std::vector<std::size_t> Core::arbiters(const Table& table, const OnConflict& oc) const {
  if (oc.target.empty()) {
    if (oc.do_update) throw SqlError{errors::on_conflict_needs_target()};
    std::vector<std::size_t> all;
    for (std::size_t i = 0; i < table.indexes.size(); ++i) all.push_back(i);
    return all;
  }
  std::vector<std::size_t> wanted;
  for (const std::string& name : oc.target) wanted.push_back(column(table, name));
  std::sort(wanted.begin(), wanted.end());
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < table.indexes.size(); ++i) {
    std::vector<std::size_t> columns = table.indexes[i].columns;
    std::sort(columns.begin(), columns.end());
    if (columns == wanted) found.push_back(i);
  }
  if (found.empty()) throw SqlError{errors::no_matching_constraint()};
  return found;
}

std::optional<Wait> Core::enter_indexes(Execution& e, const std::vector<bool>& checked) {
  Relation& rel = relations[e.relation];
  bool entering = rel.heap[e.written].indexes_entered != Version::all_indexes;  // an insert, not an update
  for (; e.index_done < checked.size(); ++e.index_done) {
    std::size_t i = e.index_done;
    if (entering) rel.heap[e.written].indexes_entered = i;
    if (checked[i]) {
      UniqueCheck check = check_unique(rel, e.written, e.txn, {i});
      if (check.kind == UniqueCheck::Kind::wait) return Wait{Wait::Kind::txn, check.txn, 0, 0, 0, false};
      if (check.kind == UniqueCheck::Kind::conflict) throw SqlError{unique_failure(e.relation, check, e.txn)};
    }
    if (ssi.tracked(e.txn)) {
      std::set<SireadTarget> page{SireadTarget{SireadTarget::Kind::index_page, e.relation, i, 0}};
      if (std::optional<Error> failure = ssi.conflict_in(e.txn, page)) throw SqlError{*failure};
    }
  }
  e.index_done = 0;
  rel.heap[e.written].indexes_entered = Version::all_indexes;
  return std::nullopt;
}

std::optional<Wait> Core::finish_insert_row(Execution& e, bool returning) {
  Relation& rel = relations[e.relation];
  if (std::optional<Wait> wait = enter_indexes(e, std::vector<bool>(rel.table.indexes.size(), true))) return wait;
  e.unique_pending = false;
  ++e.count;
  if (returning) e.rows.push_back(rel.heap[e.written].values);
  return std::nullopt;
}

std::optional<Wait> Core::resolve_conflict(Execution& e, const Row& values, const OnConflict& oc, bool& insert) {
  Relation& rel = relations[e.relation];
  bool snapshot_txn = isolation(e.txn) != Isolation::read_committed;
  std::vector<std::size_t> indexes = arbiters(rel.table, oc);
  insert = false;
  // Woken while waiting to lock the conflicting row: a transaction snapshot fails if that row
  // was deleted or updated meanwhile (ExecOnConflictUpdate's TM_Deleted and TM_Updated: seed
  // 779), where READ COMMITTED starts the insert over.
  if (e.conflict_wait != no_version) {
    const Version& waited = rel.heap[e.conflict_wait];
    e.conflict_wait = no_version;
    bool ended = waited.xmax != 0 && waited.xmax != e.txn && status(waited.xmax) == TxnStatus::committed;
    if (ended && snapshot_txn)
      throw SqlError{waited.next == no_version ? errors::concurrent_delete() : errors::concurrent_update()};
  }
  for (;;) {
    UniqueCheck probe = check_unique_values(rel, values, 0, e.txn, indexes);
    if (probe.kind == UniqueCheck::Kind::wait) return Wait{Wait::Kind::txn, probe.txn, 0, 0, 0, false};
    if (probe.kind == UniqueCheck::Kind::ok) {
      insert = true;
      return std::nullopt;
    }
    const Version& existing = rel.heap[probe.other];
    if (!oc.do_update) {
      if (snapshot_txn && !visible(existing, e.txn, e.snapshot, e.command)) throw SqlError{errors::concurrent_update()};
      return std::nullopt;
    }
    if (existing.xmin == e.txn && existing.cmin == e.command) throw SqlError{errors::affect_row_twice()};
    RowLockResult lock = lock_row(e, probe.other, update_strength(rel.table, oc.set), WaitPolicy::wait, true);
    if (lock.kind == RowLockResult::Kind::blocked) {
      e.conflict_wait = probe.other;
      return lock.wait;
    }
    if (lock.kind != RowLockResult::Kind::locked || lock.changed) continue;  // changed meanwhile: start over
    const Version& locked = rel.heap[lock.version];
    if (snapshot_txn && !visible(locked, e.txn, e.snapshot, e.command)) throw SqlError{errors::concurrent_update()};
    check_predicate(rel.table, oc.where);
    if (!matches(rel.table, oc.where, locked.values)) return std::nullopt;
    e.updated_from = locked.values;
    e.written = write_update(e, lock.version, oc.set, &values);
    e.unique_pending = true;
    e.pending_update = true;
    return std::nullopt;
  }
}

namespace {

Row padded(const Core& core, const Table& table, const Row& given) {
  if (given.size() > table.columns.size()) throw SqlError{errors::too_many_values()};
  Row values(table.columns.size(), Null{});
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    values[c] = core.checked(table, c, c < given.size() ? given[c] : Value{Null{}});
  return values;
}

}  // namespace

std::optional<Wait> Core::run_insert(Execution& e) {
  const auto& s = std::get<Insert>(e.statement);
  if (!e.started) {
    e.started = true;
    e.relation = static_cast<std::size_t>(&relation(s.table) - relations.data());
    if (s.on_conflict) arbiters(relations[e.relation].table, *s.on_conflict);
  }
  Relation& rel = relations[e.relation];
  for (; e.next < s.rows.size(); ++e.next) {
    if (e.unique_pending) {
      std::optional<Wait> wait =
          e.pending_update ? finish_update_row(e, s.returning) : finish_insert_row(e, s.returning);
      if (wait) return wait;
      continue;
    }
    Row values = padded(*this, rel.table, s.rows[e.next]);
    if (s.on_conflict) {
      bool insert = false;
      if (std::optional<Wait> wait = resolve_conflict(e, values, *s.on_conflict, insert)) return wait;
      if (!insert) {
        if (e.unique_pending)
          if (std::optional<Wait> wait = finish_update_row(e, s.returning)) return wait;
        continue;
      }
    }
    if (ssi.tracked(e.txn)) {  // heap_insert checks the relation; each index's page is checked as it is entered
      std::set<SireadTarget> targets{SireadTarget{SireadTarget::Kind::relation, e.relation, 0, 0}};
      if (std::optional<Error> failure = ssi.conflict_in(e.txn, targets)) throw SqlError{*failure};
      ssi.wrote(e.txn);
    }
    Version version;
    version.row = rel.next_row++;
    version.values = std::move(values);
    version.xmin = e.txn;
    version.cmin = e.command;
    version.indexes_entered = 0;
    e.written = rel.add_version(std::move(version));
    note_write(e.txn, e.relation, e.written);
    e.unique_pending = true;
    e.pending_update = false;
    if (std::optional<Wait> wait = finish_insert_row(e, s.returning)) return wait;
  }
  return std::nullopt;
}

}  // namespace postgres
