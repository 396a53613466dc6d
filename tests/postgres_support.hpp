// Helpers for the simulated PostgreSQL's tests: Hermitage's table (test: id int primary key,
// value int) with its two rows, sessions by name, and statements that read like the SQL.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "models/postgres/engine.hpp"

namespace pgtest {

using namespace postgres;

inline TableSchema hermitage_table() {
  return TableSchema{"test", {{"id", Type::integer}, {"value", Type::integer}}, {"id"}, {}};
}

/// Rows as "1=>10 2=>20" (id, then the other columns).
inline std::string show(const std::vector<Row>& rows) {
  std::string text;
  for (const Row& row : rows) {
    text += text.empty() ? "" : " ";
    for (std::size_t c = 0; c < row.size(); ++c) text += (c == 0 ? "" : (c == 1 ? "=>" : ",")) + to_literal(row[c]);
  }
  return text;
}

inline Select select_all() { return Select{"test", where::always(), {}, std::nullopt, std::nullopt}; }
inline Select select_where(Predicate p) { return Select{"test", std::move(p), {}, std::nullopt, std::nullopt}; }
inline Update set_where(std::int64_t value, Predicate p) {
  return Update{"test", {set_value("value", value)}, std::move(p), false};
}
inline Update add_where(std::int64_t delta, Predicate p) {
  return Update{"test", {set_add("value", delta)}, std::move(p), false};
}
inline Delete delete_where(Predicate p) { return Delete{"test", std::move(p), false}; }
inline Insert insert_row(std::int64_t id, std::int64_t value) {
  return Insert{"test", {Row{id, value}}, std::nullopt, false};
}

inline const Isolation rc = Isolation::read_committed;
inline const Isolation rr = Isolation::repeatable_read;

/// SELECT ... FOR UPDATE (or another strength), waiting, SKIP LOCKED or NOWAIT.
inline Select for_update(Predicate p, WaitPolicy wait = WaitPolicy::wait, LockStrength s = LockStrength::update) {
  return Select{"test", std::move(p), {}, std::nullopt, RowLocking{s, wait}};
}

/// INSERT ... ON CONFLICT (id) DO UPDATE SET value = value + 1 RETURNING *.
inline Insert upsert(std::int64_t id, std::int64_t value) {
  Insert insert = insert_row(id, value);
  insert.on_conflict = OnConflict{{"id"}, true, {set_add("value", 1)}, where::always()};
  insert.returning = true;
  return insert;
}

/// INSERT ... ON CONFLICT DO NOTHING RETURNING *.
inline Insert insert_or_nothing(std::int64_t id, std::int64_t value) {
  Insert insert = insert_row(id, value);
  insert.on_conflict = OnConflict{};
  insert.returning = true;
  return insert;
}

/// An engine with Hermitage's table and sessions T1, T2, ... opened on first use.
class Play {
public:
  explicit Play(TableSchema schema = hermitage_table(), std::vector<Row> rows = {Row{1, 10}, Row{2, 20}}) {
    db.create_table(schema);
    if (!rows.empty()) db.load(schema.name, rows);
  }

  SessionId session(const std::string& name) {
    auto it = sessions_.find(name);
    if (it == sessions_.end()) it = sessions_.emplace(name, db.connect()).first;
    return it->second;
  }

  /// Runs a statement that must finish without error.
  Result ok(const std::string& who, const Statement& statement) {
    Step step = db.execute(session(who), statement);
    INFO(who << ": " << to_sql(statement));
    REQUIRE_FALSE(step.blocked);
    INFO("error: " << (step.result.error ? step.result.error->message : ""));
    REQUIRE(step.result.ok());
    return step.result;
  }

  /// The rows a statement that must succeed returns, shown in id order (Hermitage states rows,
  /// not the order a scan meets them in).
  std::string rows(const std::string& who, const Statement& statement) {
    std::vector<Row> found = ok(who, statement).rows;
    std::sort(found.begin(), found.end(), [](const Row& a, const Row& b) { return compare(a[0], b[0]) < 0; });
    return show(found);
  }
  /// Every committed row of a table, in id order.
  std::string table(const std::string& name = "test") {
    std::vector<Row> found = db.committed_rows(name);
    std::sort(found.begin(), found.end(), [](const Row& a, const Row& b) { return compare(a[0], b[0]) < 0; });
    return show(found);
  }
  /// The same in the order the statement returned them.
  std::string rows_in_order(const std::string& who, const Statement& statement) {
    return show(ok(who, statement).rows);
  }

  /// Runs a statement that must block; returns the session it waits for.
  SessionId blocks(const std::string& who, const Statement& statement) {
    Step step = db.execute(session(who), statement);
    INFO(who << ": " << to_sql(statement));
    REQUIRE(step.blocked);
    REQUIRE(db.blocked(session(who)));
    return step.waits_for_session;
  }

  /// Runs a statement that must fail at once with `sqlstate`; returns the error.
  Error fails(const std::string& who, const Statement& statement, const std::string& sqlstate) {
    Step step = db.execute(session(who), statement);
    INFO(who << ": " << to_sql(statement));
    REQUIRE_FALSE(step.blocked);
    REQUIRE(step.result.sqlstate() == sqlstate);
    return *step.result.error;
  }

  /// The results of blocked statements that finished since the last call, by session name.
  std::map<std::string, Result> resumed() {
    std::map<std::string, Result> by_name;
    for (Completion& c : db.take_completions())
      for (const auto& [name, id] : sessions_)
        if (id == c.session) by_name[name] = c.result;
    return by_name;
  }

  /// The one statement that finished since the last call: it must be `who`'s.
  Result resumed_one(const std::string& who) {
    std::map<std::string, Result> done = resumed();
    REQUIRE(done.size() == 1);
    REQUIRE(done.count(who) == 1);
    return done.at(who);
  }

  Engine db;

  /// From now on, of the statements ready to resume the engine takes `who`'s first when it is
  /// among them (else the first ready); every list of ready sessions it is offered is kept, in order.
  const std::vector<std::vector<SessionId>>& prefer(const std::string& who) {
    SessionId preferred = session(who);
    offered_.clear();
    db.set_resume_chooser([this, preferred](const std::vector<SessionId>& ready) {
      offered_.push_back(ready);
      auto at = std::find(ready.begin(), ready.end(), preferred);
      return at == ready.end() ? std::size_t{0} : static_cast<std::size_t>(at - ready.begin());
    });
    return offered_;
  }

private:
  std::map<std::string, SessionId> sessions_;
  std::vector<std::vector<SessionId>> offered_;
};

}  // namespace pgtest
