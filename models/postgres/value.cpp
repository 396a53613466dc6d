#include "models/postgres/value.hpp"

#include <set>
#include <stdexcept>

namespace postgres {

bool is_null(const Value& value) { return std::holds_alternative<Null>(value); }

std::optional<int> compare(const Value& a, const Value& b) {
  if (a.index() != b.index() || is_null(a)) return std::nullopt;
  auto order = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (const auto* i = std::get_if<std::int64_t>(&a)) return order(*i, std::get<std::int64_t>(b));
  if (const auto* s = std::get_if<std::string>(&a)) return order(*s, std::get<std::string>(b));
  return order(std::get<bool>(a), std::get<bool>(b));
}

int row_order(const Row& a, const Row& b) {
  if (RowOrder{}(a, b)) return -1;
  return RowOrder{}(b, a) ? 1 : 0;
}

int row_order(std::int64_t v, const Row& b) {
  if (b.empty()) return 1;
  // The row {v} against b: by the first value's kind, then its value, then the length.
  constexpr std::size_t integer_kind = 1;
  static_assert(std::is_same_v<std::variant_alternative_t<integer_kind, Value>, std::int64_t>);
  if (b[0].index() != integer_kind) return integer_kind < b[0].index() ? -1 : 1;
  std::int64_t w = std::get<std::int64_t>(b[0]);
  if (v != w) return v < w ? -1 : 1;
  return b.size() > 1 ? -1 : 0;
}

std::string to_text(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "t" : "f";
  return "";
}

std::string to_literal(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::string quoted = "'";
    for (char c : *s) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    return quoted + "'";
  }
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (is_null(value)) return "NULL";
  return to_text(value);
}

const char* to_string(Type type) {
  switch (type) {
    case Type::integer: return "integer";
    case Type::bigint: return "bigint";
    case Type::text: return "text";
    case Type::boolean: return "boolean";
  }
  return "?";
}

std::optional<std::size_t> Table::column(const std::string& wanted) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == wanted) return i;
  return std::nullopt;
}

bool Table::is_key_column(std::size_t column_index) const {
  for (const UniqueIndex& index : indexes)
    for (std::size_t c : index.columns)
      if (c == column_index) return true;
  return false;
}

bool Table::not_null(std::size_t column_index) const {
  if (indexes.empty() || !indexes.front().primary) return false;
  for (std::size_t c : indexes.front().columns)
    if (c == column_index) return true;
  return false;
}

namespace {

UniqueIndex resolve_index(const Table& table, const std::vector<std::string>& names, bool primary) {
  if (names.empty()) throw std::invalid_argument("table " + table.name + ": a key with no columns");
  UniqueIndex index;
  index.primary = primary;
  index.name = table.name;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    std::optional<std::size_t> position = table.column(name);
    if (!position) throw std::invalid_argument("table " + table.name + ": key column " + name + " does not exist");
    if (!seen.insert(name).second) throw std::invalid_argument("table " + table.name + ": key repeats " + name);
    index.columns.push_back(*position);
    if (!primary) index.name += "_" + name;
  }
  index.name += primary ? "_pkey" : "_key";
  return index;
}

}  // namespace

Table resolve(const TableSchema& schema) {
  Table table;
  table.name = schema.name;
  std::set<std::string> names;
  for (const Column& column : schema.columns) {
    if (!names.insert(column.name).second)
      throw std::invalid_argument("table " + schema.name + ": column " + column.name + " twice");
    table.columns.push_back(column);
  }
  if (table.columns.empty()) throw std::invalid_argument("table " + schema.name + " has no columns");
  if (!schema.primary_key.empty()) table.indexes.push_back(resolve_index(table, schema.primary_key, true));
  for (const auto& key : schema.unique_keys) table.indexes.push_back(resolve_index(table, key, false));
  for (const auto& key : schema.indexes) {
    UniqueIndex index = resolve_index(table, key, false);
    index.name.replace(index.name.size() - 4, 4, "_idx");
    table.lookups.push_back(std::move(index));
  }
  return table;
}

std::string create_table_sql(const TableSchema& schema) {
  std::string sql = "CREATE TABLE " + schema.name + " (";
  for (std::size_t i = 0; i < schema.columns.size(); ++i)
    sql += (i ? ", " : "") + schema.columns[i].name + " " + to_string(schema.columns[i].type);
  auto list = [](const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
    return text;
  };
  if (!schema.primary_key.empty()) sql += ", PRIMARY KEY (" + list(schema.primary_key) + ")";
  for (const auto& key : schema.unique_keys) sql += ", UNIQUE (" + list(key) + ")";
  return sql + ")";
}

}  // namespace postgres
