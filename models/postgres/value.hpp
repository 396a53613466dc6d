// Values, rows and tables of the simulated PostgreSQL: integer (int4), bigint (int8), text and
// boolean values and NULL, with PostgreSQL's comparison and arithmetic rules where the model
// uses them (a comparison with NULL is not true; int4 arithmetic past its range is 22003).
//
// Text compares byte by byte, as PostgreSQL does under the C collation; a real server compared
// with this model must use that collation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace postgres {

enum class Type { integer, bigint, text, boolean };

struct Null {
  friend bool operator==(Null, Null) { return true; }
};

/// One value: NULL, an integer of either width, text or a boolean (the advisory functions).
using Value = std::variant<Null, std::int64_t, std::string, bool>;
using Row = std::vector<Value>;

bool is_null(const Value& value);
/// -1, 0 or 1; nullopt when either side is NULL or the kinds differ.
std::optional<int> compare(const Value& a, const Value& b);

/// A total order on rows for keyed containers: by each value's type, then its value; NULLs are
/// equal to each other here (a lookup by a key without NULLs never reaches one).
struct RowOrder {
  bool operator()(const Row& a, const Row& b) const;
};
/// The value as psql prints it: digits, the text itself, t or f, and an empty string for NULL.
std::string to_text(const Value& value);
/// The value as an SQL literal: 42, 'it''s', true, NULL.
std::string to_literal(const Value& value);
const char* to_string(Type type);

struct Column {
  std::string name;
  Type type = Type::integer;
};

/// A unique index (the primary key is one, always first): its name as PostgreSQL names it
/// (`<table>_pkey`, `<table>_<col>_<col>_key`) and its columns by position.
struct UniqueIndex {
  std::string name;
  std::vector<std::size_t> columns;
  bool primary = false;
};

struct TableSchema {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::string> primary_key;               ///< column names; may be empty
  std::vector<std::vector<std::string>> unique_keys;  ///< UNIQUE (a, b) constraints
  /// CREATE INDEX ON t (a, b): non-unique indexes, which only spare a lookup the whole heap.
  std::vector<std::vector<std::string>> indexes = {};
};

/// A schema checked and resolved: column positions, indexes with PostgreSQL's names.
struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<UniqueIndex> indexes;  ///< the primary key first, then the unique keys in order
  std::vector<UniqueIndex> lookups;  ///< the non-unique indexes (CREATE INDEX), in order

  /// The position of a column, or nullopt.
  std::optional<std::size_t> column(const std::string& name) const;
  /// Whether a column belongs to some unique index (PostgreSQL's "key" columns: an UPDATE that
  /// changes none of them takes FOR NO KEY UPDATE, one that does takes FOR UPDATE).
  bool is_key_column(std::size_t column) const;
  bool not_null(std::size_t column) const;
};

/// Resolves a schema; throws std::invalid_argument naming what is wrong (a duplicate or unknown
/// column, an empty key).
Table resolve(const TableSchema& schema);
/// `CREATE TABLE ...` for the schema, as a real server would be given it.
std::string create_table_sql(const TableSchema& schema);

}  // namespace postgres
