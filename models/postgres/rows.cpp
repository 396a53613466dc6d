// SELECT (with and without FOR ...), UPDATE and DELETE: the rows the snapshot sees, then, for
// the statements that lock or write, each row locked in turn (LockRows above the sort, LIMIT
// above LockRows, as PostgreSQL plans them).
#include "models/postgres/core.hpp"

namespace postgres {

std::optional<Wait> Core::run_select(Execution& e) {
  const auto& s = std::get<Select>(e.statement);
  e.relation = static_cast<std::size_t>(&relation(s.table) - relations.data());
  if (s.limit && *s.limit < 0) throw SqlError{errors::negative_limit()};
  std::vector<VersionId> rows = scan(e, s.where, s.order_by, s.limit.has_value());
  bool stops_early = e.deferred;  // rows come in the statement's order: reading ends at the limit
  // A LIMIT's rows are the sort's first ones; when the scan is examined row by row (stops_early) they
  // are already in order and the sort keeps them all.
  std::optional<std::size_t> first;
  if (s.limit && !stops_early) first = static_cast<std::size_t>(*s.limit);
  sort(relations[e.relation], rows, s.order_by, first);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (s.limit && e.count >= *s.limit) return std::nullopt;
    if (stops_early && k < e.reached_at.size()) examine(e, e.reached_at[k] + 1);
    e.rows.push_back(relations[e.relation].heap[rows[k]].values);
    ++e.count;
  }
  examine(e, e.reached.size());  // the scan ran to its end
  return std::nullopt;
}

namespace {

struct RowsStatement {
  const Predicate* where = nullptr;
  LockStrength strength = LockStrength::update;
  WaitPolicy policy = WaitPolicy::wait;
  std::optional<std::int64_t> limit;
  bool returning = true;
  const Update* update = nullptr;
  const Delete* del = nullptr;
};

RowsStatement rows_statement(const Core& core, Execution& e) {
  RowsStatement r;
  if (const auto* s = std::get_if<Select>(&e.statement)) {
    r.where = &s->where;
    r.strength = s->locking->strength;
    r.policy = s->locking->wait;
    r.limit = s->limit;
  } else if (const auto* u = std::get_if<Update>(&e.statement)) {
    r.where = &u->where;
    r.strength = update_strength(core.relations[e.relation].table, u->set);
    r.returning = u->returning;
    r.update = u;
  } else {
    r.del = &std::get<Delete>(e.statement);
    r.where = &r.del->where;
    r.returning = r.del->returning;
  }
  return r;
}

}  // namespace

/// The unique check of the version an UPDATE just wrote, on the indexes whose key it changed.
std::optional<Wait> Core::finish_update_row(Execution& e, bool returning) {
  Relation& rel = relations[e.relation];
  const Version& written = rel.heap[e.written];
  std::vector<bool> changed(rel.table.indexes.size(), false);
  bool hot = true;  // no indexed column changed: a heap-only tuple, no new index entries
  for (std::size_t i = 0; i < rel.table.indexes.size(); ++i)
    for (std::size_t c : rel.table.indexes[i].columns)
      if (compare(written.values[c], e.updated_from[c]) != 0) {
        changed[i] = true;
        hot = false;
        break;
      }
  // Otherwise every index gets an entry; only an index whose key changed can find another row's.
  if (!hot)
    if (std::optional<Wait> wait = enter_indexes(e, changed)) return wait;
  e.unique_pending = false;
  ++e.count;
  if (returning) e.rows.push_back(written.values);
  return std::nullopt;
}

std::optional<Wait> Core::run_locking_rows(Execution& e) {
  if (!e.started) {
    e.started = true;
    const std::string* table = nullptr;
    if (const auto* s = std::get_if<Select>(&e.statement)) table = &s->table;
    if (const auto* u = std::get_if<Update>(&e.statement)) table = &u->table;
    if (const auto* d = std::get_if<Delete>(&e.statement)) table = &d->table;
    e.relation = static_cast<std::size_t>(&relation(*table) - relations.data());
    if (const auto* u = std::get_if<Update>(&e.statement))
      for (const Assignment& a : u->set) column(relations[e.relation].table, a.column);
    RowsStatement r = rows_statement(*this, e);
    if (r.limit && *r.limit < 0) throw SqlError{errors::negative_limit()};
    const auto* select = std::get_if<Select>(&e.statement);
    static const std::vector<OrderKey> unordered;
    e.candidates = scan(e, *r.where, select ? select->order_by : unordered, select && r.limit);
    if (select) sort(relations[e.relation], e.candidates, select->order_by);
  }
  RowsStatement r = rows_statement(*this, e);
  Relation& rel = relations[e.relation];
  for (; e.next < e.candidates.size(); ++e.next) {
    if (e.unique_pending) {
      if (std::optional<Wait> wait = finish_update_row(e, r.returning)) return wait;
      continue;
    }
    if (r.limit && e.count >= *r.limit) return std::nullopt;  // the rows past it are never read
    if (e.next < e.reached_at.size()) examine(e, e.reached_at[e.next] + 1);
    RowLockResult lock = lock_row(e, e.candidates[e.next], r.strength, r.policy, !r.update && !r.del);
    if (lock.kind == RowLockResult::Kind::blocked) return lock.wait;
    if (lock.kind != RowLockResult::Kind::locked) continue;
    if (lock.changed && !matches(rel.table, *r.where, rel.heap[lock.version].values)) continue;
    if (r.del) {
      write_delete(e, lock.version);
      ++e.count;
      if (r.returning) e.rows.push_back(rel.heap[lock.version].values);
    } else if (r.update) {
      e.updated_from = rel.heap[lock.version].values;
      e.written = write_update(e, lock.version, r.update->set, nullptr);
      e.unique_pending = true;
      if (std::optional<Wait> wait = finish_update_row(e, r.returning)) return wait;
    } else {
      ++e.count;
      e.rows.push_back(rel.heap[lock.version].values);
    }
  }
  examine(e, e.reached.size());  // the scan ran to its end
  return std::nullopt;
}

