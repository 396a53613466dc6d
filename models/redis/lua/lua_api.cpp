// The functions Redis gives scripts besides redis.call and redis.pcall (lua_call.cpp): the rest
// of the redis table (error_reply, status_reply, sha1hex, log, ...), math.random and
// math.randomseed on Redis's rand48, 7.0's pcall, the message handler every script runs under,
// and the instruction-count hook that stops runaway scripts. Texts and error shapes follow
// script_lua.c / eval.c (7.0) and scripting.c (6.2).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

#include "models/redis/lua/lua_runtime.hpp"
#include "models/redis/lua/sha1.hpp"

namespace redis::lua {

namespace {

bool is_v7(lua_State* L) { return runtime_of(L).version == Version::v7_0; }

// (int)value as C converts a double on x86-64, for Redis's "int level = lua_tonumber(...)".
std::int32_t to_c_int(double value) { return static_cast<std::int32_t>(truncate_to_int64(value)); }

int redis_sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "wrong number of arguments");
  std::size_t length = 0;
  const char* text = lua_tolstring(L, 1, &length);
  std::string hex = text ? sha1_hex(std::string_view(text, length)) : sha1_hex("");
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

bool single_string_argument(lua_State* L) {
  if (lua_gettop(L) == 1 && lua_type(L, -1) == LUA_TSTRING) return true;
  push_error(L, "wrong number or type of arguments");
  return false;
}

int redis_status_reply(lua_State* L) {
  if (!single_string_argument(L)) return 1;
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

int redis_error_reply(lua_State* L) {
  if (!single_string_argument(L)) return 1;
  if (!is_v7(L)) {
    lua_newtable(L);
    lua_pushstring(L, "err");
    lua_pushvalue(L, -3);
    lua_settable(L, -3);
    return 1;
  }
  std::string text = lua_tostring(L, -1);
  push_error_table(L, error_table_text(text.starts_with('-') ? text : "-" + text));
  return 1;
}

int redis_log(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) raise_error(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) raise_error(L, "First argument must be a number (log level).");
  std::int32_t level = to_c_int(lua_tonumber(L, 1));
  if (level < 0 || level > 3) raise_error(L, "Invalid debug level.");
  return 0;
}

int redis_setresp(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "redis.setresp() requires one argument.");
  std::int32_t resp = to_c_int(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) raise_error(L, "RESP version must be 2 or 3.");
  if (resp == 3) raise_error(L, "RESP3 is not supported by the simulated server.");
  return 0;
}

