#include "models/postgres/engine.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/postgres/core.hpp"

namespace postgres {

Session& Core::session(SessionId id) {
  auto it = sessions.find(id);
  if (it == sessions.end()) throw std::logic_error("postgres: no session " + std::to_string(id));
  return it->second;
}

Relation& Core::relation(const std::string& name) {
  for (Relation& rel : relations)
    if (rel.table.name == name) return rel;
  throw SqlError{errors::undefined_table(name)};
}

TxnId Core::begin_txn(SessionId id, Isolation level) {
  TxnId txn = txns.add(Txn{id, level, TxnStatus::in_progress, 0, std::nullopt, 0});
  if (level == Isolation::serializable) ssi.begin(txn);
  return txn;
}

TxnStatus Core::status(TxnId txn) const {
  const Txn* t = txns.find(txn);
  return t ? t->status : TxnStatus::aborted;
}

Isolation Core::isolation(TxnId txn) const { return txns.at(txn).isolation; }

void Core::commit_txn(TxnId txn) {
  Txn& t = txns.at(txn);
  if (t.isolation == Isolation::serializable) {
    if (std::optional<Error> refused = ssi.pre_commit(txn)) {
      abort_txn(txn);
      throw SqlError{*refused};
    }
  }
  t.status = TxnStatus::committed;
  t.commit_seq = ++last_commit_seq;
  if (t.isolation == Isolation::serializable) ssi.committed(txn, t.commit_seq);
  if (auto it = touched.find(txn); it != touched.end())
    for (const auto& [relation, v] : it->second)
      if (relations[relation].heap[v].xmax == txn) ended_versions.push_back(Ended{t.commit_seq, relation, v});
  log_commit(txn);
  release_xact_advisory(t.session);
  release_tuple_locks(t.session);
  prune();
}

void Core::prune() {
  if (ended_versions.empty() || ended_versions.front().commit_seq > last_commit_seq) return;
  std::uint64_t oldest = oldest_snapshot();
  for (; !ended_versions.empty() && ended_versions.front().commit_seq <= oldest; ended_versions.pop_front()) {
    Relation& rel = relations[ended_versions.front().relation];
    Version& version = rel.heap[ended_versions.front().version];
    Row().swap(version.values);
    version.pruned = true;
    rel.lockers.erase(ended_versions.front().version);
  }
}

void Core::abort_txn(TxnId txn) {
  Txn& t = txns.at(txn);
  if (t.status != TxnStatus::in_progress) return;
  t.status = TxnStatus::aborted;
  touched.erase(txn);
  if (t.isolation == Isolation::serializable) ssi.aborted(txn);
  release_xact_advisory(t.session);
  release_tuple_locks(t.session);
}

namespace {

/// The transaction control statements; they never block.
struct Control {
  Core& core;
  SessionId id;
  Session& s;

  Result begin(const Begin& b) {
    Result r;
    r.tag = "BEGIN";
    if (s.in_block) {
      r.warnings.push_back({"25001", "there is already a transaction in progress"});
      return r;
    }
    s.txn = core.begin_txn(id, b.isolation);
    s.in_block = true;
    return r;
  }

