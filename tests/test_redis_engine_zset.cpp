// Goal: the simulated Redis engine's sorted sets and hashes answer byte for byte as a real Redis
// 7.0 server does (expected strings taken from redis-server 7.0.15): scores printed as Redis
// prints doubles, ZADD's flags, ZRANGE's forms and bounds, pops, and hashes in insertion order.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/redis_engine_support.hpp"

using namespace redis_engine_support;

TEST_CASE("Sorted-set scores are printed as Redis 7.0 prints doubles", "[redis]") {
  Server s;
  auto score_of = [&](const std::string& score) {
    s.run({"zadd", "z", score, "m"});
    return s.run({"zscore", "z", "m"});
  };
  CHECK(score_of("1.5") == bulk("1.5"));
  CHECK(score_of("3") == bulk("3"));
  CHECK(score_of("0.1") == bulk("0.10000000000000001"));
  CHECK(score_of("inf") == bulk("inf"));
  CHECK(score_of("-inf") == bulk("-inf"));
  CHECK(score_of("1e20") == bulk("1e+20"));
  CHECK(score_of("1e-5") == bulk("1.0000000000000001e-05"));
  CHECK(score_of("123456789012345678") == bulk("1.2345678901234568e+17"));
  CHECK(score_of("0x10") == bulk("16"));
  CHECK(score_of("-0") == bulk("0"));  // a small sorted set stores -0 as 0
  CHECK(s.run({"zadd", "z", "incr", "-0.0", "fresh"}) == bulk("-0"));
  CHECK(s.run({"zscore", "z", "fresh"}) == bulk("0"));
  for (const char* bad : {" 1", "1 ", "1e400", "1e-400", "", "nan", "abc"}) {
    CHECK(s.run({"zadd", "z", bad, "m"}) == "-ERR value is not a valid float\r\n");
  }
}

