#include "models/postgres/statement.hpp"

#include <utility>

namespace postgres {

const char* to_string(Isolation isolation) {
  switch (isolation) {
    case Isolation::read_committed: return "read committed";
    case Isolation::repeatable_read: return "repeatable read";
    case Isolation::serializable: return "serializable";
  }
  return "?";
}

namespace where {

Predicate always() { return Predicate{}; }

Predicate compare(std::string column, CompareOp op, Value value) {
  Predicate p;
  p.kind = Predicate::Kind::compare;
  p.column = std::move(column);
  p.op = op;
  p.value = std::move(value);
  return p;
}

Predicate eq(std::string column, Value value) { return compare(std::move(column), CompareOp::eq, std::move(value)); }
Predicate lt(std::string column, Value value) { return compare(std::move(column), CompareOp::lt, std::move(value)); }
Predicate le(std::string column, Value value) { return compare(std::move(column), CompareOp::le, std::move(value)); }
Predicate gt(std::string column, Value value) { return compare(std::move(column), CompareOp::gt, std::move(value)); }
Predicate ge(std::string column, Value value) { return compare(std::move(column), CompareOp::ge, std::move(value)); }

Predicate in(std::string column, std::vector<Value> values) {
  Predicate p;
  p.kind = Predicate::Kind::in;
  p.column = std::move(column);
  p.values = std::move(values);
  return p;
}

Predicate modulo(std::string column, std::int64_t divisor, CompareOp op, Value value) {
  Predicate p = compare(std::move(column), op, std::move(value));
  p.modulo = divisor;
  return p;
}

Predicate all_of(std::vector<Predicate> parts) {
  Predicate p;
  p.kind = Predicate::Kind::all_of;
  p.parts = std::move(parts);
  return p;
}

Predicate any_of(std::vector<Predicate> parts) {
  Predicate p = all_of(std::move(parts));
  p.kind = Predicate::Kind::any_of;
  return p;
}

}  // namespace where

Assignment set_value(std::string column, Value value) {
  return Assignment{std::move(column), Assignment::Kind::constant, std::move(value), 0};
}
Assignment set_add(std::string column, std::int64_t delta) {
  return Assignment{std::move(column), Assignment::Kind::add, Null{}, delta};
}
Assignment set_excluded(std::string column) {
  return Assignment{std::move(column), Assignment::Kind::excluded, Null{}, 0};
}

namespace {

const char* sql_operator(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return "=";
    case CompareOp::ne: return "<>";
    case CompareOp::lt: return "<";
    case CompareOp::le: return "<=";
    case CompareOp::gt: return ">";
    case CompareOp::ge: return ">=";
  }
  return "?";
}

std::string joined(const std::vector<Predicate>& parts, const char* glue) {
  std::string text = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? glue : "") + to_sql(parts[i]);
  return text + ")";
}

std::string where_clause(const Predicate& p) {
  return p.kind == Predicate::Kind::always ? std::string() : " WHERE " + to_sql(p);
}

// `qualifier` names the table in expressions: inside ON CONFLICT DO UPDATE an unqualified column
// is ambiguous between the existing row and EXCLUDED (PostgreSQL's 42702), and the model's `add`
// reads the existing row.
// The WHERE of ON CONFLICT DO UPDATE, its columns qualified by the table (the existing row).
Predicate qualified(Predicate p, const std::string& table) {
  if (p.kind == Predicate::Kind::compare || p.kind == Predicate::Kind::in) p.column = table + "." + p.column;
  for (Predicate& part : p.parts) part = qualified(std::move(part), table);
  return p;
}

std::string qualified_where(const Predicate& p, const std::string& table) {
  return where_clause(qualified(p, table));
}

std::string set_clause(const std::vector<Assignment>& set, const std::string& qualifier = "") {
  std::string text = " SET ";
  for (std::size_t i = 0; i < set.size(); ++i) {
    const Assignment& a = set[i];
    text += (i ? ", " : "") + a.column + " = ";
    switch (a.kind) {
      case Assignment::Kind::constant: text += to_literal(a.value); break;
      case Assignment::Kind::add:
        text +=
            qualifier + a.column + (a.delta < 0 ? " - " + std::to_string(-a.delta) : " + " + std::to_string(a.delta));
        break;
      case Assignment::Kind::excluded: text += "EXCLUDED." + a.column; break;
    }
  }
  return text;
}

