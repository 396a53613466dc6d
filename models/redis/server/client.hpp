// Talking to a simulated Redis server: a command travels as an RPC over the kernel's network,
// on a FIFO connection, and the server answers with a Reply. Any completion token works: a
// plain callback on hot paths (one per request, no coroutine), sim::use_awaitable in protocol
// code, or one side of `||`.
//
// Fault model: a timeout, a partition, a crashed server and a lost message all complete with
// an error code (timed_out) and a null reply; the caller cannot tell them apart, as a real
// client cannot.
#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>

#include <memory>
#include <string>
#include <vector>

#include "models/redis/engine/reply.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rpc.hpp"

namespace redis {

/// A command on the wire. `connection` identifies the client connection (WAIT counts per
/// connection).
struct Command final : sim::MessageBody {
  std::vector<std::string> argv;
  std::uint64_t connection = 0;
  std::string describe() const override;
};

struct Response final : sim::MessageBody {
  Reply reply;
  std::string describe() const override { return reply.describe(); }
};

/// Sends `argv` to `server` from the executor's node. Completion: void(sim::error_code, Reply).
template <class Token>
auto call(sim::Executor ex, sim::NodeId server, std::vector<std::string> argv, sim::Duration timeout,
          Token&& token, std::uint64_t connection = 0) {
  return boost::asio::async_initiate<Token, void(sim::error_code, Reply)>(
      [ex, server, timeout, connection](auto handler, std::vector<std::string> args) {
        auto command = std::make_shared<Command>();
        command->argv = std::move(args);
        command->connection = connection;
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        ex.world().rpc().call(ex, server, std::move(command), timeout,
                              boost::asio::bind_cancellation_slot(
                                  slot, [h = std::move(handler)](sim::error_code ec, sim::MessagePtr body) mutable {
                                    Reply reply;
                                    if (!ec && body) {
                                      if (const auto* response = dynamic_cast<const Response*>(body.get()))
                                        reply = response->reply;
                                    }
                                    std::move(h)(ec, std::move(reply));
                                  }));
      },
      token, std::move(argv));
}

}  // namespace redis
