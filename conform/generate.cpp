// Commands generated from a seed over every command the simulated Redis serves, with the edge
// cases a real client can send: wrong types, missing keys, option combinations, negative and
// huge TTLs, empty sorted sets, bad numbers, wrong arity, unknown commands, failing scripts.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "conform/sequences.hpp"
#include "conform/vocabulary.hpp"
#include "models/redis/engine/command_table.hpp"
#include "models/redis/lua/sha1.hpp"
#include "sim/kernel/random.hpp"

namespace conform {

namespace {

using namespace vocabulary;

class Generator {
public:
  Generator(std::uint64_t seed, std::string prefix)
      : rng_(sim::Rng::stream(seed, "conform/generated")), prefix_(std::move(prefix)) {}

  Step next() {
    shows_random_ = false;
    Argv argv = command();
    return Step{std::move(argv), "generated", shows_random_, false};
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> all;
    for (const char* leaf : key_leaves) all.push_back(prefix_ + leaf);
    return all;
  }

private:
  static constexpr std::array<const char*, 10> key_leaves{"s1", "s2", "s3", "z1", "z2", "z3", "h1", "h2", "x1", "x2"};

  sim::Rng rng_;
  std::string prefix_;
  std::int64_t ttl_serial_ = 0;  // makes every long TTL distinct (see sequences.hpp)
  std::vector<std::string> cached_scripts_;  // EVALed or loaded in this sequence
  bool shows_random_ = false;

  bool one_in(std::uint64_t n) { return rng_.below(n) == 0; }

  template <std::size_t N>
  std::string pick(const std::string_view (&words)[N]) {
    return std::string(words[rng_.below(N)]);
  }

  // A usual word four times in five, an odd one otherwise.
  template <std::size_t N, std::size_t M>
  std::string pick(const std::string_view (&usual)[N], const std::string_view (&odd)[M]) {
    return one_in(5) ? pick(odd) : pick(usual);
  }

  std::string integer() { return pick(integers, odd_integers); }
  std::string value() { return pick(values, odd_values); }
  std::string score() { return pick(scores, odd_scores); }
  std::string score_bound() { return pick(score_bounds, odd_score_bounds); }
  std::string lex_bound() { return pick(lex_bounds, odd_lex_bounds); }

  // A key of the command's kind ('s' string, 'z' sorted set, 'h' hash) most of the time, any
  // key (wrong type, missing) otherwise; 'x' asks for any key.
  std::string key(char kind) {
    if (kind == 'x' || one_in(12)) return prefix_ + key_leaves[rng_.below(key_leaves.size())];
    std::size_t first = kind == 's' ? 0 : kind == 'z' ? 3 : 6;
    std::size_t count = kind == 'h' ? 2 : 3;
    return prefix_ + key_leaves[first + rng_.below(count)];
  }

  // A positive relative TTL no other in the sequence comes within 1000 s of.
  std::string long_ttl(bool milliseconds) {
    std::int64_t seconds = 100'000 + 1000 * ttl_serial_++;
    return std::to_string(milliseconds ? seconds * 1000 : seconds);
  }

  std::string seconds_amount() { return one_in(3) ? pick(odd_seconds) : long_ttl(false); }
  std::string ms_amount() { return one_in(3) ? pick(odd_ms) : long_ttl(true); }