TEST_CASE("ZADD with NX, XX, GT, LT, CH and INCR", "[redis]") {
  Server s;
  CHECK(s.run({"zadd", "z", "nx"}) == "-ERR wrong number of arguments for 'zadd' command\r\n");
  CHECK(s.run({"zadd", "z", "nx", "1"}) == syntax_error);
  CHECK(s.run({"zadd", "z", "1", "a", "2"}) == syntax_error);
  CHECK(s.run({"zadd", "z", "nx", "xx", "1", "a"}) == "-ERR XX and NX options at the same time are not compatible\r\n");
  CHECK(s.run({"zadd", "z", "gt", "nx", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(s.run({"zadd", "z", "gt", "lt", "1", "a"}) ==
        "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n");
  CHECK(s.run({"zadd", "z", "incr", "1", "a", "2", "b"}) ==
        "-ERR INCR option supports a single increment-element pair\r\n");
  CHECK(s.run({"zadd", "z", "1", "a", "abc", "b"}) == "-ERR value is not a valid float\r\n");
  CHECK(s.run({"exists", "z"}) == ":0\r\n");

  CHECK(s.run({"zadd", "z", "1", "a", "2", "b"}) == ":2\r\n");
  CHECK(s.run({"zadd", "z", "ch", "5", "a", "2", "b", "9", "c"}) == ":2\r\n");
  CHECK(s.run({"zadd", "z", "xx", "ch", "6", "a", "7", "nonexist"}) == ":1\r\n");
  CHECK(s.run({"zadd", "z", "gt", "ch", "1", "a", "10", "b"}) == ":1\r\n");
  CHECK(s.run({"zadd", "z", "lt", "ch", "100", "a", "1", "b"}) == ":1\r\n");
  CHECK(s.run({"zadd", "z", "xx", "incr", "1", "nonexist"}) == nil);
  CHECK(s.run({"zadd", "z", "nx", "incr", "1", "a"}) == nil);
  CHECK(s.run({"zadd", "z", "incr", "1", "a"}) == bulk("7"));
  CHECK(s.run({"zadd", "z", "gt", "incr", "-1", "a"}) == nil);
  CHECK(s.run({"zincrby", "z", "2.5", "a"}) == bulk("9.5"));
  CHECK(s.run({"zincrby", "z", "x", "a"}) == "-ERR value is not a valid float\r\n");
  CHECK(s.run({"zadd", "z", "inf", "f"}) == ":1\r\n");
  CHECK(s.run({"zadd", "z", "incr", "-inf", "f"}) == "-ERR resulting score is not a number (NaN)\r\n");
  CHECK(s.run({"zadd", "nokey", "xx", "1", "a"}) == ":0\r\n");
  CHECK(s.run({"zadd", "nokey", "xx", "incr", "1", "a"}) == nil);
  CHECK(s.run({"exists", "nokey"}) == ":0\r\n");
  CHECK(s.run({"zcard", "z"}) == ":4\r\n");
  CHECK(s.run({"set", "str", "x"}) == ok);
  CHECK(s.run({"zadd", "str", "1", "a"}) == wrong_type);
  CHECK(s.run({"zcard", "str"}) == wrong_type);
  CHECK(s.run({"zscore", "str", "a"}) == wrong_type);
}

TEST_CASE("ZRANGE by rank, BYSCORE and BYLEX, with REV, LIMIT and WITHSCORES", "[redis]") {
  Server s;
  CHECK(s.run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}) == ":5\r\n");
  auto members = [](std::initializer_list<std::string> items) {
    std::string out = "*" + std::to_string(items.size()) + "\r\n";
    for (const std::string& item : items) out += bulk(item);
    return out;
  };
  CHECK(s.run({"zrange", "z", "-2", "-1"}) == members({"d", "e"}));
  CHECK(s.run({"zrange", "z", "-100", "1"}) == members({"a", "b"}));
  CHECK(s.run({"zrange", "z", "3", "1"}) == empty_array);
  CHECK(s.run({"zrange", "z", "1", "2", "rev"}) == members({"d", "c"}));
  CHECK(s.run({"zrange", "z", "0", "1", "withscores"}) == members({"a", "1", "b", "2"}));
  CHECK(s.run({"zrange", "z", "(1", "3", "byscore", "withscores"}) == members({"b", "2", "c", "3"}));
  CHECK(s.run({"zrange", "z", "3", "(1", "byscore", "rev"}) == members({"c", "b"}));
  CHECK(s.run({"zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"}) == members({"b", "c"}));
  CHECK(s.run({"zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"}) == empty_array);
  CHECK(s.run({"zrange", "z", "-inf", "+inf", "byscore", "limit", "3", "-1"}) == members({"d", "e"}));
  CHECK(s.run({"zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2"}) == members({"d", "c"}));
  CHECK(s.run({"zrange", "z", "[a", "(c", "bylex"}) == members({"a", "b"}));
  CHECK(s.run({"zrange", "z", "+", "-", "bylex", "rev", "limit", "1", "2"}) == members({"d", "c"}));
  CHECK(s.run({"zrevrange", "z", "0", "1", "withscores"}) == members({"e", "5", "d", "4"}));
  CHECK(s.run({"zrangebylex", "z", "[b", "+", "limit", "1", "1"}) == members({"c"}));
  CHECK(s.run({"zrange", "nokey", "0", "-1"}) == empty_array);

  CHECK(s.run({"zrange", "z", "0", "1", "limit", "0", "1"}) ==
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
  CHECK(s.run({"zrange", "z", "0", "1", "bylex", "withscores"}) ==
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n");
  CHECK(s.run({"zrange", "z", "0", "1", "limit", "0"}) == syntax_error);
  CHECK(s.run({"zrange", "z", "0", "1", "rev", "rev"}) == syntax_error);
  CHECK(s.run({"zrange", "z", "0", "1", "byscore", "bylex"}) == syntax_error);
  CHECK(s.run({"zrange", "z", "a", "1"}) == not_integer);
  CHECK(s.run({"zrange", "z", "a", "b", "byscore"}) == "-ERR min or max is not a float\r\n");
  CHECK(s.run({"zrange", "z", "a", "c", "bylex"}) == "-ERR min or max not valid string range item\r\n");
  CHECK(s.run({"set", "str", "x"}) == ok);
  CHECK(s.run({"zrange", "str", "0", "1"}) == wrong_type);
  CHECK(s.run({"zrange", "str", "a", "1"}) == not_integer);  // arguments are checked first
}

TEST_CASE("ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE read bounds as Redis does", "[redis]") {
  Server s;
  CHECK(s.run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}) == ":5\r\n");
  const std::string all = "*5\r\n" + bulk("a") + bulk("b") + bulk("c") + bulk("d") + bulk("e");
  CHECK(s.run({"zrangebyscore", "z", "-inf", "+inf", "withscores", "limit", "0", "2"}) ==
        "*4\r\n" + bulk("a") + bulk("1") + bulk("b") + bulk("2"));
  CHECK(s.run({"zrangebyscore", "z", "(1", "(1"}) == empty_array);
  CHECK(s.run({"zrangebyscore", "z", "1", "1"}) == "*1\r\n" + bulk("a"));
  CHECK(s.run({"zrangebyscore", "z", "5", "1"}) == empty_array);
  CHECK(s.run({"zrevrangebyscore", "z", "(5", "(1", "withscores", "limit", "1", "1"}) ==
        "*2\r\n" + bulk("c") + bulk("3"));
  // strtod's rules: an empty bound is 0, leading spaces and hex pass.
  CHECK(s.run({"zrangebyscore", "z", "", "5"}) == all);
  CHECK(s.run({"zrangebyscore", "z", "(", "5"}) == all);
  CHECK(s.run({"zrangebyscore", "z", " 1", "0x5"}) == all);
  CHECK(s.run({"zrangebyscore", "z", "nan", "5"}) == "-ERR min or max is not a float\r\n");
  CHECK(s.run({"zrangebyscore", "z", "1", "5", "rev"}) == syntax_error);

  CHECK(s.run({"zcount", "z", "-inf", "+inf"}) == ":5\r\n");
  CHECK(s.run({"zcount", "z", "(1", "3"}) == ":2\r\n");
  CHECK(s.run({"zcount", "z", "a", "3"}) == "-ERR min or max is not a float\r\n");
  CHECK(s.run({"zcount", "nokey", "1", "2"}) == ":0\r\n");
  CHECK(s.run({"zremrangebyscore", "z", "4", "+inf"}) == ":2\r\n");
  CHECK(s.run({"zremrangebyscore", "z", "x", "1"}) == "-ERR min or max is not a float\r\n");
  CHECK(s.run({"zremrangebyscore", "z", "-inf", "+inf"}) == ":3\r\n");
  CHECK(s.run({"exists", "z"}) == ":0\r\n");
}

TEST_CASE("ZPOPMIN, ZPOPMAX and ZREM", "[redis]") {
  Server s;
  CHECK(s.run({"zadd", "z", "1", "a", "2", "b", "3", "c"}) == ":3\r\n");
  CHECK(s.run({"zpopmin", "z"}) == "*2\r\n" + bulk("a") + bulk("1"));
  CHECK(s.run({"zpopmin", "z", "-1"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(s.run({"zpopmin", "z", "abc"}) == "-ERR value is out of range, must be positive\r\n");
  CHECK(s.run({"zpopmin", "z", "1", "2"}) == syntax_error);
  CHECK(s.run({"zpopmin", "z", "0"}) == empty_array);
  CHECK(s.run({"zpopmax", "z"}) == "*2\r\n" + bulk("c") + bulk("3"));
  CHECK(s.run({"zpopmin", "z", "5"}) == "*2\r\n" + bulk("b") + bulk("2"));
  CHECK(s.run({"exists", "z"}) == ":0\r\n");
  CHECK(s.run({"zpopmin", "nokey", "3"}) == empty_array);

  CHECK(s.run({"zadd", "z", "1", "a", "2", "b"}) == ":2\r\n");
  CHECK(s.run({"zrem", "z", "a", "x"}) == ":1\r\n");
  CHECK(s.run({"zrem", "z", "b"}) == ":1\r\n");
  CHECK(s.run({"exists", "z"}) == ":0\r\n");
  CHECK(s.run({"zrem", "nokey", "a"}) == ":0\r\n");
  CHECK(s.run({"set", "str", "x"}) == ok);
  CHECK(s.run({"zpopmin", "str", "0"}) == wrong_type);
  CHECK(s.run({"zrem", "str", "a"}) == wrong_type);
}

TEST_CASE("HSET, HGET, HMGET, HDEL, HINCRBY, HGETALL in insertion order", "[redis]") {
  Server s;
  CHECK(s.run({"hset", "h", "a"}) == "-ERR wrong number of arguments for 'hset' command\r\n");
  CHECK(s.run({"hset", "h", "a", "1", "b", "2"}) == ":2\r\n");
  CHECK(s.run({"hset", "h", "b", "3", "c", "4"}) == ":1\r\n");
  CHECK(s.run({"hgetall", "h"}) == "*6\r\n" + bulk("a") + bulk("1") + bulk("b") + bulk("3") + bulk("c") + bulk("4"));
  CHECK(s.run({"hget", "h", "a"}) == bulk("1"));
  CHECK(s.run({"hget", "h", "zz"}) == nil);
  CHECK(s.run({"hget", "nokey", "a"}) == nil);
  CHECK(s.run({"hdel", "h", "a", "zz"}) == ":1\r\n");
  CHECK(s.run({"hset", "h", "a", "9"}) == ":1\r\n");  // back at the end
  CHECK(s.run({"hgetall", "h"}) == "*6\r\n" + bulk("b") + bulk("3") + bulk("c") + bulk("4") + bulk("a") + bulk("9"));
  CHECK(s.run({"hdel", "h", "a", "b", "c"}) == ":3\r\n");
  CHECK(s.run({"exists", "h"}) == ":0\r\n");
  CHECK(s.run({"hgetall", "h"}) == empty_array);

  CHECK(s.run({"hincrby", "h", "x", "5"}) == ":5\r\n");
  CHECK(s.run({"hincrby", "h", "x", "-7"}) == ":-2\r\n");
  CHECK(s.run({"hincrby", "h", "x", "abc"}) == not_integer);
  CHECK(s.run({"hset", "h", "s", "hello", "sp", " 5", "big", "9223372036854775807"}) == ":3\r\n");
  CHECK(s.run({"hincrby", "h", "s", "1"}) == "-ERR hash value is not an integer\r\n");
  CHECK(s.run({"hincrby", "h", "sp", "1"}) == "-ERR hash value is not an integer\r\n");
  CHECK(s.run({"hincrby", "h", "big", "1"}) == "-ERR increment or decrement would overflow\r\n");
  CHECK(s.run({"hmget", "h", "x", "nofield", "s"}) == "*3\r\n" + bulk("-2") + nil + bulk("hello"));
  CHECK(s.run({"hmget", "nokey", "a", "b"}) == "*2\r\n" + nil + nil);
  CHECK(s.run({"hmget", "h"}) == "-ERR wrong number of arguments for 'hmget' command\r\n");
  CHECK(s.run({"set", "str", "x"}) == ok);
  for (const Argv& command : std::vector<Argv>{{"hget", "str", "a"},
                                               {"hmget", "str", "a"},
                                               {"hset", "str", "a", "1"},
                                               {"hgetall", "str"},
                                               {"hincrby", "str", "a", "1"},
                                               {"hdel", "str", "a"}}) {
    CHECK(s.run(command) == wrong_type);
  }
}