const char* locking_clause(const RowLocking& locking) {
  switch (locking.strength) {
    case LockStrength::key_share: return " FOR KEY SHARE";
    case LockStrength::share: return " FOR SHARE";
    case LockStrength::no_key_update: return " FOR NO KEY UPDATE";
    case LockStrength::update: return " FOR UPDATE";
  }
  return "";
}

std::string select_sql(const Select& s) {
  std::string sql = "SELECT * FROM " + s.table + where_clause(s.where);
  for (std::size_t i = 0; i < s.order_by.size(); ++i)
    sql += (i ? ", " : " ORDER BY ") + s.order_by[i].column + (s.order_by[i].descending ? " DESC" : "");
  if (s.limit) sql += " LIMIT " + std::to_string(*s.limit);
  if (s.locking) {
    sql += locking_clause(*s.locking);
    if (s.locking->wait == WaitPolicy::skip_locked) sql += " SKIP LOCKED";
    if (s.locking->wait == WaitPolicy::nowait) sql += " NOWAIT";
  }
  return sql;
}

std::string insert_sql(const Insert& s) {
  std::string sql = "INSERT INTO " + s.table + " VALUES ";
  for (std::size_t r = 0; r < s.rows.size(); ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t c = 0; c < s.rows[r].size(); ++c) sql += (c ? ", " : "") + to_literal(s.rows[r][c]);
    sql += ")";
  }
  if (const auto& oc = s.on_conflict) {
    sql += " ON CONFLICT";
    for (std::size_t i = 0; i < oc->target.size(); ++i) sql += (i ? ", " : " (") + oc->target[i];
    if (!oc->target.empty()) sql += ")";
    sql += oc->do_update ? " DO UPDATE" + set_clause(oc->set, s.table + ".") + qualified_where(oc->where, s.table)
                         : " DO NOTHING";
  }
  return sql + (s.returning ? " RETURNING *" : "");
}

std::string advisory_sql(const AdvisoryLock& s) {
  std::string name = std::string("pg_") + (s.try_only ? "try_" : "") + "advisory_" +
                     (s.scope == AdvisoryScope::transaction ? "xact_" : "") + "lock" + (s.shared ? "_shared" : "");
  return "SELECT " + name + "(" + std::to_string(s.key) + ")";
}

struct SqlOf {
  std::string operator()(const Begin& s) const {
    return std::string("BEGIN ISOLATION LEVEL ") + to_string(s.isolation);
  }
  std::string operator()(const Commit&) const { return "COMMIT"; }
  std::string operator()(const Rollback&) const { return "ROLLBACK"; }
  std::string operator()(const Select& s) const { return select_sql(s); }
  std::string operator()(const Insert& s) const { return insert_sql(s); }
  std::string operator()(const Update& s) const {
    return "UPDATE " + s.table + set_clause(s.set) + where_clause(s.where) + (s.returning ? " RETURNING *" : "");
  }
  std::string operator()(const Delete& s) const {
    return "DELETE FROM " + s.table + where_clause(s.where) + (s.returning ? " RETURNING *" : "");
  }
  std::string operator()(const AdvisoryLock& s) const { return advisory_sql(s); }
  std::string operator()(const AdvisoryUnlock& s) const {
    return std::string("SELECT pg_advisory_unlock") + (s.shared ? "_shared(" : "(") + std::to_string(s.key) + ")";
  }
  std::string operator()(const AdvisoryUnlockAll&) const { return "SELECT pg_advisory_unlock_all()"; }
};

}  // namespace

std::string to_sql(const Predicate& p) {
  switch (p.kind) {
    case Predicate::Kind::always: return "true";
    case Predicate::Kind::compare: {
      std::string lhs = p.modulo ? p.column + " % " + std::to_string(*p.modulo) : p.column;
      return lhs + " " + sql_operator(p.op) + " " + to_literal(p.value);
    }
    case Predicate::Kind::in: {
      std::string text = p.column + " IN (";
      for (std::size_t i = 0; i < p.values.size(); ++i) text += (i ? ", " : "") + to_literal(p.values[i]);
      return text + ")";
    }
    case Predicate::Kind::all_of: return joined(p.parts, " AND ");
    case Predicate::Kind::any_of: return joined(p.parts, " OR ");
  }
  return "?";
}

std::string to_sql(const Statement& statement) { return std::visit(SqlOf{}, statement); }

}  // namespace postgres
