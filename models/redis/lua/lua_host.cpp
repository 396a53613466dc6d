#include "models/redis/lua/lua_host.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "models/redis/lua/lua_runtime.hpp"
#include "models/redis/lua/sha1.hpp"
#include "sim/kernel/assert.hpp"

namespace redis {

namespace {

// redis.call from a script run by the engine: the same context, flagged as inside a script.
class EngineRunner final : public CommandRunner {
public:
  EngineRunner(Engine& engine, const ExecContext& ctx) : engine_(engine), ctx_(ctx) { ctx_.in_script = true; }
  Reply run(const std::vector<std::string>& argv) override { return engine_.execute(argv, ctx_); }
  bool is_write(const std::string& command) const override { return Engine::is_write(command); }
  bool on_replica() const override { return ctx_.replica; }

private:
  Engine& engine_;
  ExecContext ctx_;
};

std::string ascii_lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// A count as Redis's string2ll reads one: optional '-', digits without a leading zero, no
// overflow, nothing else.
std::optional<std::int64_t> parse_count(const std::string& text) {
  if (text == "0") return 0;
  bool negative = !text.empty() && text[0] == '-';
  std::size_t first = negative ? 1 : 0;
  if (first >= text.size() || text[first] < '1' || text[first] > '9') return std::nullopt;
  std::uint64_t magnitude = 0;
  constexpr std::uint64_t max_magnitude = std::uint64_t{1} << 63;
  for (std::size_t i = first; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (magnitude > (max_magnitude - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (!negative && magnitude == max_magnitude) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

// An error built by addReplyErrorFormat: line breaks trimmed at the ends, the rest turned into
// spaces, "ERR " in front unless the text brings its own "-CODE".
Reply formatted_error(const std::string& text) {
  std::string line = lua::one_line(lua::trim_line_breaks(text));
  if (!line.empty() && line[0] == '-') return Reply::error(line.substr(1));
  return Reply::error("ERR " + line);
}

// Runs `body(L)` in protected mode (lua::protected_call). A C++ exception escaping `body` is
// carried past Lua (which would otherwise swallow it) and rethrown. Returns lua_pcall's status.
template <class Body>
int run_protected(lua_State* L, Body& body) {
  struct Frame {
    Body* body;
    std::exception_ptr failure;
  } frame{&body, nullptr};
  int status = lua::protected_call(
      L,
      [](lua_State* inner) -> int {
        auto* call = static_cast<Frame*>(lua_touserdata(inner, 1));
        try {
          (*call->body)(inner);
        } catch (const std::exception&) {
          call->failure = std::current_exception();
        }
        return 0;
      },
      &frame);
  if (frame.failure) std::rethrow_exception(frame.failure);
  return status;
}

std::string function_name(const std::string& sha) { return "f_" + sha; }

// The error a failed lua_cpcall left on top, as "%s" would print it.
std::string error_text(lua_State* L) {
  const char* text = lua_tostring(L, -1);
  return text ? text : "(null)";
}

const std::vector<std::string>& script_help() {
  static const std::vector<std::string> lines{
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help."};
  return lines;
}

}  // namespace

struct LuaHost::Impl {
  struct Script {
    bool no_writes = false;
    bool flagged = false;      ///< 7.0: the body declares its flags in a shebang line
    int function = LUA_NOREF;  ///< the compiled function, a reference in the Lua registry
  };

  lua::Runtime runtime;
  /// Created when the first script arrives (EVAL or SCRIPT LOAD), not at start: a study starts
  /// thousands of servers, most of which never see a script or see none after a restart, and
  /// building the sandbox is most of what starting one costs. Nothing a client can observe
  /// depends on when it is built: the random streams live in `runtime`, not in the state.
  lua_State* L = nullptr;
  std::map<std::string, Script> scripts;  ///< by lowercase SHA-1 of the body
  /// SHA-1 by script body: EVAL hashes its body on every call in Redis, and so here, but a
  /// body's hash never changes, so it is computed once. Bounded, as bodies can be generated.
  std::map<std::string, std::string, std::less<>> sha_by_body;
  static constexpr std::size_t sha_memo_max = 256;

  const std::string& sha_of(const std::string& body) {
    auto known = sha_by_body.find(body);
    if (known != sha_by_body.end()) return known->second;
    if (sha_by_body.size() >= sha_memo_max) sha_by_body.clear();
    return sha_by_body.emplace(body, sha1_hex(body)).first->second;
  }

  Impl(Version version, LuaHostOptions options) {
    SIM_ASSERT(options.instruction_limit > 0, "the Lua instruction limit must be positive");
    runtime.version = version;
    runtime.options = options;
    restart_lua();
  }

  ~Impl() { close_lua(); }

  void close_lua() {
    if (L != nullptr) lua_close(L);
    L = nullptr;
  }

  /// A fresh Lua state (built on first use) and an empty script cache (SCRIPT FLUSH; a restart
  /// also resets streams).
  void restart_lua() {
    close_lua();
    scripts.clear();
  }

  lua_State* state() {
    if (L == nullptr) L = lua::open_state(runtime);
    return L;
  }

  bool v7() const { return runtime.version == Version::v7_0; }

  /// luaCreateFunction: compiles `body` into the cache unless it is there. Returns the SHA-1,
  /// or the error reply.
  std::variant<std::string, Reply> create_function(const std::string& body) {
    const std::string& sha = sha_of(body);
    if (scripts.contains(sha)) return sha;
    lua::Shebang shebang;
    if (v7()) {
      auto read = lua::read_shebang(body);
      if (auto* error = std::get_if<std::string>(&read)) return Reply::error("ERR " + *error);
      shebang = std::get<lua::Shebang>(read);
    }
    std::optional<Reply> failure;
    int function = LUA_NOREF;
    auto compile = [&](lua_State* S) {
      // The shebang line is skipped but its line feed kept, so line numbers stay the user's.
      if (luaL_loadbuffer(S, body.data() + shebang.length, body.size() - shebang.length, "@user_script") != 0) {
        failure = formatted_error("Error compiling script (new function): " + error_text(S));
        return;
      }
      // Redis names it f_<sha> in the registry; a reference finds it without hashing a name.
      function = luaL_ref(S, LUA_REGISTRYINDEX);
    };
    if (run_protected(state(), compile) != 0) failure = formatted_error(error_text(L));
    lua_settop(L, 0);
    if (failure) return *failure;
    scripts[sha] = Script{shebang.no_writes, shebang.length > 0, function};
    return sha;
  }

  /// The reply for a script that raised an error: the error object is on top of the stack.
  Reply script_error(lua_State* S, const std::string& sha) {
    if (!v7()) {
      return formatted_error("Error running script (call to " + function_name(sha) + "): " + error_text(S) + "\n");
    }
    if (!lua_istable(S, -1)) {
      std::string message = lua_isstring(S, -1) ? lua_tostring(S, -1) : "execution failure";
      return formatted_error("Error running script " + sha + ", " + message.substr(0, 100) + "\n");
    }
    auto field = [&](const char* name) -> std::optional<std::string> {
      lua_getfield(S, -1, name);
      std::optional<std::string> value;
      if (lua_isstring(S, -1)) value = lua_tostring(S, -1);
      lua_pop(S, 1);
      return value;
    };
    // A table without a string err crashes Redis 7.0 (it formats a null pointer).
    std::string text = field("err").value_or("ERR the script raised an error object without an 'err' field");
    std::optional<std::string> source = field("source");
    std::optional<std::string> line = field("line");
    if (source && line) text += " script: " + sha + ", on " + *source + ":" + *line + ".";
    return Reply::error(lua::one_line(std::move(text)));
  }

  /// luaCallFunction: runs a cached script with KEYS and ARGV from args[2...].
  Reply call_function(CommandRunner& runner, const std::string& sha, const Script& script,
                      const std::vector<std::string>& args, std::size_t key_count) {
    // scriptPrepareForRun: a script that declares flags, without no-writes, does not start on a
    // read-only replica. One without a shebang starts, and its writes are refused one by one.
    if (script.flagged && !script.no_writes && runner.on_replica()) {
      return Reply::error("READONLY Can not run script with write flag on readonly replica");
    }
    SIM_ASSERT(L != nullptr, "a cached script outlived its Lua state");
    Reply reply;
    auto call = [&](lua_State* S) {
      lua::set_global_array(S, runtime.refs.keys, args, 2, 2 + key_count);
      lua::set_global_array(S, runtime.refs.argv, args, 2 + key_count, args.size());
      lua::push_error_handler(S);
      lua_rawgeti(S, LUA_REGISTRYINDEX, script.function);
      int status = lua_pcall(S, 0, 1, -2);
      // Now the result (or the error) sits second on the stack, where Redis has it when it
      // converts, so a self-nesting table meets the stack limit at the same depth.
      lua_remove(S, -2);
      reply = status == 0 ? lua::pop_reply(S, runtime.version) : script_error(S, sha);
    };
    runtime.begin_run(runner, script.no_writes);
    lua_sethook(L, lua::instruction_hook, LUA_MASKCOUNT, lua::hook_interval);
    int status = 0;
    try {
      status = run_protected(L, call);
    } catch (...) {
      finish_run();
      throw;
    }
    if (status != 0) reply = formatted_error("Error running script " + sha + ", " + error_text(L));
    finish_run();
    return reply;
  }

  void finish_run() {
    lua_sethook(L, nullptr, 0, 0);
    lua_settop(L, 0);
    runtime.end_run();
    if (runtime.failure) std::rethrow_exception(std::exchange(runtime.failure, nullptr));
  }

  /// evalGenericCommand after the command-specific checks: numkeys, then the script.
  Reply eval_generic(CommandRunner& runner, const std::vector<std::string>& args, bool by_sha) {
    // 6.2 gives every EVAL the same math.random sequence.
    if (!v7()) runtime.random.seed(0);
    std::optional<std::int64_t> key_count = parse_count(args[1]);
    if (!key_count) return Reply::error("ERR value is not an integer or out of range");
    if (*key_count > static_cast<std::int64_t>(args.size()) - 2) {
      return Reply::error("ERR Number of keys can't be greater than number of args");
    }
    if (*key_count < 0) return Reply::error("ERR Number of keys can't be negative");
    if (by_sha) {
      // Client libraries send the lowercase hex SHA-1 SCRIPT LOAD answered: no copy for those.
      bool lower = std::none_of(args[0].begin(), args[0].end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      auto found = lower ? scripts.find(args[0]) : scripts.find(ascii_lowercase(args[0]));
      if (found == scripts.end()) return Reply::error("NOSCRIPT No matching script. Please use EVAL.");
      return call_function(runner, found->first, found->second, args, static_cast<std::size_t>(*key_count));
    }
    auto created = create_function(args[0]);
    if (auto* error = std::get_if<Reply>(&created)) return *error;
    const std::string& sha = std::get<std::string>(created);
    return call_function(runner, sha, scripts.at(sha), args, static_cast<std::size_t>(*key_count));
  }

  Reply script_load(const std::string& body) {
    auto created = create_function(body);
    if (auto* error = std::get_if<Reply>(&created)) return *error;
    return Reply::bulk(std::get<std::string>(created));
  }

  Reply script_exists(const std::vector<std::string>& args) {
    std::vector<Reply> found;
    for (std::size_t j = 1; j < args.size(); ++j) {
      found.push_back(Reply::from_integer(scripts.contains(ascii_lowercase(args[j]))));
    }
    return Reply::array(std::move(found));
  }

  Reply script_flush(const std::vector<std::string>& args) {
    bool mode_ok = args.size() == 1 ||
                   (args.size() == 2 && (ascii_lowercase(args[1]) == "sync" || ascii_lowercase(args[1]) == "async"));
    if (!mode_ok) return Reply::error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    restart_lua();
    return Reply::ok();
  }

  // Debugging sessions need a client that talks to the debugger; the simulator has none.
  Reply script_debug(const std::string& mode) {
    std::string lower = ascii_lowercase(mode);
    if (lower == "no") return Reply::ok();
    if (lower == "yes" || lower == "sync") {
      return Reply::error("ERR SCRIPT DEBUG is not supported by the simulated server");
    }
    return Reply::error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
  }

  Reply script_help_reply() {
    std::vector<Reply> lines;
    for (const std::string& line : script_help()) lines.push_back(Reply::status(line));
    return Reply::array(std::move(lines));
  }

  /// 7.0 looks subcommands up in the command table: an unknown one and a wrong word count are
  /// refused before scriptCommand runs.
  std::optional<Reply> check_subcommand_7_0(const std::vector<std::string>& args) {
    static const std::map<std::string, int> arity{{"help", 2}, {"load", 3}, {"exists", -3},
                                                  {"flush", -2}, {"kill", 2}, {"debug", 3}};
    std::string sub = ascii_lowercase(args[0]);
    auto known = arity.find(sub);
    if (known == arity.end()) {
      return Reply::error(lua::one_line("ERR unknown subcommand '" + args[0].substr(0, 128) + "'. Try SCRIPT HELP."));
    }
    auto words = static_cast<int>(args.size()) + 1;
    bool fits = known->second > 0 ? words == known->second : words >= -known->second;
    if (!fits) return Reply::error("ERR wrong number of arguments for 'script|" + sub + "' command");
    return std::nullopt;
  }

  Reply script(const std::vector<std::string>& args) {
    if (args.empty()) return Reply::error("ERR wrong number of arguments for 'script' command");
    if (v7()) {
      if (auto refused = check_subcommand_7_0(args)) return *refused;
    }
    std::string sub = ascii_lowercase(args[0]);
    if (sub == "help" && args.size() == 1) return script_help_reply();
    if (sub == "flush") return script_flush(args);
    if (sub == "exists") return script_exists(args);
    if (sub == "load" && args.size() == 2) return script_load(args[1]);
    if (sub == "kill" && args.size() == 1) return Reply::error("NOTBUSY No scripts in execution right now.");
    if (sub == "debug" && args.size() == 2) return script_debug(args[1]);
    return formatted_error("Unknown subcommand or wrong number of arguments for '" + args[0] + "'. Try SCRIPT HELP.");
  }
};

LuaHost::LuaHost(Version version, LuaHostOptions options) : impl_(std::make_unique<Impl>(version, options)) {}

LuaHost::~LuaHost() = default;

Reply LuaHost::eval(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) {
  EngineRunner runner(engine, ctx);
  return run_eval(runner, args);
}

Reply LuaHost::evalsha(Engine& engine, const ExecContext& ctx, const std::vector<std::string>& args) {
  EngineRunner runner(engine, ctx);
  return run_evalsha(runner, args);
}

Reply LuaHost::script(Engine&, const ExecContext&, const std::vector<std::string>& args) { return run_script(args); }

void LuaHost::reset() {
  impl_->runtime.random = Rand48{};
  impl_->runtime.libc_random = Rand48{};
  impl_->restart_lua();
}

Reply LuaHost::run_eval(CommandRunner& runner, const std::vector<std::string>& args) {
  if (args.size() < 2) return Reply::error("ERR wrong number of arguments for 'eval' command");
  return impl_->eval_generic(runner, args, false);
}

Reply LuaHost::run_evalsha(CommandRunner& runner, const std::vector<std::string>& args) {
  if (args.size() < 2) return Reply::error("ERR wrong number of arguments for 'evalsha' command");
  // No SHA-1 has another length; Redis answers before looking at anything else.
  if (args[0].size() != 40) return Reply::error("NOSCRIPT No matching script. Please use EVAL.");
  return impl_->eval_generic(runner, args, true);
}

Reply LuaHost::run_script(const std::vector<std::string>& args) { return impl_->script(args); }

Version LuaHost::version() const { return impl_->runtime.version; }

std::unique_ptr<ScriptHost> make_lua_host(Version version) { return std::make_unique<LuaHost>(version); }

std::unique_ptr<ScriptHost> make_lua_host(Version version, LuaHostOptions options) {
  return std::make_unique<LuaHost>(version, options);
}

}  // namespace redis