  Argv command();
  Argv any_command();
  Argv string_command();
  Argv set_command();
  Argv key_command();
  Argv expire_command();
  Argv zset_write_command();
  Argv zadd_command();
  Argv zset_read_command();
  Argv zrange_command();
  Argv lex_walk_command();
  Argv zrange_by_value(Argv argv, bool lex);
  void maybe_limit(Argv& argv);
  Argv hash_command();
  Argv script_command();
  Argv eval_command();
  Argv evalsha_command();
  Argv odd_command();
  Argv more_odd_command();
  void remember_script(const std::string& script);
};

// Now and then the command word comes in another case: Redis reads it in any case.
Argv Generator::command() {
  Argv argv = any_command();
  if (one_in(16)) argv[0] = redis::lowercase(argv[0]);
  return argv;
}

Argv Generator::any_command() {
  switch (rng_.below(20)) {
    case 0: case 1: case 2: return string_command();
    case 3: case 4: return set_command();
    case 5: case 6: return key_command();
    case 7: case 8: return expire_command();
    case 9: case 10: return zset_write_command();
    case 11: case 12: return zadd_command();
    case 13: return zset_read_command();
    case 14: case 15: return zrange_command();
    case 16: case 17: return hash_command();
    case 18: return script_command();
    default: return odd_command();
  }
}

Argv Generator::string_command() {
  switch (rng_.below(6)) {
    case 0: return {"GET", key('s')};
    case 1: return {"INCR", key('s')};
    case 2: return {"DECR", key('s')};
    case 3: return {"INCRBY", key('s'), integer()};
    case 4: return {"DECRBY", key('s'), integer()};
    default: return {"SET", key('s'), value()};
  }
}

// SET with zero to four options, valid or not, in any order; each expiry with its amount.
Argv Generator::set_command() {
  Argv argv{"SET", key('s'), value()};
  std::size_t options = rng_.below(5);
  for (std::size_t i = 0; i < options; ++i) {
    switch (rng_.below(10)) {
      case 0: argv.push_back("NX"); break;
      case 1: argv.push_back("XX"); break;
      case 2: argv.push_back(one_in(2) ? "GET" : "get"); break;
      case 3: argv.push_back("KEEPTTL"); break;
      case 4: argv.insert(argv.end(), {"EX", seconds_amount()}); break;
      case 5: argv.insert(argv.end(), {"PX", ms_amount()}); break;
      case 6: argv.insert(argv.end(), {"EXAT", pick(unix_seconds)}); break;
      case 7: argv.insert(argv.end(), {"PXAT", pick(unix_ms)}); break;
      case 8: argv.push_back(one_in(2) ? "EX" : "PX"); break;  // an expiry without its amount
      default: argv.push_back("BOGUS"); break;
    }
  }
  return argv;
}

Argv Generator::key_command() {
  switch (rng_.below(7)) {
    case 0: return one_in(3) ? Argv{"DEL", key('x'), key('x')} : Argv{"EXISTS", key('x')};
    case 1: return one_in(3) ? Argv{"DEL", key('x')} : Argv{"TTL", key('x')};
    case 2: return {"EXISTS", key('s'), key('z'), key('h')};
    case 3: return {"TTL", key('x')};
    case 4: return {"PTTL", key('x')};
    case 5: return {"PERSIST", key('x')};
    default: return {"TYPE", key('x')};
  }
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with Redis 7's NX|XX|GT|LT, combined freely.
Argv Generator::expire_command() {
  Argv argv;
  switch (rng_.below(4)) {
    case 0: argv = {"EXPIRE", key('x'), seconds_amount()}; break;
    case 1: argv = {"PEXPIRE", key('x'), ms_amount()}; break;
    case 2: argv = {"EXPIREAT", key('x'), pick(unix_seconds)}; break;
    default: argv = {"PEXPIREAT", key('x'), pick(unix_ms)}; break;
  }
  constexpr std::string_view conditions[]{"NX", "XX", "GT", "LT", "nx", "gt", "YY"};
  std::size_t count = rng_.below(3);
  for (std::size_t i = 0; i < count; ++i) argv.push_back(pick(conditions));
  return argv;
}

Argv Generator::zset_write_command() {
  switch (rng_.below(6)) {
    case 0: return {"ZREM", key('z'), pick(members), pick(members)};
    case 1: return {"ZINCRBY", key('z'), score(), pick(members)};
    case 2: return {"ZREMRANGEBYSCORE", key('z'), score_bound(), score_bound()};
    case 3: return {"ZPOPMIN", key('z')};
    case 4: return {"ZPOPMIN", key('z'), integer()};
    default: return {"ZPOPMAX", key('z'), integer()};
  }
}

// ZADD with up to three flags and one to three pairs; sometimes a dangling score.
Argv Generator::zadd_command() {
  Argv argv{"ZADD", key('z')};
  constexpr std::string_view flags[]{"NX", "XX", "GT", "LT", "CH", "INCR"};
  std::size_t flag_count = one_in(2) ? 0 : rng_.below(4);
  for (std::size_t i = 0; i < flag_count; ++i) argv.push_back(pick(flags));
  std::size_t pairs = 1 + rng_.below(3);
  // Equal scores one time in four, so lex ranges have members to find.
  bool level = one_in(4);
  for (std::size_t i = 0; i < pairs; ++i) argv.insert(argv.end(), {level ? "0" : score(), pick(members)});
  if (one_in(15)) argv.push_back(score());
  return argv;
}

Argv Generator::zset_read_command() {
  switch (rng_.below(4)) {
    case 0: return {"ZCARD", key('z')};
    case 1: return {"ZSCORE", key('z'), pick(members)};
    case 2: return {"ZCOUNT", key('z'), score_bound(), score_bound()};
    default: {
      Argv argv{"ZRANGEBYLEX", key('z'), lex_bound(), lex_bound()};
      maybe_limit(argv);
      return argv;
    }
  }
}

// LIMIT offset count one time in three; rarely a LIMIT cut short, or a second BY option.
void Generator::maybe_limit(Argv& argv) {
  if (one_in(3)) argv.insert(argv.end(), {"LIMIT", integer(), integer()});
  if (one_in(40)) argv.insert(argv.end(), {"LIMIT", integer()});
  if (one_in(40)) argv.push_back(one_in(2) ? "BYSCORE" : "BYLEX");
}

Argv Generator::zrange_by_value(Argv argv, bool lex) {
  if (lex) {
    argv.insert(argv.end(), {lex_bound(), lex_bound(), "BYLEX"});
  } else {
    argv.insert(argv.end(), {score_bound(), score_bound(), "BYSCORE"});
  }
  if (one_in(2)) argv.push_back("REV");
  maybe_limit(argv);
  if (one_in(3)) argv.push_back("WITHSCORES");
  return argv;
}

// A BYLEX range walked from either end with a small offset: on a set of mixed scores (ZADD
// draws them), a member's place in the set differs from its lexicographic place, which is where
// Redis's first-member test decides the reply.
Argv Generator::lex_walk_command() {
  constexpr std::string_view offsets[]{"0", "1", "2"};
  constexpr std::string_view counts[]{"1", "2", "5", "-1"};
  Argv argv{"ZRANGE", key('z'), lex_bound(), lex_bound(), "BYLEX"};
  if (one_in(2)) argv.push_back("REV");
  argv.insert(argv.end(), {"LIMIT", pick(offsets), pick(counts)});
  return argv;
}

Argv Generator::zrange_command() {
  constexpr std::string_view ranks[]{"0", "-1", "1", "-2", "2", "5", "100", "-100", "abc"};
  Argv argv;
  switch (rng_.below(7)) {
    case 6: return lex_walk_command();
    case 0:
      argv = {"ZRANGE", key('z'), pick(ranks), pick(ranks)};
      if (one_in(2)) argv.push_back("WITHSCORES");
      if (one_in(4)) argv.push_back("REV");
      return argv;
    case 1: return zrange_by_value({"ZRANGE", key('z')}, false);
    case 2: return zrange_by_value({"ZRANGE", key('z')}, true);
    case 3: argv = {"ZREVRANGE", key('z'), pick(ranks), pick(ranks)}; break;
    case 4: argv = {"ZRANGEBYSCORE", key('z'), score_bound(), score_bound()}; break;
    default: argv = {"ZREVRANGEBYSCORE", key('z'), score_bound(), score_bound()}; break;
  }
  if (one_in(2)) argv.push_back("WITHSCORES");
  if (argv[0] != "ZREVRANGE") maybe_limit(argv);
  return argv;
}

Argv Generator::hash_command() {
  switch (rng_.below(9)) {
    case 7: return {"HMGET", key('h'), pick(fields)};
    case 8: return {"HMGET", key('h'), pick(fields), pick(fields), pick(fields)};
    case 0: return {"HSET", key('h'), pick(fields), value()};
    case 1: return {"HSET", key('h'), pick(fields), value(), pick(fields), value()};
    case 2: return {"HSET", key('h'), pick(fields)};  // a field without its value
    case 3: return {"HGET", key('h'), pick(fields)};
    case 4: return {"HDEL", key('h'), pick(fields), pick(fields)};
    case 5: return {"HINCRBY", key('h'), pick(fields), integer()};
    default: return {"HGETALL", key('h')};
  }
}

Argv Generator::script_command() {
  switch (rng_.below(6)) {
    case 0: case 1: case 2: return eval_command();
    case 3: return evalsha_command();
    case 4: {
      std::string script = pick(scripts);
      remember_script(script);
      return {"SCRIPT", "LOAD", script};
    }
    default: {
      Argv argv{"SCRIPT", "EXISTS", "ffffffffffffffffffffffffffffffffffffffff"};
      if (!cached_scripts_.empty())
        argv.push_back(redis::sha1_hex(cached_scripts_[rng_.below(cached_scripts_.size())]));
      return argv;
    }
  }
}

// Redis caches a script once it compiles: not one with a syntax error or a bad shebang, and not
// one whose EVAL was refused for its key count before the script was looked at.
void Generator::remember_script(const std::string& script) {
  if (script == "return (" || script.starts_with("#!python") || script.find("flags=bogus") != std::string::npos) return;
  if (std::find(cached_scripts_.begin(), cached_scripts_.end(), script) == cached_scripts_.end()) {
    cached_scripts_.push_back(script);
  }
}

// EVAL with a script, a key count (sometimes a bad one) and keys and arguments.
Argv Generator::eval_command() {
  std::string script;
  if (one_in(12)) {
    script = pick(random_scripts);
    shows_random_ = true;
  } else {
    script = pick(scripts);
  }
  constexpr std::string_view bad_counts[]{"-1", "3", "abc", ""};
  Argv argv{"EVAL", script};
  if (one_in(15)) {
    argv.push_back(pick(bad_counts));
    argv.push_back(key('x'));
    return argv;
  }
  remember_script(script);
  std::size_t key_count = 1 + rng_.below(2);
  argv.push_back(std::to_string(key_count));
  for (std::size_t i = 0; i < key_count; ++i) argv.push_back(key('x'));
  std::size_t arg_count = rng_.below(3);
  for (std::size_t i = 0; i < arg_count; ++i) argv.push_back(one_in(2) ? integer() : pick(members));
  return argv;
}

// EVALSHA of a script this sequence cached (by EVAL or SCRIPT LOAD), or of one no server has:
// a server that ran other scripts before gives the same answers.
Argv Generator::evalsha_command() {
  std::string sha;
  if (!cached_scripts_.empty() && !one_in(4)) {
    sha = redis::sha1_hex(cached_scripts_[rng_.below(cached_scripts_.size())]);
    if (one_in(5))
      std::transform(sha.begin(), sha.end(), sha.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  } else {
    constexpr std::string_view unknown[]{"ffffffffffffffffffffffffffffffffffffffff", "abc", "",
                                         "e0e1f9fabfc9d4800c877a703b823ac0578ff8d"};
    sha = pick(unknown);
  }
  return {"EVALSHA", sha, "1", key('x'), integer()};
}

// Wrong arity, unknown commands, command names in odd case, and the small server commands.
Argv Generator::odd_command() {
  if (one_in(2)) return more_odd_command();
  switch (rng_.below(14)) {
    case 0: return {"GET"};
    case 1: return {"GET", key('s'), key('s')};
    case 2: return {"SET", key('s')};
    case 3: return {"sEt", key('s'), value()};
    case 4: return {"GETX", key('s'), value()};
    case 5: return {"", key('s')};
    case 6: return {"ZADD", key('z'), score()};
    case 7: return {"HGETALL"};
    case 8: return {"PING"};
    case 9: return {"PING", value()};
    case 10: return {"ECHO", value()};
    case 11: return {"TIME"};
    case 12: return {"EVAL"};
    default: return {"SCRIPT", one_in(2) ? "NOSUCH" : "EXISTS"};
  }
}

// Commands that are safe on a server holding real data: each is refused before it acts.
Argv Generator::more_odd_command() {
  switch (rng_.below(16)) {
    case 0: return {"DEL"};
    case 1: return {"EXISTS"};
    case 2: return {"TIME", "now"};
    case 3: return {"ECHO"};
    case 4: return {"PING", "a", "b"};
    case 5: return {"SCRIPT", "FLUSH", "BOGUS"};
    case 6: return {"SCRIPT", "KILL"};
    case 7: return {"SCRIPT", "HELP"};
    case 8: return {"SCRIPT", "LOAD"};
    case 9: return {"FLUSHALL", "BOGUS"};
    case 10: return {"DBSIZE", "extra"};
    case 11: return {"WAIT", one_in(2) ? "abc" : "0", one_in(2) ? "-1" : "abc"};
    case 12: return {"HINCRBY", key('h'), pick(fields), integer(), "extra"};
    case 13: return {"GETX", std::string(200, 'y'), "second"};
    case 14: return one_in(2) ? Argv{"ZCOUNT", key('z'), score_bound()} : Argv{"HMGET", key('h')};
    default: return {"EXPIRE", key('x')};
  }
}

}  // namespace

std::vector<Step> generated_commands(std::uint64_t seed, std::size_t count, const std::string& key_prefix) {
  Generator generator(seed, key_prefix);
  std::vector<Step> steps;
  steps.reserve(count);
  for (std::size_t i = 0; i < count; ++i) steps.push_back(generator.next());
  return steps;
}

std::vector<std::string> generated_keys(const std::string& key_prefix) { return Generator(0, key_prefix).keys(); }

}  // namespace conform