namespace {

std::set<SireadTarget> write_targets(std::size_t relation, VersionId v) {
  std::set<SireadTarget> targets;
  SireadTarget target;
  target.relation = relation;
  targets.insert(target);  // the relation
  target.kind = SireadTarget::Kind::heap_page;
  targets.insert(target);
  target.kind = SireadTarget::Kind::tuple;
  target.tuple = v;
  targets.insert(target);
  return targets;
}

/// The running FOR KEY SHARE lockers of a version: they keep the row through an update that keeps
/// its keys.
Lockers key_sharers(const Core& core, const Lockers* lockers) {
  Lockers kept;
  if (lockers)
    for (TxnId locker : lockers->order)
      if (lockers->strength.at(locker) == LockStrength::key_share && core.running(locker)) {
        kept.strength[locker] = LockStrength::key_share;
        kept.order.push_back(locker);
      }
  return kept;
}

}  // namespace

VersionId Core::write_update(Execution& e, VersionId v, const std::vector<Assignment>& set, const Row* excluded) {
  Relation& rel = relations[e.relation];
  Row values = rel.heap[v].values;
  bool keys_changed = false;
  for (const Assignment& a : set) {
    std::size_t c = column(rel.table, a.column);
    Value value = a.value;
    if (a.kind == Assignment::Kind::add) {
      const Value& old = rel.heap[v].values[c];
      if (!is_null(old)) {
        if (!std::holds_alternative<std::int64_t>(old))
          throw SqlError{errors::no_operator(rel.table.columns[c].type, 0)};
        std::int64_t sum = 0;
        if (__builtin_add_overflow(std::get<std::int64_t>(old), a.delta, &sum))
          throw SqlError{errors::out_of_range(rel.table.columns[c].type)};
        value = sum;
      } else {
        value = Null{};
      }
    } else if (a.kind == Assignment::Kind::excluded) {
      value = excluded ? (*excluded)[c] : Value{Null{}};
    }
    values[c] = checked(rel.table, c, value);
    if (rel.table.is_key_column(c) && compare(values[c], rel.heap[v].values[c]) != 0) keys_changed = true;
  }
  if (ssi.tracked(e.txn)) {  // heap_update: the tuple, its page, the relation; the indexes after (enter_indexes)
    if (std::optional<Error> failure = ssi.conflict_in(e.txn, write_targets(e.relation, v))) throw SqlError{*failure};
    ssi.wrote(e.txn);
  }
  Version next;
  next.row = rel.heap[v].row;
  next.values = std::move(values);
  next.xmin = e.txn;
  next.cmin = e.command;
  if (!keys_changed) next.hot_root = rel.heap[v].hot_root == no_version ? v : rel.heap[v].hot_root;
  const Lockers* lockers = rel.lockers_of(v);
  Lockers kept = keys_changed ? Lockers{} : key_sharers(*this, lockers);
  Version& old = rel.heap[v];
  old.xmax = e.txn;
  old.cmax = e.command;
  if (auto it = rel.lockers.find(v); it != rel.lockers.end()) it->second.before_updater = it->second.order.size();
  // An updater that held the row FOR UPDATE keeps that strength: the update marks the keys as
  // updated (compute_new_xmax_infomask preserves the strongest lock), so FOR KEY SHARE no longer
  // passes it (seed 574).
  auto own = lockers ? lockers->strength.find(e.txn) : kept.strength.end();
  bool held_for_update = lockers && own != lockers->strength.end() && own->second == LockStrength::update;
  old.xmax_strength = keys_changed || held_for_update ? LockStrength::update : LockStrength::no_key_update;
  old.next = rel.heap.size();
  note_write(e.txn, e.relation, v);
  VersionId added = rel.add_version(std::move(next));
  if (!kept.order.empty()) rel.lockers[added] = std::move(kept);
  note_write(e.txn, e.relation, added);
  return added;
}

void Core::write_delete(Execution& e, VersionId v) {
  Relation& rel = relations[e.relation];
  if (ssi.tracked(e.txn)) {
    if (std::optional<Error> failure = ssi.conflict_in(e.txn, write_targets(e.relation, v))) throw SqlError{*failure};
    ssi.wrote(e.txn);
  }
  Version& old = rel.heap[v];
  old.xmax = e.txn;
  old.cmax = e.command;
  old.xmax_strength = LockStrength::update;
  if (auto it = rel.lockers.find(v); it != rel.lockers.end()) it->second.before_updater = it->second.order.size();
  // No forward link: heap_delete points the tuple's t_ctid at itself, so an update that rolled
  // back before this delete is no longer a way from this version to another (seed 389).
  old.next = no_version;
  note_write(e.txn, e.relation, v);
}

}  // namespace postgres
