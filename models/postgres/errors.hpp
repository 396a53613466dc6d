// PostgreSQL 15's errors as the model raises them: SQLSTATE and message text from the server's
// source (errcodes.txt and the ereport calls the engine mirrors). Inside the engine an error is
// thrown as SqlError and caught where the statement ends; it never leaves the engine.
#pragma once

#include <string>

#include "models/postgres/result.hpp"

namespace postgres {

struct SqlError {
  Error error;
};

namespace errors {
Error concurrent_update();  ///< 40001, a row changed under a transaction-snapshot statement
Error concurrent_delete();  ///< 40001, a row deleted under one
Error rw_dependencies(const std::string& reason);  ///< 40001 from Serializable Snapshot Isolation
Error deadlock();                                  ///< 40P01
Error unique_violation(const std::string& index, const std::string& key_columns, const std::string& key_values);
Error not_null(const std::string& column, const std::string& table);  ///< 23502
Error row_lock_not_available(const std::string& table);              ///< 55P03, NOWAIT
Error in_failed_transaction();                                        ///< 25P02
Error affect_row_twice();                                             ///< 21000, ON CONFLICT DO UPDATE
Error undefined_table(const std::string& table);                      ///< 42P01
Error undefined_column(const std::string& column);                    ///< 42703
Error out_of_range(Type type);                                        ///< 22003
Error division_by_zero();                                             ///< 22012
Error wrong_type(const std::string& column, Type column_type, const Value& value);  ///< 42804
Error no_operator(Type column_type, const Value& value);                           ///< 42883
Error too_many_values();                                                           ///< 42601
Error on_conflict_needs_target();                                                  ///< 42601
Error no_matching_constraint();                                                    ///< 42P10
Error negative_limit();                                                            ///< 2201W
}  // namespace errors

}  // namespace postgres
