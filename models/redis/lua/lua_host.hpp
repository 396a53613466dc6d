// Redis scripting in Lua: EVAL, EVALSHA and SCRIPT on a Lua 5.1 state set up as the chosen
// Redis version sets up its own, with byte-for-byte the same replies, error texts and
// math.random numbers. One host is one Redis process: a restart (reset) empties the script
// cache and starts math.random's stream again from its fixed initial state.
//
// Where versions differ: 6.2 reseeds math.random with 0 at the start of every EVAL (and from a
// second stream after redis.replicate_commands()), formats a failing script as
// "ERR Error running script (call to f_<sha>): ..." and has no shebang line; 7.0 keeps one
// stream for the whole process, appends " script: <sha>, on @user_script:<line>." to the
// original error, and reads "#!lua flags=..." shebangs.
//
// Not provided: the cjson, cmsgpack, struct and bit libraries (a script that uses them gets the
// "nonexistent global variable" error), RESP3 (redis.setresp(3) is refused), SCRIPT DEBUG
// sessions, and busy scripts: the simulated clock never moves during a script, and a script
// that runs past LuaHostOptions::instruction_limit is stopped with an error reply instead.
//
// Determinism: the host reads no clock and no libc randomness; every number a script draws
// comes from Rand48 streams the host owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/redis/engine/engine.hpp"
#include "models/redis/engine/reply.hpp"
#include "models/redis/engine/script_host.hpp"

namespace redis {

struct LuaHostOptions {
  /// Lua VM instructions one script may run before the host stops it with an error reply
  /// (Redis has no such limit; it only keeps a runaway script from hanging the simulator).
  /// Counted in steps of 100 000 instructions; must be positive.
  std::uint64_t instruction_limit = 100'000'000;
  /// Bytes the Lua state may hold; past it an allocation fails and the script gets Lua's
  /// "not enough memory" error. Must leave room for the libraries (at least 1 MiB).
  std::size_t memory_limit_bytes = std::size_t{256} << 20;
};

/// Where redis.call and redis.pcall send a command: the engine in a server, a fake in tests.
class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  /// Runs argv (argv[0] is the command, any case) as called from a script. Commands a script
  /// may not run are refused with Redis's in-script errors, e.g.
  /// "ERR This Redis command is not allowed from script".
  virtual Reply run(const std::vector<std::string>& argv) = 0;
  /// Whether the command (any case) writes; "flags=no-writes" scripts may not call it.
  virtual bool is_write(const std::string& command) const = 0;
  /// Whether the script runs on a read-only replica.
  virtual bool on_replica() const { return false; }
};

class LuaHost final : public ScriptHost {
public:
  explicit LuaHost(Version version, LuaHostOptions options = {});
  ~LuaHost() override;
  LuaHost(const LuaHost&) = delete;
  LuaHost& operator=(const LuaHost&) = delete;

  Reply eval(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) override;
  Reply evalsha(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) override;
  Reply script(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) override;
  void reset() override;

  /// EVAL and EVALSHA (args without the command word) with redis.call going to `runner`.
  Reply run_eval(CommandRunner& runner, const std::vector<std::string>& args);
  Reply run_evalsha(CommandRunner& runner, const std::vector<std::string>& args);
  /// SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|HELP (args without the command word).
  Reply run_script(const std::vector<std::string>& args);

  Version version() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::unique_ptr<ScriptHost> make_lua_host(Version version);
std::unique_ptr<ScriptHost> make_lua_host(Version version, LuaHostOptions options);

}  // namespace redis
