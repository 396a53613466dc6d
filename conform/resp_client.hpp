// A small Redis client for real servers: one TCP connection, commands sent as RESP2 arrays of
// bulk strings, one reply read back per command. It runs on its own asio::io_context in REAL
// time (it talks to a real server; it is never part of a simulation run), and every wait has a
// deadline, so an unreachable or silent server ends in a ConnectError, never a hang.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/redis/engine/reply.hpp"

namespace conform {

using Argv = std::vector<std::string>;

/// The server could not be reached, did not answer in time, or closed the connection.
struct ConnectError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host;  ///< a name, an IPv4 address, or an IPv6 address (without brackets)
  std::uint16_t port = 0;

  /// "HOST:PORT", with brackets around an IPv6 host.
  std::string text() const;
};

/// "HOST:PORT" or "[IPV6]:PORT" with a port in 1..65535; nullopt for anything else.
std::optional<Endpoint> parse_endpoint(std::string_view text);

struct ClientOptions {
  /// How long resolving and connecting may take, in ms; positive.
  std::int64_t connect_timeout_ms = 2000;
  /// How long one reply may take to arrive whole after its command was sent, in ms; positive.
  /// It bounds the whole reply: a server that keeps sending bytes does not extend it.
  std::int64_t reply_timeout_ms = 5000;
  /// The most bytes one reply may take; more is not a Redis reply to these commands.
  std::size_t reply_bytes_max = std::size_t{64} << 20;
};

/// One reply as it came off the wire.
struct WireReply {
  std::string raw;     ///< the exact RESP2 bytes
  redis::Reply reply;  ///< the same, parsed
};

class RespClient {
public:
  /// Connects, or throws ConnectError with one sentence saying why.
  RespClient(const Endpoint& endpoint, ClientOptions options = {});
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  /// Sends argv (argv[0] the command) and returns the server's reply. Throws ConnectError if
  /// the connection fails or nothing arrives in time, ProtocolError if the bytes are not RESP2,
  /// run past reply_bytes_max, or do not make a whole reply in time (the connection is then
  /// closed).
  WireReply call(const Argv& argv);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// argv as a RESP2 array of bulk strings, the form every client sends.
std::string encode_command(const Argv& argv);

}  // namespace conform
