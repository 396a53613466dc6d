// One client's connection to the bank's database, reopened after it breaks, and the statements
// the bank sends, as PostgreSQL would be sent them.
#pragma once

#include <memory>
#include <string>

#include "models/bank/context.hpp"
#include "models/postgres/server/client.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/timer.hpp"

namespace bank {

class Session {
public:
  Session(Context& context, sim::NodeId node, std::string name);

  /// Sends a statement on an open connection (opening one first, retrying every
  /// reconnect_delay until the server admits it).
  sim::Task<postgres::Reply> execute(postgres::Statement statement);
  /// Ends a transaction block that an error aborted (a no-op on a broken connection).
  sim::Task<void> rollback();

  Context& context;
  sim::NodeId node;
  std::string name;
  sim::Rng rng;

private:
  sim::Task<void> ensure_open();
  std::unique_ptr<postgres::Connection> connection_;
};

/// 40001 (serialization_failure) and 40P01 (deadlock_detected): the errors a retry may cure.
bool retryable(const postgres::Reply& reply);
std::int64_t integer(const postgres::Value& value);

}  // namespace bank
