// Inside the Lua host (lua_*.cpp only): the state every Lua-side function reaches, and the pieces
// the host assembles a run from. lua_sandbox.cpp builds the Lua state with Redis's globals and
// read-only tables; lua_call.cpp is redis.call and redis.pcall; lua_api.cpp is the rest of the
// redis.* library, math.random, the error handler and the instruction hook; lua_convert.cpp
// turns replies into Lua values and back; lua_shebang.cpp reads 7.0's "#!lua" lines;
// lua_host.cpp runs EVAL, EVALSHA and SCRIPT on top.
//
// The Lua library is Debian's Lua 5.1 built as C++: lua_error throws, so C++ destructors run
// when a Lua error unwinds a C++ frame. Its symbols are C++ symbols: no extern "C" here.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "models/redis/lua/rand48.hpp"
#include "models/redis/engine/reply.hpp"

namespace redis::lua {

/// What one Redis process's scripting holds besides its Lua state: the random streams, the
/// limits, and, while a script runs, that run's state.
struct Runtime {
  Version version = Version::v7_0;
  LuaHostOptions options;
  /// redisLrand48's process-global state: math.random and math.randomseed.
  Rand48 random;
  /// Stands for the libc generator that 6.2's redis.replicate_commands() reseeds math.random from.
  Rand48 libc_random;
  std::size_t memory_used = 0;
  /// Registry references taken once per state, so a run looks up no names by string: the real
  /// global table, the names a run sets or reads in it, and the C function protected calls
  /// enter through.
  struct Refs {
    int globals = LUA_NOREF;
    int keys = LUA_NOREF;
    int argv = LUA_NOREF;
    int handler = LUA_NOREF;
    int protected_entry = LUA_NOREF;
  } refs;

  // The current run; runner is null between runs.
  CommandRunner* runner = nullptr;
  bool read_only = false;  ///< the script declared flags=no-writes
  bool wrote = false;      ///< a write command ran (6.2's lua_write_dirty)
  std::uint64_t instructions = 0;
  /// Set when the host stops the script; every later instruction raises it again, so no pcall
  /// in the script can swallow it.
  std::optional<std::string> abort_message;
  /// A C++ exception from the runner (a failed assertion), rethrown once Lua has unwound.
  std::exception_ptr failure;

  void begin_run(CommandRunner& run_runner, bool run_read_only);
  void end_run();
};

Runtime& runtime_of(lua_State* L);

// lua_sandbox.cpp

/// A new Lua state for `runtime`, with the libraries and globals of runtime.version, the
/// redis.* library, and the global table and library tables read-only as Redis makes them.
/// Every allocation counts against options.memory_limit_bytes.
lua_State* open_state(Runtime& runtime);
/// Sets global `name` (the name behind a reference in Runtime::refs: keys or argv) to a fresh
/// array of `items`, past the read-only guard.
void set_global_array(lua_State* L, int name_ref, const std::vector<std::string>& items, std::size_t begin,
                      std::size_t end);
/// Whether `index` holds one of the read-only tables (the globals or a library).
bool is_protected(lua_State* L, int index);
/// Pushes __redis__err__handler, the message handler every script runs under.
void push_error_handler(lua_State* L);
/// Runs `entry(L, data)` in protected mode, as lua_cpcall does but without making a closure
/// each time: `entry` gets `data` as its only argument. Returns lua_pcall's status, the error
/// on top of the stack when it is not 0.
int protected_call(lua_State* L, lua_CFunction entry, void* data);

// lua_call.cpp

/// redis.call: runs a command and returns its reply, raising the error of an error reply.
int redis_call(lua_State* L);
/// redis.pcall: the same, returning an error reply as an {err = ...} table.
int redis_pcall(lua_State* L);
/// The arguments of the running C function as command words: strings as they are, numbers as
/// "%.17g". On a bad argument, pushes the error table and returns false.
bool read_arguments(lua_State* L, std::vector<std::string>& argv);

// lua_api.cpp

/// Registers the redis table, math.random/randomseed, 7.0's pcall and the message handler
/// __redis__err__handler as globals of the (not yet protected) global table on top of the
/// stack; the debug library must be open, and is removed.
void register_api(lua_State* L, Version version);
/// luaPushError: pushes an error table for `message`, as the redis.* library reports its own
/// errors (7.0: {err = "ERR message"}; 6.2: {err = "<source>: <line>: message"}).
void push_error(lua_State* L, const std::string& message);
/// Raises an error the redis.* library's way: the table of push_error in 7.0, its text in 6.2.
[[noreturn]] void raise_error(lua_State* L, const std::string& message);
/// Stops the script for good with `message`: it is raised now and again at every instruction,
/// so no pcall in the script can swallow it.
[[noreturn]] void abort_script(lua_State* L, const std::string& message);
/// Counts instructions; stops the script with an error once past the limit or once aborted.
void instruction_hook(lua_State* L, lua_Debug* debug);
/// How many instructions pass between two calls of instruction_hook.
inline constexpr int hook_interval = 100'000;

// lua_shebang.cpp

struct Shebang {
  std::size_t length = 0;  ///< bytes before the line feed that ends the shebang line
  bool no_writes = false;  ///< flags=no-writes
};
/// 7.0's "#!lua flags=..." first line; a body without one gives Shebang{}. Returns the error
/// text for a bad shebang, e.g. "Unexpected flag in script shebang: bogus".
std::variant<Shebang, std::string> read_shebang(const std::string& body);

// lua_convert.cpp

/// Pushes a command's reply as redis.call returns it to Lua.
void push_reply(lua_State* L, const Reply& reply, Version version);
/// Converts the value on top of the stack to the reply EVAL sends, and pops it.
Reply pop_reply(lua_State* L, Version version);
/// luaPushErrorBuff's text: "-CODE message" keeps CODE, anything else gets "ERR"; line breaks
/// at the ends of the message are dropped.
std::string error_table_text(const std::string& buffer);
/// Pushes {err = text}.
void push_error_table(lua_State* L, const std::string& text);
/// A Lua number as redis.call passes it to a command: "%.17g".
std::string number_argument(double value);
/// (long long)value as x86-64 computes it: out-of-range values and NaN give INT64_MIN.
std::int64_t truncate_to_int64(double value);
/// CR and LF become spaces, as Redis keeps status and error lines on one line.
std::string one_line(std::string text);
/// Drops the CR and LF characters at both ends (sdstrim with "\r\n").
std::string trim_line_breaks(const std::string& text);

}  // namespace redis::lua
