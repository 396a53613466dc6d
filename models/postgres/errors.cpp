#include "models/postgres/errors.hpp"

namespace postgres {

const std::string& Result::sqlstate() const {
  static const std::string success = "00000";
  return error ? error->sqlstate : success;
}

namespace errors {

namespace {
const char* type_name(const Value& value) {
  if (std::holds_alternative<std::int64_t>(value)) return "integer";
  if (std::holds_alternative<std::string>(value)) return "text";
  if (std::holds_alternative<bool>(value)) return "boolean";
  return "unknown";
}
}  // namespace

Error concurrent_update() { return {"40001", "could not serialize access due to concurrent update", ""}; }
Error concurrent_delete() { return {"40001", "could not serialize access due to concurrent delete", ""}; }
Error rw_dependencies(const std::string& reason) {
  return {"40001", "could not serialize access due to read/write dependencies among transactions",
          "Reason code: " + reason};
}
Error deadlock() { return {"40P01", "deadlock detected", ""}; }
Error unique_violation(const std::string& index, const std::string& key_columns, const std::string& key_values) {
  return {"23505", "duplicate key value violates unique constraint \"" + index + "\"",
          "Key (" + key_columns + ")=(" + key_values + ") already exists."};
}
Error not_null(const std::string& column, const std::string& table) {
  return {"23502", "null value in column \"" + column + "\" of relation \"" + table + "\" violates not-null constraint",
          ""};
}
Error row_lock_not_available(const std::string& table) {
  return {"55P03", "could not obtain lock on row in relation \"" + table + "\"", ""};
}
Error in_failed_transaction() {
  return {"25P02", "current transaction is aborted, commands ignored until end of transaction block", ""};
}
Error affect_row_twice() { return {"21000", "ON CONFLICT DO UPDATE command cannot affect row a second time", ""}; }
Error undefined_table(const std::string& table) { return {"42P01", "relation \"" + table + "\" does not exist", ""}; }
Error undefined_column(const std::string& column) { return {"42703", "column \"" + column + "\" does not exist", ""}; }
Error out_of_range(Type type) {
  return {"22003", std::string(type == Type::bigint ? "bigint" : "integer") + " out of range", ""};
}
Error division_by_zero() { return {"22012", "division by zero", ""}; }
Error wrong_type(const std::string& column, Type column_type, const Value& value) {
  return {"42804",
          "column \"" + column + "\" is of type " + to_string(column_type) + " but expression is of type " +
              type_name(value),
          ""};
}
Error no_operator(Type column_type, const Value& value) {
  return {"42883", std::string("operator does not exist: ") + to_string(column_type) + " = " + type_name(value), ""};
}
Error too_many_values() { return {"42601", "INSERT has more expressions than target columns", ""}; }
Error on_conflict_needs_target() {
  return {"42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name", ""};
}
Error no_matching_constraint() {
  return {"42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification", ""};
}
Error negative_limit() { return {"2201W", "LIMIT must not be negative", ""}; }

}  // namespace errors

}  // namespace postgres
