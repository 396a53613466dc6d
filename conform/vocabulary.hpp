// What generated commands are made of: the words each kind of argument draws from (usual ones
// and odd ones: bad, extreme or awkward) and the scripts a generated EVAL runs. Every relative
// TTL here is one that cannot race the clock (see sequences.hpp); long positive TTLs are made
// by the generator, each one distinct.
#pragma once

#include <string_view>

namespace conform::vocabulary {

// Words for each kind of argument: usual ones, and odd ones (bad, extreme or awkward) that a
// command gets one time in five.
inline constexpr std::string_view integers[]{"0", "1", "2", "3", "-1", "-2", "5", "7", "42", "-100"};
inline constexpr std::string_view odd_integers[]{"9223372036854775807",
                                                 "-9223372036854775808",
                                                 "9223372036854775808",
                                                 "abc",
                                                 "1.5",
                                                 "",
                                                 " 1",
                                                 "01",
                                                 "+1",
                                                 "0x10",
                                                 "-0"};
inline constexpr std::string_view values[]{"0", "1", "42", "-7", "abc", "hello", "1.5", "x y", "10"};
inline constexpr std::string_view odd_values[]{
    "9223372036854775807", "-9223372036854775808",           "",         " 1", "01",
    "line\r\nbreak",       std::string_view("nul\0byte", 8), "\xff\xfe", "1e3"};
inline constexpr std::string_view scores[]{"1", "2", "-1", "0", "0", "0", "1.5", "-2.5", "inf", "-inf", "+inf", "1e3",
                                           "3.0000000000000001", "-0", "4.4", "0.1", "2"};
inline constexpr std::string_view odd_scores[]{"0x10", "nan", "abc", "", "1e400", " 1", "1e-400", "-nan"};
inline constexpr std::string_view score_bounds[]{"-inf", "+inf", "(1", "1",   "2",   "(2",
                                                 "0",    "-1.5", "(0", "4.4", "inf", "(-inf"};
inline constexpr std::string_view odd_score_bounds[]{"abc", "(", "", "(inf", "nan", " 1", "((1", "1e400"};
inline constexpr std::string_view lex_bounds[]{"-", "+", "[a", "(a", "[m2", "(m3", "[m9", "[m1", "(m5", "[", "(", "[m"};
inline constexpr std::string_view odd_lex_bounds[]{"a", "", "m1", "+a", "-a"};
inline constexpr std::string_view members[]{"m1", "m2", "m3", "m4", "m5", "a"};
inline constexpr std::string_view fields[]{"f1", "f2", "f3", "n"};
// Past, far-future and out-of-range absolute deadlines: none of them races the clock.
inline constexpr std::string_view unix_seconds[]{
    "1", "0", "-1", "4102444800", "9223372036854775", "9223372036854775807", "abc"};
inline constexpr std::string_view unix_ms[]{
    "1", "0", "-5", "4102444800000", "9223372036854775807", "-9223372036854775808", "abc"};
// Relative amounts that are not long positive TTLs: each is an error or deletes the key.
inline constexpr std::string_view odd_seconds[]{
    "0", "-1", "-100", "abc", "1.5", "", "9223372036854775807", "9223372036854775", "-9223372036854775808"};
inline constexpr std::string_view odd_ms[]{
    "0", "-1", "abc", "9223372036854775807", "9223372036854775806", "-9223372036854775808"};

// Scripts a generated EVAL runs: replies of every type, redis.call and pcall, errors.
inline constexpr std::string_view scripts[]{
    "return redis.call('get', KEYS[1])",
    "return redis.call('incr', KEYS[1])",
    "return redis.pcall('incr', KEYS[1])",
    "return redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])",
    "return redis.call('zrange', KEYS[1], 0, -1, 'withscores')",
    "return redis.call('hgetall', KEYS[1])",
    "return redis.call('hmget', KEYS[1], 'n', 'f', ARGV[1])",
    "return getmetatable(_G).__index(_G, 'redis')",
    "return getmetatable(_G).__index(_G)",
    "return nosuchglobal",
    "return redis.call('hincrby', KEYS[1], 'n', ARGV[1])",
    "return redis.call('set', KEYS[1], ARGV[1])",
    "return redis.call('del', KEYS[1], KEYS[2])",
    "return {1, 'two', {3, 'four'}, 5.9, true, false, nil, 7}",
    "return 3.99",
    "return -0.5",
    "return redis.status_reply('FINE')",
    "return redis.error_reply('MYERR custom failure')",
    "return {err='table error'}",
    "return (",
    "return redis.call('nosuchcommand')",
    "return redis.call('eval', 'return 1', 0)",
    "return redis.call('get', KEYS[1], 'extra')",
    "return redis.call('get')",
    "error('boom')",
    "local t = redis.call('ttl', KEYS[1]) if t > 0 then return 'positive' end return t",
    "return #redis.call('time')",
    "return tostring(tonumber(ARGV[1]))",
    "return redis.sha1hex(ARGV[1] or '')",
    "return KEYS",
    "return ARGV",
    "return redis.call('exists', KEYS[1], KEYS[1])",
    "return redis.pcall('zadd', KEYS[1], 'nan', 'm1')",
    "return type(redis.call('get', KEYS[1]))",
    "newglobal = 1 return newglobal",
    "return redis.call('type', KEYS[1])",
    "return redis.call('zpopmin', KEYS[1], ARGV[1])",
    "return redis.call('set', KEYS[1], 0.1)",
    "return redis.call('set', KEYS[1], 1e20)",
    "return redis.call('set', KEYS[1], -0.0)",
    "return redis.call('hset', KEYS[1], 'f1', 2^53)",
    "return redis.call('zadd', KEYS[1], 1/3, 'm1')",
    "return redis.call('zscore', KEYS[1], 'm1')",
    "return redis.call('get', 'designsim:conform:never-set')",
    "return {1, {2, {3, {4, {}}}}}",
    "return {ok='fine'}",
    "return redis.status_reply('')",
    "return redis.error_reply('lowercase message')",
    "return redis.pcall('nosuchcommand')",
    "local r = redis.pcall('incr', KEYS[1]) if type(r) == 'table' then return r.err end return r",
    "error({err='ERR raised table'})",
    "error()",
    "return redis.call(1)",
    "return redis.call('set', KEYS[1], {})",
    "return redis.call('del', KEYS[1], true)",
    "redis.log(redis.LOG_NOTICE, 'designsim conform') return 1",
    "return redis.replicate_commands()",
    "redis.set_repl(redis.REPL_ALL) return 1",
    "return redis.set_repl(99)",
    "#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'x')",
    "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])",
    "#!lua\nreturn 1",
    "#!lua flags=bogus\nreturn 1",
    "#!python\nreturn 1",
    "return string.rep('x', 3) .. tostring(nil) .. tostring(1e15) .. tostring(1e16)",
    "return {tonumber('0x10'), tonumber(' 5 '), tonumber('1e2')}",
    "return loadstring('return 1')",
    "return os.time()",
    "return print",
    "return _G.KEYS ~= nil",
    "local ok, e = pcall(function() return redis.call('get', KEYS[1], KEYS[1]) end) return tostring(ok)",
    "return redis.call('ping')",
    "return redis.call('echo', ARGV[1] or 'x')",
    "return #KEYS + #ARGV",
    "return 9007199254740993",
    "return -2^63",
    "return {false, 'after false'}",
    "return true",
    "return false",
    "return nil",
};

// math.random in a generated script: its reply shows the stream.
inline constexpr std::string_view random_scripts[]{
    "return math.random(1000)",
    "return {math.random(), math.random(3)}",
    "return string.format('%.17g', math.random())",
};

}  // namespace conform::vocabulary
