// Unique indexes as nbtree checks them (_bt_check_unique with a dirty snapshot): another row
// holding the key blocks the writer while its inserter or deleter is in progress, and is a
// 23505 once it is committed and not deleted. NULL keys never conflict.
#include "models/postgres/core.hpp"

namespace postgres {

std::vector<std::size_t> Core::all_indexes(const Relation& rel) const {
  std::vector<std::size_t> indexes;
  for (std::size_t i = 0; i < rel.table.indexes.size(); ++i) indexes.push_back(i);
  return indexes;
}

namespace {

bool same_key(const Row& a, const Row& b, const UniqueIndex& index) {
  for (std::size_t c : index.columns)
    if (compare(a[c], b[c]) != 0) return false;
  return true;
}

bool null_key(const Row& values, const UniqueIndex& index) {
  for (std::size_t c : index.columns)
    if (is_null(values[c])) return true;
  return false;
}

/// The index's key of `values`; one integer is made without a row.
IndexKey key_values(const Row& values, const UniqueIndex& index) {
  if (index.columns.size() == 1)
    if (const auto* n = std::get_if<std::int64_t>(&values[index.columns[0]])) return IndexKey(*n);
  Row key;
  key.reserve(index.columns.size());
  for (std::size_t c : index.columns) key.push_back(values[c]);
  return IndexKey(std::move(key));
}

}  // namespace

UniqueCheck Core::check_unique(const Relation& rel, VersionId v, TxnId me,
                               const std::vector<std::size_t>& indexes) const {
  return check_unique_values(rel, rel.heap[v].values, rel.heap[v].row, me, indexes);
}

UniqueCheck Core::check_unique_values(const Relation& rel, const Row& values, RowId row, TxnId me,
                                      const std::vector<std::size_t>& indexes) const {
  UniqueCheck check;
  for (std::size_t i : indexes) {
    const UniqueIndex& index = rel.table.indexes[i];
    if (null_key(values, index)) continue;
    for (VersionId w : rel.versions_with_key(i, key_values(values, index))) {
      const Version& other = rel.heap[w];
      if (other.pruned) continue;  // its ender committed: no wait, no conflict
      if (other.row == row || !same_key(other.values, values, index)) continue;
      if (other.indexes_entered != Version::all_indexes && i >= other.indexes_entered) continue;  // seed 1098
      TxnStatus inserter = other.xmin == me ? TxnStatus::committed : status(other.xmin);
      if (inserter == TxnStatus::aborted) continue;
      if (inserter == TxnStatus::in_progress) return UniqueCheck{UniqueCheck::Kind::wait, other.xmin, w, i};
      if (other.xmax == me) continue;
      TxnStatus deleter = other.xmax == 0 ? TxnStatus::aborted : status(other.xmax);
      if (deleter == TxnStatus::in_progress) return UniqueCheck{UniqueCheck::Kind::wait, other.xmax, w, i};
      if (deleter == TxnStatus::aborted) return UniqueCheck{UniqueCheck::Kind::conflict, 0, w, i};
    }
  }
  return check;
}

Error Core::unique_error(const Relation& rel, const UniqueCheck& check) const {
  const UniqueIndex& index = rel.table.indexes[check.index];
  std::string columns, values;
  for (std::size_t k = 0; k < index.columns.size(); ++k) {
    columns += (k ? ", " : "") + rel.table.columns[index.columns[k]].name;
    values += (k ? ", " : "") + to_text(rel.heap[check.other].values[index.columns[k]]);
  }
  return errors::unique_violation(index.name, columns, values);
}

Error Core::unique_failure(std::size_t relation, const UniqueCheck& check, TxnId txn) {
  if (ssi.tracked(txn)) {
    std::set<SireadTarget> page{SireadTarget{SireadTarget::Kind::index_page, relation, check.index, 0}};
    if (std::optional<Error> failure = ssi.conflict_in(txn, page)) return *failure;
  }
  return unique_error(relations[relation], check);
}

}  // namespace postgres
