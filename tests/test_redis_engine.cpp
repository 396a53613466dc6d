// Goal: the simulated Redis engine answers every command byte for byte as a real Redis 7.0
// server does (expected strings were taken from redis-server 7.0.15), expires keys by the wall
// clock it is given (live at T, gone at T+1), and hands replication the effects Redis 7.0
// propagates: absolute PXAT / PEXPIREAT deadlines and a DEL for each key found expired.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conform/sequences.hpp"
#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "sim/kernel/random.hpp"
#include "tests/redis_engine_support.hpp"

using namespace redis_engine_support;

namespace {

// A script host that runs a fixed list of commands through redis.call, as a Lua script would.
class ScriptedHost : public redis::ScriptHost {
public:
  std::vector<Argv> body;
  std::vector<redis::Reply> replies;
  int resets = 0;

  redis::Reply eval(redis::Engine& engine, const redis::ExecContext& ctx, const Argv&) override {
    redis::ExecContext inner = ctx;
    inner.in_script = true;
    for (const Argv& command : body) replies.push_back(engine.execute(command, inner));
    return redis::Reply::from_integer(static_cast<std::int64_t>(body.size()));
  }
  redis::Reply evalsha(redis::Engine&, const redis::ExecContext&, const Argv&) override {
    return redis::Reply::error("NOSCRIPT No matching script. Please use EVAL.");
  }
  redis::Reply script(redis::Engine&, const redis::ExecContext&, const Argv& args) override {
    return redis::Reply::bulk(args.empty() ? "" : args[0]);
  }
  void reset() override { ++resets; }
};

}  // namespace

TEST_CASE("Replies encode as RESP2 and describe themselves briefly", "[redis]") {
  using redis::Reply;
  CHECK(Reply::ok().resp() == "+OK\r\n");
  CHECK(Reply::error("ERR boom").resp() == "-ERR boom\r\n");
  CHECK(Reply::error("ERR two\r\nlines").resp() == "-ERR two  lines\r\n");
  CHECK(Reply::from_integer(-3).resp() == ":-3\r\n");
  CHECK(Reply::bulk("abc").resp() == "$3\r\nabc\r\n");
  CHECK(Reply::bulk("").resp() == "$0\r\n\r\n");
  CHECK(Reply::bulk(std::string("a\r\nb", 4)).resp() == "$4\r\na\r\nb\r\n");
  CHECK(Reply::null().resp() == "$-1\r\n");
  CHECK(Reply::null_array().resp() == "*-1\r\n");
  CHECK(Reply::array({Reply::bulk("a"), Reply::from_integer(1), Reply::array({})}).resp() ==
        "*3\r\n$1\r\na\r\n:1\r\n*0\r\n");

  CHECK(Reply::ok().describe() == "OK");
  CHECK(Reply::error("ERR boom").describe() == "(error) ERR boom");
  CHECK(Reply::from_integer(3).describe() == "(integer) 3");
  CHECK(Reply::bulk("a\"b\n").describe() == "\"a\\\"b\\n\"");
  CHECK(Reply::null().describe() == "(nil)");
  CHECK(Reply::array({}).describe() == "(empty array)");
  CHECK(Reply::array({Reply::bulk("a"), Reply::from_integer(2)}).describe() == "[\"a\", (integer) 2]");
}

