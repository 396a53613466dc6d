// What the command engine needs from a scripting engine: EVAL, EVALSHA and SCRIPT. The Lua
// implementation lives in lua_host.*; the engine knows only this interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/redis/engine/reply.hpp"

namespace redis {

class Engine;
struct ExecContext;

class ScriptHost {
public:
  virtual ~ScriptHost() = default;
  /// EVAL script numkeys key... arg... (argv without the command word). Runs atomically: the
  /// engine's clock is frozen at ctx.now_ms for the whole script; redis.call and redis.pcall go
  /// back to engine.execute with ctx.in_script set.
  virtual Reply eval(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) = 0;
  /// EVALSHA sha1 numkeys key... arg...
  virtual Reply evalsha(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) = 0;
  /// SCRIPT LOAD|EXISTS|FLUSH ...
  virtual Reply script(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) = 0;
  /// A process restart: Redis 7.0's math.random stream starts again from its fixed state, and
  /// the script cache is empty.
  virtual void reset() = 0;
};

}  // namespace redis
