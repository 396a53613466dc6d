#include "models/bank/session.hpp"

#include "sim/kernel/assert.hpp"

namespace bank {

Session::Session(Context& context_, sim::NodeId node_, std::string name_)
    : context(context_),
      node(node_),
      name(std::move(name_)),
      rng(context_.world.rng("bank/" + name)
              .derive("incarnation/" + std::to_string(context_.world.node(node_).incarnation()))) {}

// libpq with a list of hosts and target_session_attrs=read-write (postgres::Connection's host
// list): the first host that admits the client and is not a hot standby; after the last,
// reconnect_delay and again.
sim::Task<void> Session::ensure_open() {
  const std::vector<sim::NodeId>& hosts = context.database->servers();
  sim::Duration patience = hosts.size() > 1 ? context.options.connect_timeout : context.options.timeout;
  for (int pass = 0; !connection_ || !connection_->is_open(); ++pass) {
    if (pass > 0) co_await sim::sleep(context.options.reconnect_delay);
    connection_ = std::make_unique<postgres::Connection>(context.world.executor(node), hosts,
                                                         postgres::ConnectionOptions{context.options.timeout, false,
                                                                                     patience});
    co_await connection_->connect();
  }
  // The connection's later calls wait `timeout` for their answers.
  connection_->set_timeout(context.options.timeout);
}

sim::Task<postgres::Reply> Session::execute(postgres::Statement statement) {
  co_await ensure_open();
  postgres::Reply reply = co_await connection_->execute(std::move(statement));
  co_return reply;
}

sim::Task<void> Session::rollback() {
  if (!connection_ || !connection_->is_open()) co_return;
  co_await connection_->execute(postgres::Rollback{});
}

bool retryable(const postgres::Reply& reply) {
  if (reply.broken) return false;
  const std::string& state = reply.sqlstate();
  return state == "40001" || state == "40P01";
}

std::int64_t integer(const postgres::Value& value) {
  const auto* number = std::get_if<std::int64_t>(&value);
  SIM_ASSERT(number, "the bank's tables hold integers only");
  return *number;
}

}  // namespace bank