  Result end(bool commit) {
    Result r;
    r.tag = commit && !s.failed ? "COMMIT" : "ROLLBACK";
    if (!s.in_block) {
      r.tag = commit ? "COMMIT" : "ROLLBACK";
      r.warnings.push_back({"25P01", "there is no transaction in progress"});
      return r;
    }
    TxnId txn = *s.txn;
    core.let_txn_go(id, s);
    s.in_block = false;
    bool failed = s.failed;
    s.failed = false;
    if (!commit || failed) {
      core.abort_txn(txn);
      return r;
    }
    try {
      core.commit_txn(txn);
    } catch (const SqlError& e) {
      r.tag.clear();
      r.error = e.error;
    }
    return r;
  }
};

bool is_control(const Statement& statement) {
  return std::holds_alternative<Begin>(statement) || std::holds_alternative<Commit>(statement) ||
         std::holds_alternative<Rollback>(statement);
}

}  // namespace

std::optional<Wait> Core::run(Execution& e) {
  struct Run {
    Core& core;
    Execution& e;
    std::optional<Wait> operator()(const Select& s) {
      return s.locking ? core.run_locking_rows(e) : core.run_select(e);
    }
    std::optional<Wait> operator()(const Update&) { return core.run_locking_rows(e); }
    std::optional<Wait> operator()(const Delete&) { return core.run_locking_rows(e); }
    std::optional<Wait> operator()(const Insert&) { return core.run_insert(e); }
    std::optional<Wait> operator()(const AdvisoryLock&) { return core.run_advisory(e, session()); }
    std::optional<Wait> operator()(const Begin&) { return std::nullopt; }
    std::optional<Wait> operator()(const Commit&) { return std::nullopt; }
    std::optional<Wait> operator()(const Rollback&) { return std::nullopt; }
    std::optional<Wait> operator()(const AdvisoryUnlock& u) {
      core.advisory_unlock(session(), u, e);
      return std::nullopt;
    }
    std::optional<Wait> operator()(const AdvisoryUnlockAll&) {
      core.advisory_unlock_all(session());
      e.rows.push_back({std::string()});
      return std::nullopt;
    }
    SessionId session() const { return core.txns.at(e.txn).session; }
  };
  e.waits_as_tuple_holder = false;
  std::optional<Wait> wait = std::visit(Run{*this, e}, e.statement);
  // A session holds a tuple lock only while it waits for that row's holder: a statement that
  // went on (ON CONFLICT re-probing, say) or finished lets it go.
  if (!e.waits_as_tuple_holder) release_tuple_locks(txns.at(e.txn).session);
  return wait;
}

namespace {

std::string tag_of(const Execution& e) {
  struct Tag {
    std::int64_t n;
    std::string operator()(const Select&) const { return "SELECT " + std::to_string(n); }
    std::string operator()(const Insert&) const { return "INSERT 0 " + std::to_string(n); }
    std::string operator()(const Update&) const { return "UPDATE " + std::to_string(n); }
    std::string operator()(const Delete&) const { return "DELETE " + std::to_string(n); }
    std::string operator()(const AdvisoryLock&) const { return "SELECT 1"; }
    std::string operator()(const AdvisoryUnlock&) const { return "SELECT 1"; }
    std::string operator()(const AdvisoryUnlockAll&) const { return "SELECT 1"; }
    std::string operator()(const Begin&) const { return "BEGIN"; }
    std::string operator()(const Commit&) const { return "COMMIT"; }
    std::string operator()(const Rollback&) const { return "ROLLBACK"; }
  };
  return std::visit(Tag{e.count}, e.statement);
}

}  // namespace

Result Core::finish(SessionId id, Execution& e, const std::optional<Error>& error) {
  Session& s = session(id);
  Result r;
  if (error) {
    r.error = error;
    abort_txn(e.txn);
    if (s.in_block) {
      s.failed = true;
    } else {
      let_txn_go(id, s);
    }
    return r;
  }
  r.tag = tag_of(e);
  r.rows = std::move(e.rows);
  r.warnings = std::move(e.warnings);
  if (e.implicit) {
    let_txn_go(id, s);
    try {
      commit_txn(e.txn);
    } catch (const SqlError& refused) {
      r = Result{};
      r.error = refused.error;
    }
  }
  return r;
}

bool Core::wait_over(SessionId id, const Session& s) const {
  switch (s.wait.kind) {
    case Wait::Kind::txn: return !running(s.wait.txn);
    case Wait::Kind::tuple_lock:
      return tuple_lock_blockers(relations[s.wait.relation], s.wait.version, id, s.wait.strength).empty();
    case Wait::Kind::advisory: return advisory_grantable(id, s.wait.key, s.wait.shared);
  }
  return false;
}

void Core::resume(SessionId id) {
  Session& s = session(id);
  // The statement stays the session's while it runs, so that it keeps its place in queues.
  std::optional<Error> error;
  std::optional<Wait> wait;
  try {
    wait = run(*s.running);
  } catch (const SqlError& failure) {
    error = failure.error;
  }
  if (wait) {
    if (wait->kind != s.wait.kind || wait->txn != s.wait.txn) {
      s.wait_seq = next_wait_seq++;
      s.deadlock_checked = false;
    }
    s.wait = *wait;
  } else {
    std::unique_ptr<Execution> e = std::move(s.running);
    waiting.erase(id);
    completions.push_back({id, finish(id, *e, error)});
  }
}

void Core::pump() {
  // One statement at a time, each run until it ends or waits again (which may let a row go on
  // its way), until no wait is over.
  for (;;) {
    if (waiting.empty()) return;
    std::vector<std::pair<std::uint64_t, SessionId>> order;
    for (SessionId id : waiting) {
      const Session& s = sessions.at(id);
      if (!s.running) throw std::logic_error("postgres: a session counted as waiting has no statement");
      order.emplace_back(s.wait_seq, id);
    }
    std::sort(order.begin(), order.end());
    std::vector<SessionId> ready;
    for (const auto& [seq, id] : order)
      if (wait_over(id, sessions.at(id))) ready.push_back(id);
    if (ready.empty()) {
      yielded.reset();
      return;
    }
    if (yielded) {  // it goes on first, unless a chooser picks another (let_tuple_lock_go)
      auto at = std::find(ready.begin(), ready.end(), *yielded);
      if (at != ready.end()) std::rotate(ready.begin(), at, at + 1);
      yielded.reset();
    }
    std::size_t pick = ready.size() > 1 && resume_chooser ? resume_chooser(ready) : 0;
    if (pick >= ready.size()) throw std::logic_error("postgres: the resume chooser picked no ready session");
    resume(ready[pick]);
  }
}

Engine::Engine() : core_(std::make_unique<Core>()) {}
Engine::~Engine() = default;

void Engine::create_table(const TableSchema& schema) {
  for (const Relation& rel : core_->relations)
    if (rel.table.name == schema.name) throw std::invalid_argument("table " + schema.name + " exists");
  Relation rel;
  rel.table = resolve(schema);
  core_->relations.push_back(std::move(rel));
}

void Engine::load(const std::string& table, const std::vector<Row>& rows) {
  SessionId id = connect();
  Insert insert{table, rows, std::nullopt, false};
  Step step = execute(id, insert);
  disconnect(id);
  // Loaded rows are there before the run (a migration), not a commit for the WAL: a server
  // loads them again at every boot, so a record of them would be replayed on top of them.
  std::erase_if(core_->commit_log, [id](const CommitRecord& record) { return record.session == id; });
  if (step.blocked || !step.result.ok())
    throw std::invalid_argument("load into " + table + ": " + (step.blocked ? "blocked" : step.result.error->message));
}

SessionId Engine::connect() {
  SessionId id = core_->next_session++;
  core_->sessions[id] = Session{};
  return id;
}

void Engine::disconnect(SessionId id) {
  Session& s = core_->session(id);
  core_->waiting.erase(id);
  core_->let_snapshot_go(id);
  s.running.reset();
  if (s.txn) core_->abort_txn(*s.txn);
  core_->advisory_unlock_all(id);
  core_->sessions.erase(id);
  core_->pump();
}

Step Engine::execute(SessionId id, Statement statement) {
  Core& core = *core_;
  Session& s = core.session(id);
  if (s.running) throw std::logic_error("postgres: session " + std::to_string(id) + " is blocked");
  Step step;
  if (is_control(statement)) {
    Control control{core, id, s};
    if (const auto* b = std::get_if<Begin>(&statement))
      step.result = control.begin(*b);
    else
      step.result = control.end(std::holds_alternative<Commit>(statement));
    core.pump();
    return step;
  }
  if (s.failed) {
    step.result.error = errors::in_failed_transaction();
    return step;
  }
  auto e = std::make_unique<Execution>();
  e->statement = std::move(statement);
  e->implicit = !s.txn;
  if (!s.txn) s.txn = core.begin_txn(id, Isolation::read_committed);
  e->txn = *s.txn;
  std::optional<Error> error;
  std::optional<Wait> wait;
  try {
    Txn& t = core.txns.at(e->txn);
    if (t.isolation == Isolation::read_committed || !t.snapshot) {
      e->snapshot = Snapshot{core.last_commit_seq};
      if (t.isolation != Isolation::read_committed) {
        t.snapshot = e->snapshot;
        core.hold_snapshot(id, e->snapshot.seq);
      }
      if (t.isolation == Isolation::serializable) core.ssi.snapshot(e->txn, core.last_commit_seq);
    } else {
      e->snapshot = *t.snapshot;
    }
    e->command = t.next_command++;
    wait = core.run(*e);
  } catch (const SqlError& failure) {
    error = failure.error;
  }
  if (wait) {
    s.running = std::move(e);
    core.waiting.insert(id);
    s.wait = *wait;
    s.wait_seq = core.next_wait_seq++;
    s.deadlock_checked = false;
    step.blocked = true;
    step.waits_for_session = core.blocking_session(id);
    step.waits_for_txn = core.blocking_txn(id);
    core.pump();
    return step;
  }
  step.result = core.finish(id, *e, error);
  core.pump();
  return step;
}

std::vector<Completion> Engine::take_completions() {
  std::vector<Completion> taken;
  taken.swap(core_->completions);
  return taken;
}

SessionId Core::blocking_session(SessionId id) const {
  const Session& s = sessions.at(id);
  switch (s.wait.kind) {
    case Wait::Kind::txn: return txns.at(s.wait.txn).session;
    case Wait::Kind::tuple_lock: {
      std::vector<SessionId> holders =
          tuple_lock_blockers(relations[s.wait.relation], s.wait.version, id, s.wait.strength);
      return holders.empty() ? 0 : holders.front();
    }
    case Wait::Kind::advisory: {
      std::set<SessionId> holders = advisory_blockers(id, s.wait.key, s.wait.shared);
      return holders.empty() ? 0 : *holders.begin();
    }
  }
  return 0;
}

TxnId Core::blocking_txn(SessionId id) const {
  const Session& s = sessions.at(id);
  if (s.wait.kind == Wait::Kind::txn) return s.wait.txn;
  auto blocker = sessions.find(blocking_session(id));
  return blocker == sessions.end() || !blocker->second.txn ? 0 : *blocker->second.txn;
}

std::optional<SessionId> Engine::blocked_by(SessionId id) const {
  auto it = core_->sessions.find(id);
  if (it == core_->sessions.end() || !it->second.running) return std::nullopt;
  return core_->blocking_session(id);
}

std::vector<SessionId> Engine::waiting_sessions() const {
  std::vector<std::pair<std::uint64_t, SessionId>> order;
  for (const auto& [id, s] : core_->sessions)
    if (s.running) order.emplace_back(s.wait_seq, id);
  std::sort(order.begin(), order.end());
  std::vector<SessionId> ids;
  for (const auto& entry : order) ids.push_back(entry.second);
  return ids;
}

std::size_t Engine::fire_deadlock_timeouts() {
  std::size_t victims = 0;
  std::vector<SessionId> order = waiting_sessions();
  std::vector<bool> fired(order.size(), false);
  auto unchecked = [&](SessionId id) {
    auto it = core_->sessions.find(id);
    return it != core_->sessions.end() && it->second.running && !it->second.deadlock_checked;
  };
  for (;;) {
    std::vector<std::size_t> due;  // in the order their waits began
    for (std::size_t i = 0; i < order.size(); ++i)
      if (!fired[i] && unchecked(order[i])) due.push_back(i);
    if (due.empty()) return victims;
    std::size_t pick = 0;
    if (due.size() > 1 && core_->deadlock_chooser) {
      std::vector<SessionId> sessions;
      for (std::size_t i : due) sessions.push_back(order[i]);
      pick = core_->deadlock_chooser(sessions);
      if (pick >= due.size()) throw std::logic_error("postgres: the deadlock chooser picked no waiting session");
    }
    fired[due[pick]] = true;
    victims += check_deadlock(order[due[pick]]) ? 1 : 0;
  }
}

bool Engine::check_deadlock(SessionId id) {
  Core& core = *core_;
  Session& s = core.session(id);
  if (!s.running) return false;
  s.deadlock_checked = true;
  if (!core.on_cycle(id)) return false;
  std::unique_ptr<Execution> e = std::move(s.running);
  core.waiting.erase(id);
  core.completions.push_back({id, core.finish(id, *e, errors::deadlock())});
  core.pump();
  return true;
}

void Engine::set_resume_chooser(ResumeChooser chooser) { core_->resume_chooser = std::move(chooser); }
void Engine::set_deadlock_chooser(ResumeChooser chooser) { core_->deadlock_chooser = std::move(chooser); }

std::vector<Row> Engine::committed_rows(const std::string& table) const {
  std::vector<Row> rows;
  visit_committed_rows(table, [&](const Row& row) { rows.push_back(row); });
  return rows;
}

void Engine::visit_committed_rows(const std::string& table, const std::function<void(const Row&)>& visit) const {
  const Relation& rel = core_->relation(table);
  for (const Version& v : rel.heap)
    if (core_->visible(v, 0, Snapshot{core_->last_commit_seq}, 0)) visit(v.values);
}

}  // namespace postgres
