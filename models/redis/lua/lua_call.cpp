// redis.call and redis.pcall: a script's command goes to the runner (the engine) with its
// arguments as command words, and its reply comes back as a Lua value. Refusals and error
// replies take the shape each version gives them: 7.0 raises {err = "CODE message"} tables,
// 6.2 raises the bare message, prefixed with the caller's "<source>: <line>: " when the
// refusal is the scripting layer's own.
#include "models/redis/lua/lua_runtime.hpp"

namespace redis::lua {

namespace {

bool is_v7(lua_State* L) { return runtime_of(L).version == Version::v7_0; }

// redis.call's reasons to refuse a command before or instead of running it.
enum class Refusal { none, unknown, arity, no_script, read_only, replica };

Refusal refusal_of(const Reply& reply) {
  if (!reply.is_error()) return Refusal::none;
  if (reply.text == "ERR Unknown Redis command called from script") return Refusal::unknown;
  if (reply.text == "ERR Wrong number of args calling Redis command from script") return Refusal::arity;
  if (reply.text == "ERR This Redis command is not allowed from script") return Refusal::no_script;
  return Refusal::none;
}

std::string refusal_message(Refusal refusal, bool v7) {
  switch (refusal) {
    case Refusal::unknown:
      return v7 ? "Unknown Redis command called from script" : "Unknown Redis command called from Lua script";
    case Refusal::arity:
      return v7 ? "Wrong number of args calling Redis command from script"
                : "Wrong number of args calling Redis command From Lua script";
    case Refusal::no_script:
      return v7 ? "This Redis command is not allowed from script" : "This Redis command is not allowed from scripts";
    case Refusal::read_only: return "Write commands are not allowed from read-only scripts.";
    // shared.roslaveerr, as both versions pass it: 7.0 takes READONLY for the code, 6.2 keeps
    // the text whole behind the caller's line.
    case Refusal::replica: return "-READONLY You can't write against a read only replica.\r\n";
    case Refusal::none: break;
  }
  return {};
}

// Pushes the error table of a command redis.call refused; 7.0 marks it as already counted.
void push_refusal(lua_State* L, Refusal refusal) {
  push_error(L, refusal_message(refusal, is_v7(L)));
  if (!is_v7(L)) return;
  lua_pushstring(L, "ignore_error_stats_update");
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
}

}  // namespace

bool read_arguments(lua_State* L, std::vector<std::string>& argv) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    push_error(L, is_v7(L) ? "Please specify at least one argument for this redis lib call"
                           : "Please specify at least one argument for redis.call()");
    return false;
  }
  argv.reserve(static_cast<std::size_t>(argc));
  for (int j = 1; j <= argc; ++j) {
    if (lua_type(L, j) == LUA_TNUMBER) {
      argv.push_back(number_argument(lua_tonumber(L, j)));
      continue;
    }
    std::size_t length = 0;
    const char* text = lua_tolstring(L, j, &length);
    if (text == nullptr) break;
    argv.emplace_back(text, length);
  }
  lua_pop(L, argc);
  if (argv.size() == static_cast<std::size_t>(argc)) return true;
  push_error(L, is_v7(L) ? "Lua redis lib command arguments must be strings or integers"
                         : "Lua redis() command arguments must be strings or integers");
  return false;
}

namespace {

// Runs the command; a C++ exception from the runner (a failed assertion) aborts the script and
// is rethrown by the host once Lua has unwound.
Reply run_command(lua_State* L, const std::vector<std::string>& argv) {
  Runtime& runtime = runtime_of(L);
  try {
    return runtime.runner->run(argv);
  } catch (const std::exception&) {
    runtime.failure = std::current_exception();
  }
  abort_script(L, "internal error in the simulated server");
}

// Leaves the reply table (or an error table) on top and returns it, or raises it for
// redis.call: the table itself in 7.0, its err text in 6.2.
int finish_call(lua_State* L, bool raise) {
  if (raise) {
    if (!is_v7(L)) {
      lua_pushstring(L, "err");
      lua_gettable(L, -2);
    }
    lua_error(L);
  }
  return 1;
}

int call_command(lua_State* L, bool raise_errors) {
  Runtime& runtime = runtime_of(L);
  if (runtime.abort_message) abort_script(L, *runtime.abort_message);
  if (runtime.runner == nullptr) raise_error(L, "redis.call/pcall can only be called inside a script invocation");
  std::vector<std::string> argv;
  if (!read_arguments(L, argv)) return finish_call(L, raise_errors);
  const bool writes = runtime.runner->is_write(argv[0]);
  if (runtime.read_only && writes) {
    push_refusal(L, Refusal::read_only);
    return finish_call(L, raise_errors);
  }
  // scriptVerifyWriteCommandAllow (7.0), luaRedisGenericCommand (6.2): a read-only replica
  // refuses a script's writes, after the read-only script check.
  if (writes && runtime.runner->on_replica()) {
    push_refusal(L, Refusal::replica);
    return finish_call(L, raise_errors);
  }
  Reply reply = run_command(L, argv);
  Refusal refusal = refusal_of(reply);
  if (refusal != Refusal::none) {
    push_refusal(L, refusal);
    return finish_call(L, raise_errors);
  }
  if (writes) runtime.wrote = true;
  push_reply(L, reply, runtime.version);
  return finish_call(L, raise_errors && reply.is_error());
}

}  // namespace

int redis_call(lua_State* L) { return call_command(L, true); }

int redis_pcall(lua_State* L) { return call_command(L, false); }

}  // namespace redis::lua
