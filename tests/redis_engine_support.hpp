// The simulated Redis engine under test without a network: one server's engine and its wall
// clock, and the RESP replies the engine tests compare against.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/redis/engine/engine.hpp"

namespace redis_engine_support {

using Argv = std::vector<std::string>;

inline constexpr std::int64_t start_ms = 1'700'000'000'000;

// One server's engine and its wall clock; `run` sends a command and returns the RESP bytes.
struct Server {
  redis::Engine engine;
  std::int64_t now_ms = start_ms;

  explicit Server(redis::Version version = redis::Version::v7_0) : engine(version) {}

  std::string run(const std::vector<std::string>& argv) {
    redis::ExecContext ctx;
    ctx.now_ms = now_ms;
    return engine.execute(argv, ctx).resp();
  }
};

inline std::string bulk(const std::string& text) { return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n"; }

inline const std::string ok = "+OK\r\n";
inline const std::string nil = "$-1\r\n";
inline const std::string empty_array = "*0\r\n";
inline const std::string wrong_type = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
inline const std::string not_integer = "-ERR value is not an integer or out of range\r\n";
inline const std::string syntax_error = "-ERR syntax error\r\n";

}  // namespace redis_engine_support
