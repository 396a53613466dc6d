#include "models/scheduler/io.hpp"

#include <boost/asio/redirect_error.hpp>

#include "models/redis/server/client.hpp"
#include "models/scheduler/context.hpp"
#include "sim/kernel/rpc.hpp"

namespace scheduler {

std::string task_of(const std::string& body) { return body.substr(0, body.find('|')); }

int retries_of(const std::string& body) {
  std::size_t bar = body.find('|');
  return bar == std::string::npos ? 0 : std::stoi(body.substr(bar + 1));
}

sim::Task<std::shared_ptr<const Response>> call(Context& context, sim::Executor ex, sim::NodeId to, Request request) {
  sim::error_code ec;
  sim::MessagePtr reply = co_await context.world.rpc().call(ex, to, std::make_shared<Request>(std::move(request)),
                                                            context.options.request_timeout,
                                                            boost::asio::redirect_error(sim::use_awaitable, ec));
  if (ec || !reply) co_return nullptr;
  co_return std::dynamic_pointer_cast<const Response>(reply);
}

sim::Task<std::optional<redis::Reply>> redis_call(Context& context, sim::Executor ex, std::vector<std::string> argv) {
  sim::NodeId master = context.redis->route(context.delay_key, ex.node());
  sim::error_code ec;
  redis::Reply reply = co_await redis::call(ex, master, std::move(argv), context.options.request_timeout,
                                            boost::asio::redirect_error(sim::use_awaitable, ec),
                                            static_cast<std::uint64_t>(ex.node()) + 1);
  if (redis::needs_rediscovery(ec ? nullptr : &reply))
    context.redis->rediscover(ex.node(), context.delay_key, context.options.request_timeout);
  if (ec) co_return std::nullopt;
  co_return reply;
}

}  // namespace scheduler
