#include "models/redis/engine/command_table.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace redis {

namespace {

namespace c = commands;

// Arity and flags as Redis 7.0's command table declares them. Every write command here changes
// only the key in argv[1] (DEL and FLUSHALL only remove keys): Engine::execute re-counts that
// key's memory after a write, so a command that writes other keys must re-count them too.
constexpr std::array table{
    //          name                 handler               arity write  noscript scripting
    CommandSpec{"get",               c::get,               2,    false, false, false},
    CommandSpec{"set",               c::set,               -3,   true,  false, false},
    CommandSpec{"incr",              c::incr,              2,    true,  false, false},
    CommandSpec{"incrby",            c::incrby,            3,    true,  false, false},
    CommandSpec{"decr",              c::decr,              2,    true,  false, false},
    CommandSpec{"decrby",            c::decrby,            3,    true,  false, false},
    CommandSpec{"del",               c::del,               -2,   true,  false, false},
    CommandSpec{"exists",            c::exists,            -2,   false, false, false},
    CommandSpec{"expire",            c::expire,            -3,   true,  false, false},
    CommandSpec{"pexpire",           c::pexpire,           -3,   true,  false, false},
    CommandSpec{"expireat",          c::expireat,          -3,   true,  false, false},
    CommandSpec{"pexpireat",         c::pexpireat,         -3,   true,  false, false},
    CommandSpec{"ttl",               c::ttl,               2,    false, false, false},
    CommandSpec{"pttl",              c::pttl,              2,    false, false, false},
    CommandSpec{"persist",           c::persist,           2,    true,  false, false},
    CommandSpec{"type",              c::type,              2,    false, false, false},
    CommandSpec{"zadd",              c::zadd,              -4,   true,  false, false},
    CommandSpec{"zincrby",           c::zincrby,           4,    true,  false, false},
    CommandSpec{"zrem",              c::zrem,              -3,   true,  false, false},
    CommandSpec{"zcard",             c::zcard,             2,    false, false, false},
    CommandSpec{"zscore",            c::zscore,            3,    false, false, false},
    CommandSpec{"zpopmin",           c::zpopmin,           -2,   true,  false, false},
    CommandSpec{"zpopmax",           c::zpopmax,           -2,   true,  false, false},
    CommandSpec{"zrange",            c::zrange,            -4,   false, false, false},
    CommandSpec{"zrevrange",         c::zrevrange,         -4,   false, false, false},
    CommandSpec{"zrangebyscore",     c::zrangebyscore,     -4,   false, false, false},
    CommandSpec{"zrevrangebyscore",  c::zrevrangebyscore,  -4,   false, false, false},
    CommandSpec{"zrangebylex",       c::zrangebylex,       -4,   false, false, false},
    CommandSpec{"zcount",            c::zcount,            4,    false, false, false},
    CommandSpec{"zremrangebyscore",  c::zremrangebyscore,  4,    true,  false, false},
    CommandSpec{"hset",              c::hset,              -4,   true,  false, false},
    CommandSpec{"hget",              c::hget,              3,    false, false, false},
    CommandSpec{"hmget",             c::hmget,             -3,   false, false, false},
    CommandSpec{"hdel",              c::hdel,              -3,   true,  false, false},
    CommandSpec{"hincrby",           c::hincrby,           4,    true,  false, false},
    CommandSpec{"hgetall",           c::hgetall,           2,    false, false, false},
    CommandSpec{"ping",              c::ping,              -1,   false, false, false},
    CommandSpec{"echo",              c::echo,              2,    false, false, false},
    CommandSpec{"time",              c::time,              1,    false, false, false},
    CommandSpec{"flushall",          c::flushall,          -1,   true,  false, false},
    CommandSpec{"dbsize",            c::dbsize,            1,    false, false, false},
    // The server answers WAIT itself; this is what a server without replicas would say.
    CommandSpec{"wait",              c::wait,              3,    false, true,  false},
    // EVAL and EVALSHA carry "may-replicate", not "write": a script's writes are its own
    // commands, each propagated (and flagged) as it runs.
    CommandSpec{"eval",              c::eval,              -3,   false, true,  true},
    CommandSpec{"evalsha",           c::evalsha,           -3,   false, true,  true},
    CommandSpec{"script",            c::script,            -2,   false, true,  true},
};

static_assert(std::all_of(table.begin(), table.end(), [](const CommandSpec& spec) { return spec.name.size() <= 24; }));

// The table's commands by first letter, in table order: a lookup compares a handful of names.
const std::array<std::vector<const CommandSpec*>, 26>& by_first_letter() {
  static const auto index = [] {
    std::array<std::vector<const CommandSpec*>, 26> buckets;
    for (const CommandSpec& spec : table) buckets[static_cast<std::size_t>(spec.name[0] - 'a')].push_back(&spec);
    return buckets;
  }();
  return index;
}

static_assert(std::all_of(table.begin(), table.end(), [](const CommandSpec& spec) {
  return !spec.name.empty() && spec.name[0] >= 'a' && spec.name[0] <= 'z';
}));

}  // namespace

const CommandSpec* find_command(std::string_view name) {
  // Every script's redis.call comes through here, so no allocation: lowercase into a buffer
  // the longest name fits in, then compare with the names of that length.
  constexpr std::size_t longest = 24;
  if (name.size() > longest) return nullptr;
  char buffer[longest];
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  std::string_view lower(buffer, name.size());
  if (lower.empty() || lower[0] < 'a' || lower[0] > 'z') return nullptr;
  for (const CommandSpec* spec : by_first_letter()[static_cast<std::size_t>(lower[0] - 'a')]) {
    if (spec->name.size() == lower.size() && spec->name == lower) return spec;
  }
  return nullptr;
}

bool arity_accepts(const CommandSpec& spec, std::size_t word_count) {
  auto count = static_cast<long long>(word_count);
  if (spec.arity > 0) return count == spec.arity;
  return count >= -static_cast<long long>(spec.arity);
}

}  // namespace redis
