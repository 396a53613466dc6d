// What the server asks of the engine beyond running statements: cancelling a statement (its
// timeouts), naming waits (to arm a timer once per wait), and the WAL's side: the commit record
// of each committing transaction that wrote, and replaying one (recovery, a standby).
#include <algorithm>
#include <stdexcept>

#include "models/postgres/core.hpp"
#include "models/postgres/engine.hpp"

namespace postgres {

void Core::log_commit(TxnId txn) {
  auto it = touched.find(txn);
  if (it == touched.end()) return;
  CommitRecord record;
  record.session = txns.at(txn).session;
  // One change per row, in the order the transaction first touched it; the row's image is the
  // version this transaction made and did not end itself (none: it deleted the row).
  std::vector<std::pair<std::size_t, RowId>> rows;
  for (const auto& [relation, v] : it->second) {
    std::pair<std::size_t, RowId> key{relation, relations[relation].heap[v].row};
    if (std::find(rows.begin(), rows.end(), key) == rows.end()) rows.push_back(key);
  }
  for (const auto& [relation, row] : rows) {
    const Relation& rel = relations[relation];
    RowChange change{rel.table.name, row, std::nullopt};
    for (const auto& [r, v] : it->second) {
      const Version& version = rel.heap[v];
      if (r == relation && version.row == row && version.xmin == txn && version.xmax != txn)
        change.after = version.values;
    }
    record.changes.push_back(std::move(change));
  }
  touched.erase(it);
  commit_log.push_back(std::move(record));
}

Result Engine::cancel(SessionId id, const Error& error) {
  Core& core = *core_;
  Session& s = core.session(id);
  Result result;
  if (s.running) {
    std::unique_ptr<Execution> e = std::move(s.running);
    core.waiting.erase(id);
    result = core.finish(id, *e, error);
    core.pump();
    return result;
  }
  result.error = error;
  if (s.txn && s.in_block && !s.failed) {
    core.abort_txn(*s.txn);
    s.failed = true;
    core.pump();
  }
  return result;
}

bool Engine::any_waiting() const { return !core_->waiting.empty(); }

std::uint64_t Engine::wait_id(SessionId id) const {
  auto it = core_->sessions.find(id);
  return it == core_->sessions.end() || !it->second.running ? 0 : it->second.wait_seq;
}

bool Engine::in_transaction_block(SessionId id) const {
  auto it = core_->sessions.find(id);
  return it != core_->sessions.end() && it->second.in_block;
}

bool Engine::transaction_failed(SessionId id) const {
  auto it = core_->sessions.find(id);
  return it != core_->sessions.end() && it->second.failed;
}

std::vector<CommitRecord> Engine::take_commits() {
  std::vector<CommitRecord> taken;
  taken.swap(core_->commit_log);
  return taken;
}

void Engine::replay(const CommitRecord& record) {
  Core& core = *core_;
  TxnId txn = core.txns.add(Txn{0, Isolation::read_committed, TxnStatus::in_progress, 0, std::nullopt, 0});
  for (const RowChange& change : record.changes) {
    Relation* rel = nullptr;
    for (Relation& r : core.relations)
      if (r.table.name == change.table) rel = &r;
    if (!rel) throw std::invalid_argument("WAL record for a table that does not exist: " + change.table);
    if (change.after && change.after->size() != rel->table.columns.size())
      throw std::invalid_argument("WAL record with a row of the wrong width for " + change.table);
    // The row's live version is its newest; a row id the table never gave out has none.
    VersionId live = no_version;
    if (change.row < rel->next_row)
      for (VersionId v = rel->heap.size(); v-- > 0;)
        if (rel->heap[v].row == change.row && rel->heap[v].xmax == 0) {
          live = v;
          break;
        }
    if (live != no_version) {
      rel->heap[live].xmax = txn;
      rel->heap[live].xmax_strength = LockStrength::update;
    }
    if (!change.after) continue;
    Version version;
    version.row = change.row;
    version.values = *change.after;
    version.xmin = txn;
    if (live != no_version) {
      rel->heap[live].next = rel->heap.size();
      // A replica's heap is the primary's copy: an update that kept the keys is in the same HOT
      // chain there too.
      bool keys_kept = true;
      for (std::size_t c = 0; c < version.values.size(); ++c)
        if (rel->table.is_key_column(c) && compare(version.values[c], rel->heap[live].values[c]) != 0)
          keys_kept = false;
      if (keys_kept) version.hot_root = rel->heap[live].hot_root == no_version ? live : rel->heap[live].hot_root;
    }
    rel->add_version(std::move(version));
    rel->next_row = std::max(rel->next_row, change.row + 1);
  }
  Txn& t = core.txns.at(txn);
  t.status = TxnStatus::committed;
  t.commit_seq = ++core.last_commit_seq;
}

}  // namespace postgres
