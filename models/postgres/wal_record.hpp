// What a committed transaction wrote, as the WAL carries it: for each row it inserted, updated or
// deleted, the row's image after the transaction (none for a deleted row). The server appends one
// record per committing transaction that wrote something (a read-only transaction writes no WAL,
// as in PostgreSQL, where it has no xid); recovery and a standby replay the records in commit
// order. A record is a logical image of the transaction's effect on each row, not PostgreSQL's
// page-level records: replaying it gives the same rows, not the same heap layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/postgres/result.hpp"
#include "models/postgres/value.hpp"

namespace postgres {

struct RowChange {
  std::string table;
  std::uint64_t row = 0;     ///< the row's identity in its table (stable across its versions)
  std::optional<Row> after;  ///< every column; none: the transaction deleted the row
  bool operator==(const RowChange&) const = default;
};

struct CommitRecord {
  SessionId session = 0;  ///< the session that committed it (on the server that ran it)
  std::vector<RowChange> changes;
  bool operator==(const CommitRecord&) const = default;
};

/// One line of text per record, and back: what the WAL keeps on a node's disk. decode throws
/// std::invalid_argument on text encode did not write.
std::string encode(const CommitRecord& record);
CommitRecord decode(const std::string& text);

}  // namespace postgres
