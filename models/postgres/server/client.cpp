#include "models/postgres/server/client.hpp"

#include <boost/asio/redirect_error.hpp>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/rpc.hpp"

namespace postgres {

const std::string& Reply::sqlstate() const {
  static const std::string connection_failure = "08006";
  return broken ? connection_failure : result.sqlstate();
}

Connection::Connection(sim::Executor ex, sim::NodeId server, ConnectionOptions options)
    : ex_(ex), hosts_{server}, server_(server), options_(options) {}

Connection::Connection(sim::Executor ex, std::vector<sim::NodeId> hosts, ConnectionOptions options)
    : ex_(ex), hosts_(std::move(hosts)), read_write_(true), server_(sim::no_node), options_(options) {
  SIM_ASSERT(!hosts_.empty(), "a connection with an empty host list");
  server_ = hosts_.front();
}

Connection::~Connection() { close(); }

sim::Task<Reply> Connection::connect() {
  SIM_ASSERT(!busy_ && !is_open(), "connect on a connection that is open or busy");
  const sim::Duration patience =
      options_.connect_timeout == sim::Duration::zero() ? options_.timeout : options_.connect_timeout;
  if (!read_write_) co_return co_await connect_to(patience);
  Reply reply;
  for (sim::NodeId host : hosts_) {
    server_ = host;
    reply = co_await connect_to(patience);
    if (!reply.ok() || !is_open()) continue;
    if (!in_hot_standby_) co_return reply;
    close();  // a hot standby: not read-write, try the next host
    reply = Reply{};
    reply.broken = true;
  }
  co_return reply;
}

sim::Task<Reply> Connection::connect_to(sim::Duration patience) {
  busy_ = true;
  auto startup = std::make_shared<StartupMessage>();
  startup->superuser = options_.superuser;
  sim::error_code ec;
  sim::MessagePtr body = co_await ex_.world().rpc().call(ex_, server_, std::move(startup), patience,
                                                         boost::asio::redirect_error(sim::use_awaitable, ec));
  busy_ = false;
  Reply reply;
  const auto* answer = dynamic_cast<const StartupReply*>(body.get());
  if (ec || !answer) {
    reply.broken = true;
    co_return reply;
  }
  pid_ = answer->pid;
  in_hot_standby_ = answer->in_hot_standby;
  reply.result = answer->result;
  reply.closed = pid_ == 0;
  co_return reply;
}

sim::Task<Reply> Connection::execute(Statement statement) { return query(Request{std::move(statement)}); }

sim::Task<Reply> Connection::query(Request request) {
  SIM_ASSERT(!busy_, "a statement sent on a connection before the last one was answered");
  Reply reply;
  if (!is_open()) {
    reply.broken = true;
    reply.closed = true;
    co_return reply;
  }
  busy_ = true;
  auto message = std::make_shared<QueryMessage>();
  message->pid = pid_;
  message->request = std::move(request);
  sim::error_code ec;
  sim::MessagePtr body = co_await ex_.world().rpc().call(ex_, server_, std::move(message), options_.timeout,
                                                         boost::asio::redirect_error(sim::use_awaitable, ec));
  busy_ = false;
  const auto* answer = dynamic_cast<const QueryReply*>(body.get());
  if (ec || !answer) {
    reply.broken = true;
    close();
    co_return reply;
  }
  reply.result = answer->result;
  reply.closed = answer->closed;
  if (answer->closed) pid_ = 0;  // the server already ended it: nothing to terminate
  co_return reply;
}

void Connection::close() {
  if (!is_open() || ex_.world().shutting_down()) return;
  auto terminate = std::make_shared<TerminateMessage>();
  terminate->pid = pid_;
  pid_ = 0;
  // A one-way message on the same link, behind anything sent before it; sending from a node
  // that is down sends nothing (a crashed client's destructors run after its crash).
  ex_.world().network().send(ex_.node(), server_, std::move(terminate));
}

std::int64_t timestamp_of(const Reply& reply) {
  SIM_ASSERT(reply.ok() && reply.result.rows.size() == 1 && reply.result.rows[0].size() == 1,
             "timestamp_of a reply that holds no timestamp");
  return std::get<std::int64_t>(reply.result.rows[0][0]);
}

}  // namespace postgres
