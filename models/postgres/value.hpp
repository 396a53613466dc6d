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
  /// Inline: every index lookup compares keys a few dozen times, mostly single integers.
  bool operator()(const Row& a, const Row& b) const {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Value& x = a[i];
      const Value& y = b[i];
      if (x.index() != y.index()) return x.index() < y.index();
      if (const auto* p = std::get_if<std::int64_t>(&x)) {
        const std::int64_t q = *std::get_if<std::int64_t>(&y);
        if (*p != q) return *p < q;
      } else if (const auto* s = std::get_if<std::string>(&x)) {
        if (int order = s->compare(*std::get_if<std::string>(&y))) return order < 0;
      } else if (const auto* t = std::get_if<bool>(&x)) {
        if (*t != *std::get_if<bool>(&y)) return *t < *std::get_if<bool>(&y);
      }  // NULLs are equal here
    }
    return a.size() < b.size();
  }
};
/// Three-way RowOrder: -1, 0 or 1.
int row_order(const Row& a, const Row& b);
/// The same for the row of the one integer `v` against `b`, without making that row.
int row_order(std::int64_t v, const Row& b);

/// An index's key: the values of its columns, ordered as RowOrder orders them. A key that is one
/// integer (most indexes' keys) is kept as that integer, with no row on the heap, so two such keys
/// compare without reading memory beyond the index's own nodes.
class IndexKey {
public:
  explicit IndexKey(Row values) {
    if (values.size() == 1 && std::holds_alternative<std::int64_t>(values[0]))
      integer_ = std::get<std::int64_t>(values[0]);
    else
      row_ = std::move(values);
  }
  explicit IndexKey(std::int64_t integer) : integer_(integer) {}
  bool is_integer() const { return row_.empty(); }  ///< an index has a column at least, so a row is never empty
  std::int64_t integer() const { return integer_; }
  const Row& row() const { return row_; }  ///< when not is_integer()

private:
  std::int64_t integer_ = 0;
  Row row_;
};

/// Orders IndexKeys, and finds one by its row of values (a transparent comparator).
struct IndexKeyOrder {
  using is_transparent = void;
  static int order(const IndexKey& a, const Row& b) {
    return a.is_integer() ? row_order(a.integer(), b) : row_order(a.row(), b);
  }
  bool operator()(const IndexKey& a, const IndexKey& b) const {
    if (a.is_integer() && b.is_integer()) return a.integer() < b.integer();
    if (b.is_integer()) return -order(b, a.row()) < 0;
    return order(a, b.row()) < 0;
  }
  bool operator()(const IndexKey& a, const Row& b) const { return order(a, b) < 0; }
  bool operator()(const Row& a, const IndexKey& b) const { return order(b, a) > 0; }
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