TEST_CASE("Unknown commands and wrong arity get Redis 7.0's errors", "[redis]") {
  Server s;
  CHECK(s.run({"foo", "bar", "baz"}) == "-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \r\n");
  CHECK(s.run({"FOOBAR"}) == "-ERR unknown command 'FOOBAR', with args beginning with: \r\n");
  // Arguments are quoted until the list reaches 128 bytes, the last one cut to fit.
  std::string long_arg(300, 'a');
  CHECK(s.run({"foo", long_arg}) ==
        "-ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'a') + "' \r\n");
  CHECK(s.run({"get"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(s.run({"GET", "a", "b"}) == "-ERR wrong number of arguments for 'get' command\r\n");
  CHECK(s.run({"hset", "h", "a", "1", "b"}) == "-ERR wrong number of arguments for 'hset' command\r\n");
  CHECK(s.run({"ping", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(s.run({"SeT", "a", "x"}) == ok);
  CHECK(s.run({"gEt", "a"}) == bulk("x"));

  Server old(redis::Version::v6_2);
  CHECK(old.run({"foo", "bar"}) == "-ERR unknown command `foo`, with args beginning with: `bar`, \r\n");
}

TEST_CASE("GET and SET with NX, XX, GET and KEEPTTL", "[redis]") {
  Server s;
  CHECK(s.run({"get", "a"}) == nil);
  CHECK(s.run({"set", "a", "b", "get", "nx"}) == nil);
  CHECK(s.run({"get", "a"}) == bulk("b"));
  CHECK(s.run({"set", "a", "c", "nx"}) == nil);
  CHECK(s.run({"set", "a", "c", "get"}) == bulk("b"));
  CHECK(s.run({"set", "a", "d", "xx", "get"}) == bulk("c"));
  CHECK(s.run({"set", "q", "v", "xx"}) == nil);
  CHECK(s.run({"set", "q", "v", "xx", "get"}) == nil);
  CHECK(s.run({"exists", "q"}) == ":0\r\n");
  CHECK(s.run({"set", "a", "b", "nx", "nx"}) == nil);
  CHECK(s.run({"set", "a", "b", "keepttl", "keepttl"}) == ok);

  CHECK(s.run({"hset", "h", "f", "v"}) == ":1\r\n");
  CHECK(s.run({"get", "h"}) == wrong_type);
  CHECK(s.run({"set", "h", "x", "get"}) == wrong_type);
  CHECK(s.run({"set", "h", "x"}) == ok);  // a plain SET overwrites any type
  CHECK(s.run({"get", "h"}) == bulk("x"));

  SECTION("a plain SET drops the TTL, KEEPTTL keeps it") {
    CHECK(s.run({"set", "t", "1", "ex", "100"}) == ok);
    CHECK(s.run({"set", "t", "2", "keepttl"}) == ok);
    CHECK(s.run({"ttl", "t"}) == ":100\r\n");
    CHECK(s.run({"set", "t", "3"}) == ok);
    CHECK(s.run({"ttl", "t"}) == ":-1\r\n");
  }
}

TEST_CASE("SET option combinations and expiry errors", "[redis]") {
  Server s;
  const std::string invalid = "-ERR invalid expire time in 'set' command\r\n";
  CHECK(s.run({"set", "a", "b", "c"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "nx", "xx"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "ex", "10", "px", "10"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "keepttl", "ex", "10"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "pxat", "10", "keepttl"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "ex"}) == syntax_error);
  CHECK(s.run({"set", "a", "b", "ex", "0"}) == invalid);
  CHECK(s.run({"set", "a", "b", "ex", "-1"}) == invalid);
  CHECK(s.run({"set", "a", "b", "px", "0"}) == invalid);
  CHECK(s.run({"set", "a", "b", "exat", "0"}) == invalid);
  CHECK(s.run({"set", "a", "b", "ex", "9223372036854775807"}) == invalid);
  CHECK(s.run({"set", "a", "b", "ex", "9223372036854775"}) == invalid);  // overflows when now is added
  CHECK(s.run({"set", "a", "b", "px", "9223372036854775807"}) == invalid);
  CHECK(s.run({"set", "a", "b", "ex", "abc"}) == not_integer);
  CHECK(s.run({"set", "a", "b", "PX", "1.5"}) == not_integer);
  CHECK(s.run({"set", "a", "b", "ex", " 10"}) == not_integer);
  CHECK(s.run({"exists", "a"}) == ":0\r\n");
  CHECK(s.run({"set", "a", "b", "pxat", "9223372036854775807"}) == ok);
  CHECK(s.run({"set", "a", "b", "exat", "9223372036854775"}) == ok);
  CHECK(s.run({"set", "a", "b", "ex", "10", "ex", "20"}) == ok);  // the same option twice: last wins
  CHECK(s.run({"ttl", "a"}) == ":20\r\n");

  Server old(redis::Version::v6_2);
  CHECK(old.run({"set", "a", "b", "get", "nx"}) == syntax_error);
  CHECK(old.run({"set", "a", "b", "ex", "0"}) == "-ERR invalid expire time in set\r\n");
}

TEST_CASE("INCR, INCRBY, DECR, DECRBY", "[redis]") {
  Server s;
  CHECK(s.run({"incr", "n"}) == ":1\r\n");
  CHECK(s.run({"incrby", "n", "41"}) == ":42\r\n");
  CHECK(s.run({"decr", "n"}) == ":41\r\n");
  CHECK(s.run({"decrby", "n", "50"}) == ":-9\r\n");
  CHECK(s.run({"get", "n"}) == bulk("-9"));
  CHECK(s.run({"incrby", "n", "abc"}) == not_integer);
  CHECK(s.run({"incrby", "n"}) == "-ERR wrong number of arguments for 'incrby' command\r\n");

  CHECK(s.run({"set", "big", "9223372036854775807"}) == ok);
  CHECK(s.run({"incr", "big"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(s.run({"decr", "big"}) == ":9223372036854775806\r\n");
  CHECK(s.run({"decrby", "big", "-9223372036854775808"}) == "-ERR decrement would overflow\r\n");
  CHECK(s.run({"decrby", "big", "9223372036854775808"}) == not_integer);

  // Values must be integers exactly as Redis writes them.
  for (const char* text : {"1.5", " 1", "01", "-0", "+1", "", "abc"}) {
    CHECK(s.run({"set", "v", text}) == ok);
    CHECK(s.run({"incr", "v"}) == not_integer);
  }
  CHECK(s.run({"hset", "h", "a", "1"}) == ":1\r\n");
  CHECK(s.run({"incr", "h"}) == wrong_type);

  SECTION("INCR keeps the key's TTL") {
    CHECK(s.run({"set", "t", "1", "ex", "100"}) == ok);
    CHECK(s.run({"incr", "t"}) == ":2\r\n");
    CHECK(s.run({"ttl", "t"}) == ":100\r\n");
  }
}

TEST_CASE("DEL, EXISTS, TYPE, DBSIZE", "[redis]") {
  Server s;
  CHECK(s.run({"set", "a", "1"}) == ok);
  CHECK(s.run({"zadd", "z", "1", "m"}) == ":1\r\n");
  CHECK(s.run({"hset", "h", "f", "v"}) == ":1\r\n");
  CHECK(s.run({"type", "a"}) == "+string\r\n");
  CHECK(s.run({"type", "z"}) == "+zset\r\n");
  CHECK(s.run({"type", "h"}) == "+hash\r\n");
  CHECK(s.run({"type", "nokey"}) == "+none\r\n");
  CHECK(s.run({"exists", "a", "a", "nokey", "z"}) == ":3\r\n");
  CHECK(s.run({"dbsize"}) == ":3\r\n");
  CHECK(s.run({"del", "a", "z", "nokey"}) == ":2\r\n");
  CHECK(s.run({"del", "a"}) == ":0\r\n");
  CHECK(s.run({"del"}) == "-ERR wrong number of arguments for 'del' command\r\n");
  CHECK(s.run({"dbsize"}) == ":1\r\n");
}

TEST_CASE("EXPIRE and PEXPIRE with NX, XX, GT, LT, TTL, PTTL, PERSIST", "[redis]") {
  Server s;
  CHECK(s.run({"set", "s", "10"}) == ok);
  CHECK(s.run({"expire", "s", "100", "nx", "xx"}) ==
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  CHECK(s.run({"expire", "s", "100", "gt", "lt"}) == "-ERR GT and LT options at the same time are not compatible\r\n");
  CHECK(s.run({"expire", "s", "100", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(s.run({"expire", "s", "abc", "foo"}) == "-ERR Unsupported option foo\r\n");
  CHECK(s.run({"expire", "s", "abc"}) == not_integer);
  CHECK(s.run({"expire", "s", "9223372036854775"}) == "-ERR invalid expire time in 'expire' command\r\n");
  CHECK(s.run({"pexpire", "s", "9223372036854775807"}) == "-ERR invalid expire time in 'pexpire' command\r\n");
  CHECK(s.run({"expire", "nokey", "10"}) == ":0\r\n");

  CHECK(s.run({"ttl", "s"}) == ":-1\r\n");
  CHECK(s.run({"pttl", "s"}) == ":-1\r\n");
  CHECK(s.run({"ttl", "nokey"}) == ":-2\r\n");
  CHECK(s.run({"expire", "s", "100", "xx"}) == ":0\r\n");
  CHECK(s.run({"expire", "s", "100", "gt"}) == ":0\r\n");  // no TTL counts as infinite
  CHECK(s.run({"expire", "s", "100", "lt"}) == ":1\r\n");
  CHECK(s.run({"expire", "s", "200", "nx"}) == ":0\r\n");
  CHECK(s.run({"expire", "s", "50", "gt"}) == ":0\r\n");
  CHECK(s.run({"expire", "s", "500", "GT"}) == ":1\r\n");
  CHECK(s.run({"ttl", "s"}) == ":500\r\n");
  CHECK(s.run({"pexpire", "s", "1499"}) == ":1\r\n");
  CHECK(s.run({"pttl", "s"}) == ":1499\r\n");
  CHECK(s.run({"ttl", "s"}) == ":1\r\n");  // rounded to the nearest second
  CHECK(s.run({"pexpire", "s", "1500"}) == ":1\r\n");
  CHECK(s.run({"ttl", "s"}) == ":2\r\n");
  CHECK(s.run({"persist", "s"}) == ":1\r\n");
  CHECK(s.run({"persist", "s"}) == ":0\r\n");
  CHECK(s.run({"persist", "nokey"}) == ":0\r\n");
  CHECK(s.run({"ttl", "s"}) == ":-1\r\n");

  SECTION("a deadline not after now deletes the key and counts as set") {
    CHECK(s.run({"expire", "s", "0"}) == ":1\r\n");
    CHECK(s.run({"exists", "s"}) == ":0\r\n");
    CHECK(s.run({"set", "s", "1"}) == ok);
    CHECK(s.run({"expire", "s", "-9223372036854775"}) == ":1\r\n");
    CHECK(s.run({"exists", "s"}) == ":0\r\n");
    CHECK(s.run({"set", "s", "1"}) == ok);
    CHECK(s.run({"pexpireat", "s", "1"}) == ":1\r\n");
    CHECK(s.run({"exists", "s"}) == ":0\r\n");
  }
  SECTION("EXPIREAT and PEXPIREAT take absolute Unix time") {
    CHECK(s.run({"expireat", "s", std::to_string(start_ms / 1000 + 60)}) == ":1\r\n");
    CHECK(s.run({"ttl", "s"}) == ":60\r\n");
    CHECK(s.run({"pexpireat", "s", std::to_string(start_ms + 250)}) == ":1\r\n");
    CHECK(s.run({"pttl", "s"}) == ":250\r\n");
  }
  SECTION("Redis 6.2 has no EXPIRE options") {
    Server old(redis::Version::v6_2);
    CHECK(old.run({"set", "s", "1"}) == ok);
    CHECK(old.run({"expire", "s", "10", "nx"}) == "-ERR wrong number of arguments for 'expire' command\r\n");
  }
}

TEST_CASE("A key with deadline T is live at T and gone at T+1", "[redis]") {
  Server s;
  CHECK(s.run({"set", "lock", "me", "px", "100"}) == ok);
  s.now_ms = start_ms + 100;
  CHECK(s.run({"get", "lock"}) == bulk("me"));
  CHECK(s.run({"pttl", "lock"}) == ":0\r\n");
  CHECK(s.run({"ttl", "lock"}) == ":0\r\n");
  s.now_ms = start_ms + 101;
  CHECK(s.run({"get", "lock"}) == nil);
  CHECK(s.run({"pttl", "lock"}) == ":-2\r\n");
  CHECK(s.engine.key_count() == 0);
}

TEST_CASE("A wall-clock jump forward expires a key at once, a jump back lengthens its TTL", "[redis]") {
  Server s;
  CHECK(s.run({"set", "lock", "a", "nx", "px", "30000"}) == ok);
  s.now_ms += 1000;
  CHECK(s.run({"set", "lock", "b", "nx", "px", "30000"}) == nil);
  s.now_ms -= 60'000;  // the clock steps back a minute
  CHECK(s.run({"pttl", "lock"}) == ":89000\r\n");
  s.now_ms += 120'000;  // and then a minute past the deadline
  CHECK(s.run({"pttl", "lock"}) == ":-2\r\n");
  CHECK(s.run({"set", "lock", "b", "nx", "px", "30000"}) == ok);
  CHECK(s.run({"get", "lock"}) == bulk("b"));
}

TEST_CASE("Expired keys are invisible to every command and DBSIZE counts them until reclaimed", "[redis]") {
  Server s;
  CHECK(s.run({"zadd", "z", "1", "a"}) == ":1\r\n");
  CHECK(s.run({"hset", "h", "f", "1"}) == ":1\r\n");
  CHECK(s.run({"set", "n", "5"}) == ok);
  for (const char* key : {"z", "h", "n"}) CHECK(s.run({"pexpire", key, "10"}) == ":1\r\n");
  s.now_ms += 11;
  CHECK(s.run({"dbsize"}) == ":3\r\n");
  CHECK(s.run({"zadd", "z", "xx", "2", "a"}) == ":0\r\n");
  CHECK(s.run({"zcard", "z"}) == ":0\r\n");
  CHECK(s.run({"hincrby", "h", "f", "1"}) == ":1\r\n");  // a fresh hash
  CHECK(s.run({"ttl", "h"}) == ":-1\r\n");
  CHECK(s.run({"incr", "n"}) == ":1\r\n");
  CHECK(s.run({"dbsize"}) == ":2\r\n");
}

TEST_CASE("Active expiry deletes only expired keys, the same ones for the same seed", "[redis]") {
  auto build = [] {
    auto s = std::make_unique<Server>();
    for (int i = 0; i < 200; ++i) {
      // Even keys expire after 10 ms, odd ones after an hour; a few keys have no TTL at all.
      std::string ttl = i % 2 == 0 ? "10" : "3600000";
      CHECK(s->run({"set", "k" + std::to_string(i), "v", "px", ttl}) == ok);
    }
    for (int i = 0; i < 5; ++i) CHECK(s->run({"set", "p" + std::to_string(i), "v"}) == ok);
    s->engine.take_effects();
    return s;
  };
  auto first = build();
  auto second = build();
  std::int64_t later = start_ms + 11;
  sim::Rng rng_a = sim::Rng::stream(7, "redis/active-expiry");
  sim::Rng rng_b = sim::Rng::stream(7, "redis/active-expiry");
  std::size_t deleted_a = first->engine.active_expire_cycle(later, rng_a);
  std::size_t deleted_b = second->engine.active_expire_cycle(later, rng_b);
  CHECK(deleted_a == deleted_b);
  CHECK(deleted_a > 0);
  CHECK(deleted_a <= 100);
  auto effects_a = first->engine.take_effects();
  CHECK(effects_a == second->engine.take_effects());
  REQUIRE(effects_a.size() == deleted_a);
  for (const Argv& effect : effects_a) {
    REQUIRE(effect.size() == 2);
    CHECK(effect[0] == "DEL");
    CHECK(std::stoi(effect[1].substr(1)) % 2 == 0);
  }
  CHECK(first->engine.key_count() == 205 - deleted_a);

  // Cycles go on until too few expired keys are found; nothing live is ever touched.
  for (int cycle = 0; cycle < 200; ++cycle) first->engine.active_expire_cycle(later, rng_a);
  CHECK(first->engine.key_count() >= 105);
  CHECK(first->run({"get", "k1"}) == bulk("v"));
  CHECK(first->run({"get", "p0"}) == bulk("v"));

  // Before any deadline passes, a cycle deletes nothing.
  auto fresh = build();
  sim::Rng rng_c(1);
  CHECK(fresh->engine.active_expire_cycle(start_ms + 10, rng_c) == 0);
  CHECK(fresh->engine.key_count() == 205);
}

TEST_CASE("Effects carry absolute deadlines and DEL for keys found expired", "[redis]") {
  Server s;
  CHECK(s.run({"set", "k", "v", "px", "100"}) == ok);
  CHECK(s.run({"set", "e", "v", "ex", "10", "nx"}) == ok);
  CHECK(s.run({"set", "a", "v", "exat", "1800000000"}) == ok);
  CHECK(s.run({"expire", "k", "5", "gt"}) == ":1\r\n");
  CHECK(s.run({"pexpire", "e", "250"}) == ":1\r\n");
  CHECK(s.run({"set", "g", "1", "get", "xx"}) == nil);  // no effect: nothing was set
  CHECK(s.run({"set", "g", "1", "GET"}) == nil);
  CHECK(s.run({"set", "g", "2", "nx"}) == nil);
  CHECK(s.run({"incr", "g"}) == ":2\r\n");
  CHECK(s.run({"get", "g"}) == bulk("2"));  // reads propagate nothing
  std::string k_deadline = std::to_string(start_ms + 5000);
  std::vector<Argv> expected{
      {"SET", "k", "v", "PXAT", std::to_string(start_ms + 100)},
      {"SET", "e", "v", "PXAT", std::to_string(start_ms + 10'000)},
      {"SET", "a", "v", "PXAT", "1800000000000"},
      {"PEXPIREAT", "k", k_deadline, "gt"},
      {"PEXPIREAT", "e", std::to_string(start_ms + 250)},
      {"set", "g", "1"},
      {"incr", "g"},
  };
  CHECK(s.engine.take_effects() == expected);
  CHECK(s.engine.take_effects().empty());

  s.now_ms = start_ms + 251;
  CHECK(s.run({"exists", "e"}) == ":0\r\n");
  CHECK(s.run({"set", "e", "again"}) == ok);
  CHECK(s.run({"expire", "g", "-1"}) == ":1\r\n");
  CHECK(s.run({"del", "nokey"}) == ":0\r\n");
  expected = {{"DEL", "e"}, {"set", "e", "again"}, {"DEL", "g"}};
  CHECK(s.engine.take_effects() == expected);

  SECTION("Redis 6.2 propagates relative expiries as they came") {
    Server old(redis::Version::v6_2);
    CHECK(old.run({"set", "k", "v", "px", "100"}) == ok);
    CHECK(old.run({"expire", "k", "5"}) == ":1\r\n");
    expected = {{"set", "k", "v", "px", "100"}, {"expire", "k", "5"}};
    CHECK(old.engine.take_effects() == expected);
  }
}

TEST_CASE("Write flags follow Redis's command table", "[redis]") {
  for (const char* command : {"set", "SET", "del", "incr", "expire", "pexpireat", "zadd", "zpopmin", "hset", "hdel",
                              "hincrby", "flushall", "persist", "zremrangebyscore"}) {
    CHECK(redis::Engine::is_write(command));
  }
  for (const char* command : {"get", "ttl", "zrange", "zscore", "hgetall", "ping", "time", "wait", "eval", "nosuch"}) {
    CHECK_FALSE(redis::Engine::is_write(command));
  }
}

TEST_CASE("PING, ECHO, TIME, FLUSHALL, DBSIZE, WAIT", "[redis]") {
  Server s;
  s.now_ms = 1'700'000'000'123;
  CHECK(s.run({"ping"}) == "+PONG\r\n");
  CHECK(s.run({"ping", "hi"}) == bulk("hi"));
  CHECK(s.run({"echo", "x y"}) == bulk("x y"));
  CHECK(s.run({"echo"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(s.run({"time"}) == "*2\r\n" + bulk("1700000000") + bulk("123000"));
  CHECK(s.run({"time", "1"}) == "-ERR wrong number of arguments for 'time' command\r\n");
  CHECK(s.run({"set", "a", "1"}) == ok);
  CHECK(s.run({"dbsize"}) == ":1\r\n");
  CHECK(s.run({"flushall", "foo"}) == syntax_error);
  CHECK(s.run({"flushall", "sync", "extra"}) == syntax_error);
  CHECK(s.run({"flushall", "ASYNC"}) == ok);
  CHECK(s.run({"dbsize"}) == ":0\r\n");
  CHECK(s.run({"wait", "0", "0"}) == ":0\r\n");
  CHECK(s.run({"wait", "a", "0"}) == not_integer);
  CHECK(s.run({"wait", "0", "-1"}) == "-ERR timeout is negative\r\n");
  CHECK(s.run({"wait", "0", "a"}) == "-ERR timeout is not an integer or out of range\r\n");
}

TEST_CASE("Scripts go to the script host, inside one, each command is its own effect", "[redis]") {
  Server s;
  CHECK(s.run({"eval", "return 1", "0"}) ==
        "-ERR unknown command 'eval', with args beginning with: 'return 1' '0' \r\n");
  auto host = std::make_unique<ScriptedHost>();
  ScriptedHost* scripts = host.get();
  scripts->body = {{"set", "lock", "me", "px", "1000"}, {"get", "lock"}, {"eval", "x", "0"}, {"nosuch"}, {"get"}};
  s.engine.set_script_host(std::move(host));
  CHECK(s.run({"eval", "script", "0"}) == ":5\r\n");
  REQUIRE(scripts->replies.size() == 5);
  CHECK(scripts->replies[0].resp() == ok);
  CHECK(scripts->replies[1].resp() == bulk("me"));
  CHECK(scripts->replies[2].resp() == "-ERR This Redis command is not allowed from script\r\n");
  CHECK(scripts->replies[3].resp() == "-ERR Unknown Redis command called from script\r\n");
  CHECK(scripts->replies[4].resp() == "-ERR Wrong number of args calling Redis command from script\r\n");
  std::vector<Argv> expected{{"SET", "lock", "me", "PXAT", std::to_string(start_ms + 1000)}};
  CHECK(s.engine.take_effects() == expected);
  CHECK(s.run({"evalsha", "abc", "0"}) == "-NOSCRIPT No matching script. Please use EVAL.\r\n");
  CHECK(s.run({"script", "load", "x"}) == bulk("load"));
}

TEST_CASE("Memory estimate follows its documented formula", "[redis]") {
  Server s;
  CHECK(s.engine.memory_bytes() == 0);
  CHECK(s.run({"set", "key", "hello"}) == ok);                   // 50 + 3 + 16 + 5
  CHECK(s.run({"zadd", "zs", "1", "ab", "2", "c"}) == ":2\r\n");  // 50 + 2 + 96 + 2*64 + 3
  CHECK(s.run({"hset", "h", "f", "vv"}) == ":1\r\n");            // 50 + 1 + 64 + 40 + 1 + 2
  std::map<std::string, std::uint64_t> expected{{"string", 74}, {"zset", 279}, {"hash", 158}};
  CHECK(s.engine.memory_by_type() == expected);
  CHECK(s.engine.memory_bytes() == 74 + 279 + 158);
  CHECK(s.run({"expire", "key", "100"}) == ":1\r\n");  // a TTL adds 24
  CHECK(s.engine.memory_by_type()["string"] == 98);
  s.engine.clear();
  CHECK(s.engine.key_count() == 0);
  CHECK(s.engine.memory_bytes() == 0);
}

TEST_CASE("the running memory estimate equals a recount after every generated command, scripts and expiry included",
          "[redis]") {
  Server s;
  s.engine.set_script_host(redis::make_lua_host(redis::Version::v7_0));
  sim::Rng rng(7);
  std::size_t checked = 0;
  conform::SequenceOptions options;
  options.seed = 3;
  options.command_count = 5'000;
  for (const conform::Step& step : conform::build_sequence(options).steps) {
    s.run(step.argv);
    s.now_ms += static_cast<std::int64_t>(rng.below(400));  // keys with short TTLs expire on the way
    if (rng.below(10) == 0) s.engine.active_expire_cycle(s.now_ms, rng);
    REQUIRE(s.engine.memory_bytes() == s.engine.memory_bytes_recounted());
    ++checked;
  }
  REQUIRE(checked > 4000);
  REQUIRE(s.engine.memory_bytes() > 0);
  s.engine.clear();
  REQUIRE(s.engine.memory_bytes() == 0);
}

TEST_CASE("a replica hides an expired key from clients but keeps it for the master's DEL", "[redis]") {
  Server server;
  REQUIRE(server.run({"SET", "k", "v", "PX", "100"}) == ok);
  server.engine.take_effects();
  redis::ExecContext replica;
  replica.now_ms = start_ms + 200;
  replica.replica = true;
  CHECK(server.engine.execute({"GET", "k"}, replica).resp() == nil);
  CHECK(server.engine.execute({"EXISTS", "k"}, replica).resp() == ":0\r\n");
  CHECK(server.engine.key_count() == 1);        // still there
  CHECK(server.engine.take_effects().empty());  // and no DEL of its own
  // On a master the same read reclaims the key and logs the DEL it propagates.
  server.now_ms = start_ms + 200;
  CHECK(server.run({"GET", "k"}) == nil);
  CHECK(server.engine.key_count() == 0);
  std::vector<std::vector<std::string>> effects = server.engine.take_effects();
  REQUIRE(effects.size() == 1);
  CHECK(effects[0] == std::vector<std::string>{"DEL", "k"});
}
