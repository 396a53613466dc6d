// Server and connection commands: PING, ECHO, TIME, FLUSHALL, DBSIZE; WAIT as a server without
// replicas answers it; EVAL, EVALSHA and SCRIPT handed to the ScriptHost.
#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

namespace {

// The words after the command name, as the ScriptHost takes them.
Argv arguments(const Call& call) { return Argv(call.argv.begin() + 1, call.argv.end()); }

}  // namespace

Reply ping(Call& call) {
  if (call.argv.size() > 2) return replies::wrong_arity("ping");
  if (call.argv.size() == 2) return Reply::bulk(call.argv[1]);
  return Reply::status("PONG");
}

Reply echo(Call& call) { return Reply::bulk(call.argv[1]); }

// The server's wall clock: Unix seconds and the microseconds within the second.
Reply time(Call& call) {
  std::int64_t now_ms = call.now_ms();
  std::int64_t seconds = now_ms / 1000;
  std::int64_t ms_within = now_ms % 1000;
  if (ms_within < 0) {
    seconds -= 1;
    ms_within += 1000;
  }
  return Reply::array({Reply::bulk(std::to_string(seconds)), Reply::bulk(std::to_string(ms_within * 1000))});
}

Reply flushall(Call& call) {
  bool mode_given = call.argv.size() == 2 && (is_option(call.argv[1], "sync") || is_option(call.argv[1], "async"));
  if (call.argv.size() != 1 && !mode_given) return replies::syntax_error();
  call.keys.clear();
  call.propagate_verbatim();
  return Reply::ok();
}

Reply dbsize(Call& call) { return Reply::from_integer(static_cast<std::int64_t>(call.keys.size())); }

Reply wait(Call& call) {
  if (!parse_integer(call.argv[1])) return replies::not_integer();
  std::optional<std::int64_t> timeout = parse_integer(call.argv[2]);
  if (!timeout) return Reply::error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return Reply::error("ERR timeout is negative");
  return Reply::from_integer(0);
}

Reply eval(Call& call) { return call.engine.script_host()->eval(call.engine, call.ctx, arguments(call)); }

Reply evalsha(Call& call) { return call.engine.script_host()->evalsha(call.engine, call.ctx, arguments(call)); }

Reply script(Call& call) { return call.engine.script_host()->script(call.engine, call.ctx, arguments(call)); }

}  // namespace redis::commands
