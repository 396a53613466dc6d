// What every payment actor that talks to PostgreSQL shares: opening (or keeping) its connection
// to the primary, a transaction's statements gathered into one list, and running them. Every
// connection lists the deployment's servers as libpq's host list with
// target_session_attrs=read-write, so after a failover a new connection finds the new primary;
// each host gets `connect_timeout` when there are standbys, `db_timeout` when there are none.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "models/payment/context.hpp"
#include "models/postgres/server/client.hpp"
#include "models/postgres/statement.hpp"

namespace payment {

/// The options of every payment actor's connection: `db_timeout` for each statement.
inline postgres::ConnectionOptions connection_options(const Context& context) {
  bool standbys = context.pg.servers().size() > 1;
  return postgres::ConnectionOptions{context.options.db_timeout, false,
                                     standbys ? context.options.connect_timeout : sim::Duration::zero()};
}

/// Keeps `db` open to the primary: true when it already was, or a new connection said hello.
inline sim::Task<bool> connect(Context& context, std::unique_ptr<postgres::Connection>& db, sim::Executor ex) {
  if (db && db->is_open()) co_return true;
  db = std::make_unique<postgres::Connection>(ex, context.pg.servers(), connection_options(context));
  postgres::Reply hello = co_await db->connect();
  co_return hello.ok();
}

/// Runs one transaction's statements in order, their replies into `replies`; on the first error
/// rolls back (when the connection still stands) and returns false.
inline sim::Task<bool> run_all(postgres::Connection& db, std::vector<postgres::Statement> statements,
                               std::vector<postgres::Reply>& replies) {
  replies.clear();
  for (postgres::Statement& statement : statements) {
    postgres::Reply reply = co_await db.execute(std::move(statement));
    replies.push_back(reply);
    if (reply.ok()) continue;
    if (!reply.broken && db.is_open()) {
      postgres::Statement rollback = postgres::Rollback{};  // outside co_await: g++ 12 and braced temporaries
      co_await db.execute(std::move(rollback));
    }
    co_return false;
  }
  co_return true;
}

/// SELECT * FROM `table` WHERE `predicate`, in no particular order.
inline postgres::Select select(std::string table, postgres::Predicate predicate) {
  return postgres::Select{std::move(table), std::move(predicate), {}, std::nullopt, std::nullopt};
}

/// The statements of one transaction, in order.
template <class... S>
std::vector<postgres::Statement> steps(S&&... statements) {
  std::vector<postgres::Statement> list;
  (list.push_back(postgres::Statement(std::forward<S>(statements))), ...);
  return list;
}

}  // namespace payment
