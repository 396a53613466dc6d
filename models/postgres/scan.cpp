// Visibility, WHERE clauses and the two access paths (sequential scan, unique-index lookup).
#include <algorithm>
#include <limits>

#include "models/postgres/core.hpp"

namespace postgres {

bool Core::visible(const Version& v, TxnId me, Snapshot snapshot, CommandId command) const {
  auto committed_in = [&](TxnId txn) {
    const Txn* t = txns.find(txn);
    return t && t->status == TxnStatus::committed && t->commit_seq <= snapshot.seq;
  };
  bool created = v.xmin == me ? v.cmin < command : committed_in(v.xmin);
  if (!created) return false;
  if (v.xmax == 0) return true;
  if (v.xmax == me) return v.cmax >= command;
  return !committed_in(v.xmax);
}

bool Core::committed_before(TxnId txn, Snapshot snapshot) const {
  const Txn* t = txns.find(txn);
  return t && t->status == TxnStatus::committed && t->commit_seq <= snapshot.seq;
}

TxnId Core::unseen_writer(const Version& v, TxnId me, Snapshot snapshot) const {
  // As HeapCheckForSerializableConflictOut: the inserter of a version the snapshot cannot see
  // yet, or the deleter or updater, not yet visible to it, of a version it does see.
  if (v.xmin == me) return 0;
  if (!committed_before(v.xmin, snapshot)) return status(v.xmin) == TxnStatus::aborted ? 0 : v.xmin;
  if (v.xmax == 0 || v.xmax == me || status(v.xmax) == TxnStatus::aborted) return 0;
  return committed_before(v.xmax, snapshot) ? 0 : v.xmax;
}

std::size_t Core::column(const Table& table, const std::string& name) const {
  std::optional<std::size_t> position = table.column(name);
  if (!position) throw SqlError{errors::undefined_column(name)};
  return *position;
}

Value Core::checked(const Table& table, std::size_t c, Value value) const {
  const Column& col = table.columns[c];
  if (is_null(value)) {
    if (table.not_null(c)) throw SqlError{errors::not_null(col.name, table.name)};
    return value;
  }
  bool integral = col.type == Type::integer || col.type == Type::bigint;
  bool fits = integral ? std::holds_alternative<std::int64_t>(value)
                       : (col.type == Type::text ? std::holds_alternative<std::string>(value)
                                                 : std::holds_alternative<bool>(value));
  if (!fits) throw SqlError{errors::wrong_type(col.name, col.type, value)};
  if (col.type == Type::integer) {
    std::int64_t i = std::get<std::int64_t>(value);
    if (i < std::numeric_limits<std::int32_t>::min() || i > std::numeric_limits<std::int32_t>::max())
      throw SqlError{errors::out_of_range(Type::integer)};
  }
  return value;
}

void Core::check_predicate(const Table& table, const Predicate& where) const {
  switch (where.kind) {
    case Predicate::Kind::always: return;
    case Predicate::Kind::all_of:
    case Predicate::Kind::any_of:
      for (const Predicate& part : where.parts) check_predicate(table, part);
      return;
    case Predicate::Kind::compare:
    case Predicate::Kind::in: {
      const Column& col = table.columns[column(table, where.column)];
      bool integral = col.type == Type::integer || col.type == Type::bigint;
      std::vector<Value> values = where.kind == Predicate::Kind::in ? where.values : std::vector<Value>{where.value};
      for (const Value& v : values) {
        bool fits = is_null(v) || (integral ? std::holds_alternative<std::int64_t>(v)
                                            : (col.type == Type::text ? std::holds_alternative<std::string>(v)
                                                                      : std::holds_alternative<bool>(v)));
        if (!fits || (where.modulo && !integral)) throw SqlError{errors::no_operator(col.type, v)};
      }
      return;
    }
  }
}

namespace {

bool holds(CompareOp op, int order) {
  switch (op) {
    case CompareOp::eq: return order == 0;
    case CompareOp::ne: return order != 0;
    case CompareOp::lt: return order < 0;
    case CompareOp::le: return order <= 0;
    case CompareOp::gt: return order > 0;
    case CompareOp::ge: return order >= 0;
  }
  return false;
}

}  // namespace

bool Core::matches(const Table& table, const Predicate& where, const Row& row) const {
  switch (where.kind) {
    case Predicate::Kind::always: return true;
    case Predicate::Kind::all_of:
      for (const Predicate& part : where.parts)
        if (!matches(table, part, row)) return false;
      return true;
    case Predicate::Kind::any_of:
      for (const Predicate& part : where.parts)
        if (matches(table, part, row)) return true;
      return false;
    case Predicate::Kind::in:
      for (const Value& v : where.values)
        if (compare(row[column(table, where.column)], v) == 0) return true;
      return false;
    case Predicate::Kind::compare: break;
  }
  Value lhs = row[column(table, where.column)];
  if (where.modulo && !is_null(lhs)) {
    if (*where.modulo == 0) throw SqlError{errors::division_by_zero()};
    lhs = *where.modulo == -1 ? 0 : std::get<std::int64_t>(lhs) % *where.modulo;
  }
  std::optional<int> order = compare(lhs, where.value);
  return order && holds(where.op, *order);
}

namespace {

/// Values a WHERE pins a column to (by = or IN at the top level of an AND), if it does.
std::optional<std::vector<Value>> pinned(const Predicate& where, const std::string& column) {
  if (where.kind == Predicate::Kind::compare && where.column == column && where.op == CompareOp::eq && !where.modulo)
    return std::vector<Value>{where.value};
  if (where.kind == Predicate::Kind::in && where.column == column) return where.values;
  if (where.kind != Predicate::Kind::all_of) return std::nullopt;
  for (const Predicate& part : where.parts)
    if (auto values = pinned(part, column)) return values;
  return std::nullopt;
}

/// The keys of a unique index a WHERE pins every column of, sorted as the index holds them.
std::optional<std::vector<Row>> index_keys(const Table& table, const UniqueIndex& index, const Predicate& where) {
  std::vector<Row> keys{Row{}};
  for (std::size_t c : index.columns) {
    std::optional<std::vector<Value>> values = pinned(where, table.columns[c].name);
    if (!values) return std::nullopt;
    std::vector<Row> longer;
    for (const Row& key : keys)
      for (const Value& v : *values) {
        if (is_null(v)) continue;
        longer.push_back(key);
        longer.back().push_back(v);
      }
    keys = std::move(longer);
  }
  auto less = [](const Row& a, const Row& b) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (int order = compare(a[i], b[i]).value_or(0)) return order < 0;
    return false;
  };
  std::sort(keys.begin(), keys.end(), less);
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

/// The one integer a WHERE of `column = n` alone pins a one-column index to: the commonest lookup,
/// which needs no keys made (index_keys gives the same single key).
std::optional<std::int64_t> pinned_integer(const Table& table, const UniqueIndex& index, const Predicate& where) {
  if (index.columns.size() != 1 || where.kind != Predicate::Kind::compare || where.op != CompareOp::eq ||
      where.modulo || where.column != table.columns[index.columns[0]].name)
    return std::nullopt;
  if (const auto* n = std::get_if<std::int64_t>(&where.value)) return *n;
  return std::nullopt;
}

/// Whether a lookup on `index` takes one of its columns from an IN list of two values or more,
/// which PostgreSQL's planner reads with a bitmap heap scan when no LIMIT asks for an index scan's
/// early rows (`Bitmap Heap Scan on kv` for `id IN (1, 5)`; a one-value IN is an `=`).
bool by_in_list(const Table& table, const UniqueIndex& index, const Predicate& where) {
  for (std::size_t c : index.columns) {
    const std::string& column = table.columns[c].name;
    if (where.kind == Predicate::Kind::in && where.column == column && where.values.size() >= 2) return true;
    if (where.kind == Predicate::Kind::all_of)
      for (const Predicate& part : where.parts)
        if (part.kind == Predicate::Kind::in && part.column == column && part.values.size() >= 2) return true;
  }
  return false;
}

/// A bitmap heap scan's order: each version where its index entry points, the root of its HOT
/// chain (Version::hot_root), then the chain in order.
void bitmap_order(const Relation& rel, std::vector<VersionId>& versions) {
  auto root = [&](VersionId v) { return rel.heap[v].hot_root == no_version ? v : rel.heap[v].hot_root; };
  std::stable_sort(versions.begin(), versions.end(),
                   [&](VersionId a, VersionId b) { return root(a) != root(b) ? root(a) < root(b) : a < b; });
}

/// The index that gives ORDER BY's order by itself: one ascending column, an index of it alone.
std::optional<std::size_t> ordering_index(const Table& table, const std::vector<OrderKey>& order_by) {
  if (order_by.size() != 1 || order_by.front().descending) return std::nullopt;
  for (std::size_t i = 0; i < table.indexes.size(); ++i) {
    const std::vector<std::size_t>& columns = table.indexes[i].columns;
    if (columns.size() == 1 && table.columns[columns.front()].name == order_by.front().column) return i;
  }
  return std::nullopt;
}

Row key_of(const Row& values, const UniqueIndex& index) {
  Row key;
  for (std::size_t c : index.columns) key.push_back(values[c]);
  return key;
}

/// Adds `id` under the key `values` have in `index` (the key made only when it is new and is not one integer).
void enter(std::map<IndexKey, std::vector<VersionId>, IndexKeyOrder>& entries, const Row& values,
           const UniqueIndex& index, VersionId id) {
  if (index.columns.size() == 1 && std::holds_alternative<std::int64_t>(values[index.columns[0]])) {
    entries[IndexKey(std::get<std::int64_t>(values[index.columns[0]]))].push_back(id);
    return;
  }
  Row key = key_of(values, index);
  auto it = entries.find(key);
  if (it == entries.end()) it = entries.emplace(IndexKey(std::move(key)), std::vector<VersionId>{}).first;
  it->second.push_back(id);
}

}  // namespace

VersionId Relation::add_version(Version version) {
  VersionId id = heap.size();
  index_entries.resize(table.indexes.size());
  for (std::size_t i = 0; i < table.indexes.size(); ++i)
    enter(index_entries[i], version.values, table.indexes[i], id);
  lookup_entries.resize(table.lookups.size());
  for (std::size_t i = 0; i < table.lookups.size(); ++i)
    enter(lookup_entries[i], version.values, table.lookups[i], id);
  heap.push_back(std::move(version));
  return id;
}

std::vector<VersionId>* Relation::entries_with_key(std::size_t index, const Row& key) {
  if (index >= index_entries.size()) return nullptr;
  auto it = index_entries[index].find(key);
  return it == index_entries[index].end() ? nullptr : &it->second;
}

std::vector<VersionId>* Relation::entries_with_key(std::size_t index, const IndexKey& key) {
  if (index >= index_entries.size()) return nullptr;
  auto it = index_entries[index].find(key);
  return it == index_entries[index].end() ? nullptr : &it->second;
}

std::uint64_t Core::oldest_snapshot(const Execution& e) const { return std::min(oldest_snapshot(), e.snapshot.seq); }

std::uint64_t Core::oldest_snapshot() const {
  std::uint64_t oldest = last_commit_seq;
  for (SessionId id : waiting) oldest = std::min(oldest, sessions.at(id).running->snapshot.seq);
  if (!held_snapshots.empty()) oldest = std::min(oldest, *held_snapshots.begin());
  return oldest;
}

void Core::drop_dead_entries(const Relation& rel, std::vector<VersionId>& versions, std::uint64_t oldest) const {
  const VersionId newest = versions.back();
  auto dead = [&](VersionId v) {
    TxnId ender = rel.heap[v].xmax;
    if (ender == 0 || v == newest) return false;
    const Txn* t = txns.find(ender);
    return t && t->status == TxnStatus::committed && t->commit_seq <= oldest;
  };
  versions.erase(std::remove_if(versions.begin(), versions.end(), dead), versions.end());
}

const std::vector<VersionId>& Relation::versions_with_key(std::size_t index, const IndexKey& key) const {
  static const std::vector<VersionId> none;
  if (index >= index_entries.size()) return none;
  auto it = index_entries[index].find(key);
  return it == index_entries[index].end() ? none : it->second;
}

Core::AccessPath Core::access_path(Execution& e, const Predicate& where, const std::vector<OrderKey>& order_by,
                                   bool limited) {
  Relation& rel = relations[e.relation];
  AccessPath path;
  std::optional<std::uint64_t> oldest;
  auto take = [&](std::vector<VersionId>* versions) {
    if (!versions) return;
    if (versions->size() > 4) {
      if (!oldest) oldest = oldest_snapshot(e);
      drop_dead_entries(rel, *versions, *oldest);
    }
    path.versions.insert(path.versions.end(), versions->begin(), versions->end());
  };
  for (std::size_t i = 0; i < rel.table.indexes.size() && !path.index; ++i) {
    if (std::optional<std::int64_t> n = pinned_integer(rel.table, rel.table.indexes[i], where)) {
      path.index = i;
      take(rel.entries_with_key(i, IndexKey(*n)));
      continue;
    }
    std::optional<std::vector<Row>> keys = index_keys(rel.table, rel.table.indexes[i], where);
    if (!keys) continue;
    path.index = i;
    for (const Row& key : *keys) take(rel.entries_with_key(i, key));
    if (!limited && by_in_list(rel.table, rel.table.indexes[i], where)) bitmap_order(rel, path.versions);
  }
  // LIMIT with ORDER BY an index's only column, ascending: the planner reads that index whole, in
  // order, and stops at the limit, where it would otherwise sort a sequential scan (seed 1402).
  std::optional<std::size_t> ordering = limited ? ordering_index(rel.table, order_by) : std::nullopt;
  // A non-unique index (the designs' own, never the conform tables') serves what no unique one does.
  bool looked_up = !path.index && lookup(e, rel, where, path.versions);
  path.whole_index = !path.index && !looked_up && ordering;
  if (path.whole_index) {
    path.index = ordering;
    for (const auto& [key, versions] : rel.index_entries[*ordering])
      path.versions.insert(path.versions.end(), versions.begin(), versions.end());
  }
  if (!path.index && !looked_up)
    for (VersionId v = 0; v < rel.heap.size(); ++v) path.versions.push_back(v);
  path.in_order = order_by.empty() || (ordering && ordering == path.index);
  return path;
}

std::vector<VersionId> Core::scan(Execution& e, const Predicate& where, const std::vector<OrderKey>& order_by,
                                  bool limited) {
  Relation& rel = relations[e.relation];
  check_predicate(rel.table, where);
  bool serializable = ssi.tracked(e.txn);
  AccessPath path = access_path(e, where, order_by, limited);
  // A doomed transaction fails as soon as it examines a heap tuple (CheckForSerializableConflictOutNeeded,
  // for every tuple a scan or an index lookup reaches), not before: an index lookup of a key the
  // index has never held reaches none.
  if (serializable && !path.versions.empty())
    if (std::optional<Error> doomed = ssi.check_doomed(e.txn, "during conflict out checking")) throw SqlError{*doomed};
  if (serializable) {
    SireadTarget target;
    target.relation = e.relation;
    target.kind = path.index ? SireadTarget::Kind::index_page : SireadTarget::Kind::relation;
    target.index = path.index.value_or(0);
    ssi.read(e.txn, target);
  }
  // An index scan reads tuple by tuple, so with LIMIT the tuples past the last row it returns are
  // never examined. A sequential scan reads page at a time (heapgetpage): its first row examines
  // every tuple on the page, and a small heap is one page, so a LIMIT leaves none unexamined.
  bool defer = serializable && limited && path.in_order && path.index.has_value();
  e.reached.clear();
  e.reached_at.clear();
  e.reached_done = 0;
  e.reached_by_index = path.index.has_value();
  e.reached_locks_all = path.whole_index;
  e.deferred = defer;
  std::vector<VersionId> found;
  for (VersionId v : path.versions) {
    const Version& version = rel.heap[v];
    bool seen = visible(version, e.txn, e.snapshot, e.command);
    if (defer) e.reached.push_back(v);
    else if (serializable) examine_version(e, v);
    if (!seen || !matches(rel.table, where, version.values)) continue;
    if (defer) e.reached_at.push_back(e.reached.size() - 1);
    found.push_back(v);
    if (!defer && serializable) read_tuple(e, v, path.index.has_value());
  }
  return found;
}

// A non-unique index whose columns the WHERE pins: the versions that held its keys, in heap order, so
// that a statement reads what a sequential scan would, in the same order, without the rest of the heap.
// Its SIREAD lock stays the relation's (coarser than PostgreSQL's index pages, never finer).
bool Core::lookup(Execution& e, Relation& rel, const Predicate& where, std::vector<VersionId>& order) const {
  for (std::size_t i = 0; i < rel.table.lookups.size(); ++i) {
    std::optional<std::vector<Row>> keys = index_keys(rel.table, rel.table.lookups[i], where);
    if (!keys || i >= rel.lookup_entries.size()) continue;
    std::optional<std::uint64_t> oldest;
    for (const Row& key : *keys) {
      auto it = rel.lookup_entries[i].find(key);
      if (it == rel.lookup_entries[i].end()) continue;
      if (it->second.size() > 4) {
        if (!oldest) oldest = oldest_snapshot(e);
        drop_dead_entries(rel, it->second, *oldest);
      }
      order.insert(order.end(), it->second.begin(), it->second.end());
    }
    std::sort(order.begin(), order.end());
    return true;
  }
  return false;
}

// One version's SSI work as the executor reaches it: a conflict out to the transaction whose
// change the snapshot does not see.
void Core::examine_version(Execution& e, VersionId v) {
  const Version& version = relations[e.relation].heap[v];
  if (TxnId writer = unseen_writer(version, e.txn, e.snapshot); writer && ssi.tracked(writer))
    if (std::optional<Error> failure = ssi.conflict_out(e.txn, writer)) throw SqlError{*failure};
}

// An index lookup's SIREAD lock on a tuple it returned.
void Core::read_tuple(Execution& e, VersionId v, bool by_index) {
  if (!by_index || relations[e.relation].heap[v].xmin == e.txn) return;
  SireadTarget tuple;
  tuple.kind = SireadTarget::Kind::tuple;
  tuple.relation = e.relation;
  tuple.tuple = v;
  ssi.read(e.txn, tuple);
}

void Core::examine(Execution& e, std::size_t upto) {
  const Relation& rel = relations[e.relation];
  for (; e.reached_done < std::min(upto, e.reached.size()); ++e.reached_done) {
    VersionId v = e.reached[e.reached_done];
    examine_version(e, v);
    if (visible(rel.heap[v], e.txn, e.snapshot, e.command) &&
        (e.reached_locks_all || std::binary_search(e.reached_at.begin(), e.reached_at.end(), e.reached_done)))
      read_tuple(e, v, e.reached_by_index);
  }
}

void Core::sort(const Relation& rel, std::vector<VersionId>& candidates, const std::vector<OrderKey>& order,
                std::optional<std::size_t> first) const {
  if (order.empty()) return;
  std::vector<std::pair<std::size_t, bool>> keys;
  for (const OrderKey& key : order) keys.emplace_back(column(rel.table, key.column), key.descending);
  auto less = [&](VersionId a, VersionId b) {
    for (const auto& [c, descending] : keys) {
      const Value& x = rel.heap[a].values[c];
      const Value& y = rel.heap[b].values[c];
      if (is_null(x) != is_null(y)) return descending ? is_null(x) : is_null(y);  // NULLS LAST ascending
      int order_xy = compare(x, y).value_or(0);
      if (order_xy != 0) return descending ? order_xy > 0 : order_xy < 0;
    }
    return false;
  };
  if (!first || *first >= candidates.size() / 4) {
    std::stable_sort(candidates.begin(), candidates.end(), less);
    return;
  }
  // Only the first rows are wanted (LIMIT, PostgreSQL's top-N heapsort): those of a stable sort, ties
  // kept in the order the scan gave them, without sorting the rest.
  std::vector<std::size_t> place(candidates.size());
  for (std::size_t i = 0; i < place.size(); ++i) place[i] = i;
  auto before = [&](std::size_t a, std::size_t b) {
    if (less(candidates[a], candidates[b])) return true;
    return !less(candidates[b], candidates[a]) && a < b;
  };
  std::partial_sort(place.begin(), place.begin() + static_cast<std::ptrdiff_t>(*first), place.end(), before);
  std::vector<VersionId> sorted;
  sorted.reserve(*first);
  for (std::size_t i = 0; i < *first; ++i) sorted.push_back(candidates[place[i]]);
  candidates = std::move(sorted);
}

}  // namespace postgres
