// The errors the server raises itself (the engine raises the others), with PostgreSQL 15's
// SQLSTATEs and message texts (postinit.c, proc.c, postgres.c).
#pragma once

#include "models/postgres/result.hpp"

namespace postgres::errors {

inline Error too_many_clients() { return {"53300", "sorry, too many clients already", ""}; }
inline Error reserved_slots() {
  return {"53300", "remaining connection slots are reserved for non-replication superuser connections", ""};
}
inline Error statement_timeout() { return {"57014", "canceling statement due to statement timeout", ""}; }
inline Error lock_timeout() { return {"55P03", "canceling statement due to lock timeout", ""}; }
inline Error idle_in_transaction_timeout() {
  return {"25P03", "terminating connection due to idle-in-transaction timeout", ""};
}

}  // namespace postgres::errors
