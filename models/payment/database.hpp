// What every payment actor that talks to PostgreSQL shares: opening (or keeping) its connection
// to the primary, and a transaction's statements gathered into one list.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "models/payment/context.hpp"
#include "models/postgres/server/client.hpp"
#include "models/postgres/statement.hpp"

namespace payment {

/// Keeps `db` open to the primary: true when it already was, or a new connection said hello.
inline sim::Task<bool> connect(Context& context, std::unique_ptr<postgres::Connection>& db, sim::Executor ex) {
  if (db && db->is_open()) co_return true;
  db = std::make_unique<postgres::Connection>(ex, context.pg.primary(),
                                              postgres::ConnectionOptions{context.options.db_timeout, false});
  postgres::Reply hello = co_await db->connect();
  co_return hello.ok();
}

/// The statements of one transaction, in order.
template <class... S>
std::vector<postgres::Statement> steps(S&&... statements) {
  std::vector<postgres::Statement> list;
  (list.push_back(postgres::Statement(std::forward<S>(statements))), ...);
  return list;
}

}  // namespace payment
