// The command table: every command the engine serves, by lowercase name, with its handler, its
// arity and its flags; what a handler sees of the engine while it runs (Call); and the argument
// parsing and standard replies every command family shares, with Redis's exact rules and texts.
//
// Arity follows Redis's convention: N > 0 means exactly N words counting the command name,
// -N means at least N.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "models/redis/engine/engine.hpp"
#include "models/redis/engine/keyspace.hpp"
#include "models/redis/engine/reply.hpp"

namespace redis {

/// One command being executed: its words, the clock it runs at, and the keyspace it acts on.
struct Call {
  Keyspace& keys;
  const ExecContext& ctx;
  const Argv& argv;
  Engine& engine;

  std::int64_t now_ms() const { return ctx.now_ms; }
  Version version() const { return engine.version(); }
  /// The live entry for `key`, expiring it lazily (and logging its DEL) if its time has passed;
  /// on a replica an expired key only reads as missing.
  Entry* find(const std::string& key) { return keys.find(key, ctx.now_ms, !ctx.replica); }
  /// Logs `effect` as what this command did to the dataset, for replication and the AOF.
  void propagate(Argv effect) { keys.log_effect(std::move(effect)); }
  void propagate_verbatim() { keys.log_effect(argv); }
};

using Handler = Reply (*)(Call&);

struct CommandSpec {
  std::string_view name;  ///< lowercase
  Handler handler;
  int arity;
  bool is_write;   ///< Redis's "write" flag: the command may change the dataset
  bool no_script;  ///< Redis's "noscript" flag: refused inside EVAL
  bool scripting;  ///< served by the ScriptHost: without one the command does not exist
};

/// The command named `name` (any case), or null.
const CommandSpec* find_command(std::string_view name);
bool arity_accepts(const CommandSpec& spec, std::size_t word_count);

/// The handlers, one family per commands_*.cpp file.
namespace commands {
// commands_strings.cpp
Reply get(Call&);
Reply set(Call&);
Reply incr(Call&);
Reply incrby(Call&);
Reply decr(Call&);
Reply decrby(Call&);
// commands_keys.cpp
Reply del(Call&);
Reply exists(Call&);
Reply expire(Call&);
Reply pexpire(Call&);
Reply expireat(Call&);
Reply pexpireat(Call&);
Reply ttl(Call&);
Reply pttl(Call&);
Reply persist(Call&);
Reply type(Call&);
// commands_zset.cpp
Reply zadd(Call&);
Reply zincrby(Call&);
Reply zrem(Call&);
Reply zcard(Call&);
Reply zscore(Call&);
Reply zpopmin(Call&);
Reply zpopmax(Call&);
// commands_zrange.cpp
Reply zrange(Call&);
Reply zrevrange(Call&);
Reply zrangebyscore(Call&);
Reply zrevrangebyscore(Call&);
Reply zrangebylex(Call&);
Reply zcount(Call&);
Reply zremrangebyscore(Call&);
// commands_hashes.cpp
Reply hset(Call&);
Reply hget(Call&);
Reply hmget(Call&);
Reply hdel(Call&);
Reply hincrby(Call&);
Reply hgetall(Call&);
// commands_server.cpp
Reply ping(Call&);
Reply echo(Call&);
Reply time(Call&);
Reply flushall(Call&);
Reply dbsize(Call&);
Reply wait(Call&);
Reply eval(Call&);
Reply evalsha(Call&);
Reply script(Call&);
}  // namespace commands

// Argument parsing shared by every family (commands_args.cpp).

/// A 64-bit integer as Redis's string2ll reads one: optional '-', no '+', no spaces, no
/// leading zeros, no overflow.
std::optional<std::int64_t> parse_integer(std::string_view text);
/// A double as Redis's string2d reads one (strtod over the whole text): no leading space, no
/// NaN, no overflow or underflow; "inf", "-inf", "1e3" and hex floats pass.
std::optional<double> parse_float(std::string_view text);
/// Case-insensitive comparison of an argument with an option name.
bool is_option(std::string_view argument, std::string_view option);
std::string lowercase(std::string_view text);
/// A double as Redis 7.0 replies with it: "%.17g", and "inf" / "-inf".
std::string format_double(double value);

/// Standard replies, with Redis's texts.
namespace replies {
Reply wrong_type();
Reply not_integer();
Reply not_float();
Reply syntax_error();
Reply overflow();
Reply wrong_arity(std::string_view command);
Reply invalid_expire_time(Version version, std::string_view command);
Reply unknown_command(const Argv& argv, Version version);
}  // namespace replies

/// The value under a key, looked up as one type.
template <class T>
struct Typed {
  Entry* entry = nullptr;  ///< null if the key does not exist (or has just expired)
  T* value = nullptr;      ///< null if missing or of another type
  bool wrong_type() const { return entry != nullptr && value == nullptr; }
};

template <class T>
Typed<T> find_as(Call& call, const std::string& key) {
  Typed<T> typed;
  typed.entry = call.find(key);
  if (typed.entry) typed.value = std::get_if<T>(&typed.entry->value);
  return typed;
}

}  // namespace redis