int redis_set_repl(lua_State* L) {
  if (lua_gettop(L) != 1) raise_error(L, "redis.set_repl() requires two arguments.");
  std::int32_t flags = to_c_int(lua_tonumber(L, -1));
  if ((flags & ~3) != 0) {
    raise_error(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  return 0;
}

// 7.0: effects replication is the only mode, so this is a no-op. 6.2: refused once the script
// wrote; otherwise math.random is reseeded from the process's libc generator (here a second
// Rand48 stream), so every call draws differently.
int redis_replicate_commands(lua_State* L) {
  Runtime& runtime = runtime_of(L);
  if (runtime.version == Version::v6_2) {
    if (runtime.wrote) {
      lua_pushboolean(L, 0);
      return 1;
    }
    runtime.random.seed(runtime.libc_random.next());
  }
  lua_pushboolean(L, 1);
  return 1;
}

int redis_breakpoint(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}

int do_nothing(lua_State*) { return 0; }

// 7.0: whether the script's user may run the command. The simulated server has one user with
// every permission; the arguments are checked as redis.call checks them.
int redis_acl_check_cmd(lua_State* L) {
  std::vector<std::string> argv;
  if (!read_arguments(L, argv)) lua_error(L);
  lua_pushboolean(L, 1);
  return 1;
}

// Lua 5.1's math.random with libc's generator replaced by Redis's rand48; the draw happens
// before the arguments are checked, as in Redis.
int math_random(lua_State* L) {
  double r = runtime_of(L).random.next_unit();
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      return 1;
    case 1: {
      int upper = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * upper) + 1);
      return 1;
    }
    case 2: {
      int lower = luaL_checkint(L, 1);
      int upper = luaL_checkint(L, 2);
      luaL_argcheck(L, lower <= upper, 2, "interval is empty");
      auto width = static_cast<std::int32_t>(std::int64_t{upper} - lower + 1);
      lua_pushnumber(L, std::floor(r * width) + lower);
      return 1;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
}

int math_randomseed(lua_State* L) {
  runtime_of(L).random.seed(luaL_checkint(L, 1));
  return 0;
}

// 7.0 replaces pcall so that an error table caught by it becomes its err text, as errors were
// strings before 7.0. Called with no function, Redis ends up calling the true it pushed.
int protected_call(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    lua_pushboolean(L, 0);
    lua_pushstring(L, "attempt to call a boolean value");
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// The message handler every script runs under, __redis__err__handler, defined in Lua as Redis
// defines it, in a chunk named "@err_handler_def": when the handler itself fails (on an error
// object it cannot concatenate, say) the message names its line, so the lines must be Redis's.
// It reports the frame that raised the error, or its caller when that was a C function
// (redis.call, error), as that is the line the user is debugging.
//   6.2: returns "<source>:<line>: <error>".
//   7.0: returns the error as a table {err = ..., source = ..., line = ...}, a non-table error
//        becoming {err = "ERR " .. tostring(error)}.
constexpr const char* handler_chunk_name = "@err_handler_def";

constexpr const char* error_handler_6_2 =
    "local dbg = debug\n"
    "debug = nil\n"
    "function __redis__err__handler(err)\n"
    "  local i = dbg.getinfo(2,'nSl')\n"
    "  if i and i.what == 'C' then\n"
    "    i = dbg.getinfo(3,'nSl')\n"
    "  end\n"
    "  if i then\n"
    "    return i.source .. ':' .. i.currentline .. ': ' .. err\n"
    "  else\n"
    "    return err\n"
    "  end\n"
    "end\n";

// Redis 7.0 writes three of these lines without their line feeds; line numbers follow suit.
constexpr const char* error_handler_7_0 =
    "local dbg = debug\n"
    "debug = nil\n"
    "function __redis__err__handler(err)\n"
    "  local i = dbg.getinfo(2,'nSl')\n"
    "  if i and i.what == 'C' then\n"
    "    i = dbg.getinfo(3,'nSl')\n"
    "  end\n"
    "  if type(err) ~= 'table' then\n"
    "    err = {err='ERR ' .. tostring(err)}  end  if i then\n"
    "    err['source'] = i.source\n"
    "    err['line'] = i.currentline\n"
    "  end  return err\n"
    "end\n";

void define_error_handler(lua_State* L, Version version) {
  const char* chunk = version == Version::v7_0 ? error_handler_7_0 : error_handler_6_2;
  if (luaL_loadbuffer(L, chunk, std::strlen(chunk), handler_chunk_name) != 0) lua_error(L);
  lua_call(L, 0, 0);
}

// Whether the hook fired inside the message handler, which must run to its end, or an abort
// would recurse into it.
bool in_error_handler(lua_State* L, lua_Debug* debug) {
  lua_getinfo(L, "f", debug);
  push_error_handler(L);
  bool inside = lua_rawequal(L, -1, -2) != 0;
  lua_pop(L, 2);
  return inside;
}

void set_function(lua_State* L, const char* name, lua_CFunction function) {
  lua_pushcfunction(L, function);
  lua_setfield(L, -2, name);
}

void set_number(lua_State* L, const char* name, lua_Number value) {
  lua_pushnumber(L, value);
  lua_setfield(L, -2, name);
}

void push_redis_table(lua_State* L, Version version) {
  lua_newtable(L);
  set_function(L, "call", redis_call);
  set_function(L, "pcall", redis_pcall);
  set_function(L, "log", redis_log);
  set_number(L, "LOG_DEBUG", 0);
  set_number(L, "LOG_VERBOSE", 1);
  set_number(L, "LOG_NOTICE", 2);
  set_number(L, "LOG_WARNING", 3);
  set_function(L, "setresp", redis_setresp);
  set_function(L, "sha1hex", redis_sha1hex);
  set_function(L, "error_reply", redis_error_reply);
  set_function(L, "status_reply", redis_status_reply);
  set_function(L, "set_repl", redis_set_repl);
  set_number(L, "REPL_NONE", 0);
  set_number(L, "REPL_AOF", 1);
  set_number(L, "REPL_SLAVE", 2);
  set_number(L, "REPL_REPLICA", 2);
  set_number(L, "REPL_ALL", 3);
  set_function(L, "replicate_commands", redis_replicate_commands);
  set_function(L, "breakpoint", redis_breakpoint);
  set_function(L, "debug", do_nothing);
  if (version == Version::v7_0) {
    set_function(L, "acl_check_cmd", redis_acl_check_cmd);
    lua_pushstring(L, "7.0.15");
    lua_setfield(L, -2, "REDIS_VERSION");
    set_number(L, "REDIS_VERSION_NUM", 0x07000F);
  }
}

}  // namespace

void push_error(lua_State* L, const std::string& message) {
  if (is_v7(L)) {
    push_error_table(L, error_table_text(message));
    return;
  }
  lua_Debug caller;
  if (lua_getstack(L, 1, &caller) && lua_getinfo(L, "nSl", &caller)) {
    push_error_table(L, fmt::format("{}: {}: {}", caller.source, caller.currentline, message));
  } else {
    push_error_table(L, message);
  }
}

void raise_error(lua_State* L, const std::string& message) {
  if (is_v7(L)) {
    push_error(L, message);
  } else {
    lua_pushlstring(L, message.data(), message.size());
  }
  lua_error(L);
  std::abort();  // lua_error never returns
}

void abort_script(lua_State* L, const std::string& message) {
  runtime_of(L).abort_message = message;
  lua_sethook(L, instruction_hook, LUA_MASKCOUNT, 1);
  raise_error(L, message);
}

void instruction_hook(lua_State* L, lua_Debug* debug) {
  Runtime& runtime = runtime_of(L);
  if (!runtime.abort_message) {
    runtime.instructions += hook_interval;
    if (runtime.instructions < runtime.options.instruction_limit) return;
    runtime.abort_message =
        fmt::format("Script stopped by the simulator after {} Lua instructions (infinite loop?)", runtime.instructions);
  }
  if (!in_error_handler(L, debug)) abort_script(L, *runtime.abort_message);
}

void register_api(lua_State* L, Version version) {
  push_redis_table(L, version);
  lua_setfield(L, -2, "redis");

  lua_getfield(L, -1, "math");
  set_function(L, "random", math_random);
  set_function(L, "randomseed", math_randomseed);
  lua_pop(L, 1);

  if (version == Version::v7_0) set_function(L, "pcall", protected_call);
  define_error_handler(L, version);
}

void Runtime::begin_run(CommandRunner& run_runner, bool run_read_only) {
  runner = &run_runner;
  read_only = run_read_only;
  wrote = false;
  instructions = 0;
  abort_message.reset();
  failure = nullptr;
}

void Runtime::end_run() { runner = nullptr; }

}  // namespace redis::lua
