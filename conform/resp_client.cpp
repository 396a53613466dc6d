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

  // Closes the socket (which cancels what is pending) and lets the cancelled handlers run.
  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();
  }

  // Runs the io_context until `done` or for `wait`; at the end of the wait, closes the socket
  // and throws, naming the whole `budget_ms` the step had.
  void wait_for(const bool& done, std::chrono::steady_clock::duration wait, std::int64_t budget_ms, const char* doing) {
    io.restart();
    io.run_for(wait);
    if (done) return;
    close();
    throw ConnectError(fmt::format("{}: no answer within {} ms while {}", endpoint_text, budget_ms, doing));
  }
  void wait_for(const bool& done, std::int64_t budget_ms, const char* doing) {
    wait_for(done, std::chrono::milliseconds(budget_ms), budget_ms, doing);
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
    if (failure)
      throw ConnectError(fmt::format("{}: cannot resolve '{}': {}", endpoint_text, endpoint.host, failure.message()));
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
    if (failure)
      throw ConnectError(fmt::format("{}: connection lost while sending: {}", endpoint_text, failure.message()));
  }

  // Bytes that came but make no whole reply, for a message: the first few, escaped.
  std::string received_text() const {
    std::string shown;
    for (char c : received.substr(0, 40)) {
      auto byte = static_cast<unsigned char>(c);
      shown += byte >= 0x20 && byte < 0x7f && c != '\\' ? std::string(1, c) : fmt::format("\\x{:02x}", byte);
    }
    return fmt::format("'{}{}'", shown, received.size() > 40 ? "..." : "");
  }

  // The reply did not come whole within its budget: silence, or bytes that make no reply.
  [[noreturn]] void reply_overdue() {
    close();
    if (received.empty())
      throw ConnectError(
          fmt::format("{}: no answer within {} ms while waiting for a reply", endpoint_text, options.reply_timeout_ms));
    throw ProtocolError(fmt::format("{} bytes that make no whole reply within {} ms (garbage, not RESP2): {}",
                                    received.size(), options.reply_timeout_ms, received_text()));
  }

  // Reads more bytes onto `received`, within what is left of the reply's deadline.
  void read_some(std::chrono::steady_clock::time_point deadline) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) reply_overdue();
    std::array<char, 16384> chunk{};
    bool done = false;
    boost::system::error_code failure;
    std::size_t count = 0;
    socket.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec, std::size_t n) {
      done = true;
      failure = ec;
      count = n;
    });
    io.restart();
    io.run_for(left);
    if (!done) reply_overdue();
    if (failure)
      throw ConnectError(
          fmt::format("{}: connection lost while reading a reply: {}", endpoint_text, failure.message()));
    received.append(chunk.data(), count);
    if (received.size() > options.reply_bytes_max) {
      close();
      throw ProtocolError(fmt::format("a reply longer than {} bytes (garbage, not a reply to these commands): {}",
                                      options.reply_bytes_max, received_text()));
    }
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
