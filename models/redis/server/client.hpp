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
/// connection). `first_key_slot` is the hash slot of the command's first key when the client
/// computed it to route the command (a cluster client does), so the server's slot check need
/// not compute the same CRC16 again; -1 when the client did not.
struct Command final : sim::MessageBody {
  std::vector<std::string> argv;
  std::uint64_t connection = 0;
  int first_key_slot = -1;
  std::string describe() const override;
};

struct Response final : sim::MessageBody {
  Reply reply;
  std::string describe() const override { return reply.describe(); }
};

/// Sends `argv` to `server` from the executor's node. Completion: void(sim::error_code, Reply).
/// `first_key_slot`: key_slot() of the command's first key, when the caller routed by it.
template <class Token>
auto call(sim::Executor ex, sim::NodeId server, std::vector<std::string> argv, sim::Duration timeout,
          Token&& token, std::uint64_t connection = 0, int first_key_slot = -1) {
  return boost::asio::async_initiate<Token, void(sim::error_code, Reply)>(
      [ex, server, timeout, connection, first_key_slot](auto handler, std::vector<std::string> args) {
        auto command = std::make_shared<Command>();
        command->argv = std::move(args);
        command->connection = connection;
        command->first_key_slot = first_key_slot;
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        ex.world().rpc().call(ex, server, std::move(command), timeout,
                              boost::asio::bind_cancellation_slot(
                                  slot, [h = std::move(handler)](sim::error_code ec, sim::MessagePtr body) mutable {
                                    Reply reply;
                                    if (const auto* response = ec ? nullptr : sim::body_as<Response>(body.get())) {
                                      // The response's last holder takes its reply; one still
                                      // shared (a duplicated packet) is copied. It was made
                                      // non-const by the server, so moving from it is sound.
                                      if (body.use_count() == 1)
                                        reply = std::move(const_cast<Response*>(response)->reply);
                                      else
                                        reply = response->reply;
                                    }
                                    std::move(h)(ec, std::move(reply));
                                  }));
      },
      token, std::move(argv));
}

}  // namespace redis
