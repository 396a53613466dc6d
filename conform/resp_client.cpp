#include "conform/resp_client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>

#include "conform/resp_parse.hpp"
#include "models/redis/engine/command_table.hpp"

namespace conform {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string Endpoint::text() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  std::optional<std::int64_t> port = redis::parse_integer(text.substr(colon + 1));
  if (!port || *port < 1 || *port > 65535) return std::nullopt;
  return Endpoint{std::string(host), static_cast<std::uint16_t>(*port)};
}

std::string encode_command(const Argv& argv) {
  std::string out = fmt::format("*{}\r\n", argv.size());
  for (const std::string& word : argv) {
    out += fmt::format("${}\r\n", word.size());
    out += word;
    out += "\r\n";
  }
  return out;
}

struct RespClient::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  ClientOptions options;
  std::string endpoint_text;
  std::string received;  ///< bytes read but not yet taken as a reply

  // Runs the io_context until `done` or the deadline; on the deadline, closes the socket (which
  // cancels what is pending), lets the cancelled handlers run, and throws.
  void wait_for(const bool& done, std::int64_t timeout_ms, const char* doing) {
    io.restart();
    io.run_for(std::chrono::milliseconds(timeout_ms));
    if (done) return;
    boost::system::error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();
    throw ConnectError(fmt::format("{}: no answer within {} ms while {}", endpoint_text, timeout_ms, doing));
  }

  tcp::resolver::results_type resolve(const Endpoint& endpoint) {
    tcp::resolver resolver(io);
    bool done = false;
    boost::system::error_code failure;
    tcp::resolver::results_type results;
    resolver.async_resolve(endpoint.host, std::to_string(endpoint.port),
                           [&](const boost::system::error_code& ec, tcp::resolver::results_type found) {
                             done = true;
                             failure = ec;
                             results = std::move(found);
                           });
    wait_for(done, options.connect_timeout_ms, "resolving the host name");
    if (failure) throw ConnectError(fmt::format("{}: cannot resolve '{}': {}", endpoint_text, endpoint.host, failure.message()));
    return results;
  }

  void connect(const Endpoint& endpoint) {
    tcp::resolver::results_type addresses = resolve(endpoint);
    bool done = false;
    boost::system::error_code failure;
    asio::async_connect(socket, addresses, [&](const boost::system::error_code& ec, const tcp::endpoint&) {
      done = true;
      failure = ec;
    });
    wait_for(done, options.connect_timeout_ms, "connecting");
    if (failure) throw ConnectError(fmt::format("{}: cannot connect: {}", endpoint_text, failure.message()));
    socket.set_option(tcp::no_delay(true));
  }

  void send(const std::string& bytes) {
    bool done = false;
    boost::system::error_code failure;
    asio::async_write(socket, asio::buffer(bytes), [&](const boost::system::error_code& ec, std::size_t) {
      done = true;
      failure = ec;
    });
    wait_for(done, options.reply_timeout_ms, "sending a command");
    if (failure) throw ConnectError(fmt::format("{}: connection lost while sending: {}", endpoint_text, failure.message()));
  }

  // Reads more bytes onto `received`, within what is left of the reply's deadline.
  void read_some(std::chrono::steady_clock::time_point deadline) {
    std::array<char, 16384> chunk{};
    bool done = false;
    boost::system::error_code failure;
    std::size_t count = 0;
    socket.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec, std::size_t n) {
      done = true;
      failure = ec;
      count = n;
    });
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    wait_for(done, std::max<std::int64_t>(left.count(), 1), "waiting for a reply");
    if (failure) throw ConnectError(fmt::format("{}: connection lost while reading a reply: {}", endpoint_text, failure.message()));
    received.append(chunk.data(), count);
  }

  WireReply receive() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.reply_timeout_ms);
    for (;;) {
      if (std::optional<ParsedReply> parsed = parse_reply(received)) {
        WireReply reply{received.substr(0, parsed->length), std::move(parsed->reply)};
        received.erase(0, parsed->length);
        return reply;
      }
      read_some(deadline);
    }
  }
};

RespClient::RespClient(const Endpoint& endpoint, ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->endpoint_text = endpoint.text();
  impl_->connect(endpoint);
}

RespClient::~RespClient() = default;

WireReply RespClient::call(const Argv& argv) {
  if (!impl_->socket.is_open()) throw ConnectError(fmt::format("{}: the connection is closed", impl_->endpoint_text));
  impl_->send(encode_command(argv));
  return impl_->receive();
}

}  // namespace conform
