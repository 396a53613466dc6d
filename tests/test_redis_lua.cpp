// Goal: Lua scripting in the simulated Redis answers byte for byte as real Redis does. The 7.0
// expectations were taken from a live redis-server 7.0.15; the 6.2 ones follow 6.2.14's
// scripting.c. Covered: the rand48 streams behind math.random, SHA-1 script names, replies to
// Lua and back, error texts, the read-only globals, EVALSHA and SCRIPT, the runaway-script
// guards, and the spec's sliding-window rate limiter on the real engine.
#include <catch2/catch.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "models/redis/lua/lua_runtime.hpp"
#include "models/redis/lua/plain_number.hpp"
#include "models/redis/lua/rand48.hpp"
#include "models/redis/lua/sha1.hpp"
#include "sim/kernel/assert.hpp"

using namespace redis;

namespace {

std::string lowercase_word(std::string word) {
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

// Stands in for the engine: canned replies by command, and a log of what scripts called.
class FakeRunner final : public CommandRunner {
public:
  std::map<std::string, Reply> replies;
  std::vector<std::vector<std::string>> calls;

  Reply run(const std::vector<std::string>& argv) override {
    calls.push_back(argv);
    auto found = replies.find(lowercase_word(argv[0]));
    if (found == replies.end()) return Reply::error("ERR Unknown Redis command called from script");
    return found->second;
  }
  bool is_write(const std::string& command) const override { return lowercase_word(command) == "set"; }
};

class ThrowingRunner final : public CommandRunner {
public:
  Reply run(const std::vector<std::string>&) override { throw sim::InternalError("engine assertion"); }
  bool is_write(const std::string&) const override { return false; }
};

std::string eval(LuaHost& host, CommandRunner& runner, const std::string& script,
                 std::vector<std::string> keys_and_args = {"0"}) {
  keys_and_args.insert(keys_and_args.begin(), script);
  return host.run_eval(runner, keys_and_args).resp();
}

std::string format_14g(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.14g", value);
  return text;
}

std::string bulk(const std::string& text) { return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n"; }

// A simulated server: the engine with a Lua host, its clock frozen at one instant.
struct Server {
  Engine engine;
  ExecContext ctx;
  explicit Server(Version version) : engine(version) {
    engine.set_script_host(make_lua_host(version));
    ctx.now_ms = 1'700'000'000'000;
  }
  Reply run(const std::vector<std::string>& argv) { return engine.execute(argv, ctx); }
};

// The rate limiter of the spec (section 4.6 of the reference).
const std::string rate_limiter =
    "local key=KEYS[1] local now=tonumber(ARGV[1]) local window=tonumber(ARGV[2]) "
    "local limit=tonumber(ARGV[3]) redis.call('ZREMRANGEBYSCORE', key, 0, now - window) "
    "local count=redis.call('ZCARD', key) if count < limit then "
    "redis.call('ZADD', key, now, now .. '-' .. math.random()) redis.call('EXPIRE', key, window) "
    "return 1 else return 0 end";

int admitted(Server& server, const std::string& key, const std::vector<std::string>& nows, const std::string& window,
             const std::string& limit) {
  int count = 0;
  for (const std::string& now : nows) {
    Reply reply = server.run({"EVAL", rate_limiter, "1", key, now, window, limit});
    REQUIRE(reply.type == Reply::Type::integer);
    count += static_cast<int>(reply.integer);
  }
  return count;
}

}  // namespace

TEST_CASE("rand48 starts where Redis's rand.c starts and reseeds as redisSrand48 does", "[lua]") {
  Rand48 fresh;
  CHECK(format_14g(fresh.next_unit()) == "0.39646477363839");
  CHECK(format_14g(fresh.next_unit()) == "0.84048536971234");
  CHECK(format_14g(fresh.next_unit()) == "0.35333609737146");

  Rand48 reseeded;
  reseeded.seed(0);
  CHECK(reseeded.state() == 0x330E);
  CHECK(format_14g(reseeded.next_unit()) == "0.17082803611217");
  CHECK(format_14g(reseeded.next_unit()) == "0.74990198051087");

  reseeded.seed(-1);
  CHECK(reseeded.state() == 0xFFFF'FFFF'330EULL);
}

TEST_CASE("SHA-1 matches the FIPS 180 vectors and Redis's script names", "[lua]") {
  CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(sha1_hex(std::string(1'000'000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // Lengths around the padding boundary: the length field fits in the last block or not.
  CHECK(sha1_hex(std::string(55, 'a')) == "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  CHECK(sha1_hex(std::string(56, 'a')) == "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  CHECK(sha1_hex(std::string(64, 'a')) == "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  CHECK(sha1_hex("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("math.random: one stream per process in 7.0, reseeded by every EVAL in 6.2", "[lua]") {
  FakeRunner runner;
  const std::string draw = "return tostring(math.random())";

  LuaHost v7(Version::v7_0);
  CHECK(eval(v7, runner, draw) == bulk("0.39646477363839"));
  CHECK(eval(v7, runner, draw) == bulk("0.84048536971234"));
  // The next two draws are 0.35333609737146 and 0.44658343468168.
  CHECK(eval(v7, runner, "return {math.random(10), math.random(5, 7)}") == "*2\r\n:4\r\n:6\r\n");
  v7.reset();
  CHECK(eval(v7, runner, draw) == bulk("0.39646477363839"));
  CHECK(eval(v7, runner, "math.randomseed(0) return tostring(math.random())") == bulk("0.17082803611217"));
  CHECK(eval(v7, runner, draw) == bulk("0.74990198051087"));
  // SCRIPT FLUSH empties the cache but leaves the process's stream where it was.
  CHECK(v7.run_script({"FLUSH"}).resp() == "+OK\r\n");
  CHECK(eval(v7, runner, draw) == bulk("0.09637165539729"));

  LuaHost v6(Version::v6_2);
  CHECK(eval(v6, runner, draw) == bulk("0.17082803611217"));
  CHECK(eval(v6, runner, draw) == bulk("0.17082803611217"));
  CHECK(eval(v6, runner, "return {tostring(math.random()), tostring(math.random())}") ==
        "*2\r\n" + bulk("0.17082803611217") + bulk("0.74990198051087"));
  std::string first = eval(v6, runner, "redis.replicate_commands() return tostring(math.random())");
  std::string second = eval(v6, runner, "redis.replicate_commands() return tostring(math.random())");
  CHECK(first != bulk("0.17082803611217"));
  CHECK(first != second);
}

TEST_CASE("Lua values become replies as Redis converts them", "[lua]") {
  FakeRunner runner;
  LuaHost host(Version::v7_0);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"return {1,2,3.7,'x',false,nil,5}", "*5\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n$-1\r\n"},
      {"return {ok='fine'}", "+fine\r\n"},
      {"return {err='My error'}", "-My error\r\n"},
      {"return {err=''}", "-\r\n"},
      {"return redis.error_reply('oops')", "-ERR oops\r\n"},
      {"return redis.error_reply('-bad thing')", "-bad thing\r\n"},
      {"return redis.status_reply('yay')", "+yay\r\n"},
      {"return true", ":1\r\n"},
      {"return false", "$-1\r\n"},
      {"return nil", "$-1\r\n"},
      {"return -3.9", ":-3\r\n"},
      {"return 1e20", ":-9223372036854775808\r\n"},
      {"return 0/0", ":-9223372036854775808\r\n"},
      {"return {a=1}", "*0\r\n"},
      {"return {1,{2,{3}},{}}", "*3\r\n:1\r\n*2\r\n:2\r\n*1\r\n:3\r\n*0\r\n"},
      {"return {double=0.1}", "$19\r\n0.10000000000000001\r\n"},
      {"return {map={a=1}}", "*2\r\n$1\r\na\r\n:1\r\n"},
      {"return {err='a\\nb\\n'}", "-a b\r\n"},
      {"return {ok='a\\r\\nb\\n'}", "+a  b \r\n"},
      {"return {{err='inner'}, {ok='fine'}, 3}", "*3\r\n-inner\r\n+fine\r\n:3\r\n"},
  };
  for (const auto& [script, resp] : cases) {
    INFO(script);
    CHECK(eval(host, runner, script) == resp);
  }
  // A table holding itself nests until Lua's stack runs out, 7 995 levels down, as in Redis.
  // (Walked here rather than printed: printing recurses once per level.)
  Reply nested = host.run_eval(runner, {"local t = {} t[1] = t return t", "0"});
  int depth = 0;
  const Reply* level = &nested;
  while (level->type == Reply::Type::array && level->elements.size() == 1) {
    level = &level->elements[0];
    ++depth;
  }
  CHECK(depth == 7995);
  CHECK(level->resp() == "-ERR reached lua stack limit\r\n");
}

TEST_CASE("replies become Lua values, and Lua numbers become \"%.17g\" arguments", "[lua]") {
  FakeRunner runner;
  runner.replies["st"] = Reply::ok();
  runner.replies["er"] = Reply::error("WRONGTYPE Operation against a key holding the wrong kind of value");
  runner.replies["in"] = Reply::from_integer(-42);
  runner.replies["bu"] = Reply::bulk("text");
  runner.replies["nu"] = Reply::null();
  runner.replies["na"] = Reply::null_array();
  runner.replies["ar"] = Reply::array({Reply::bulk("a"), Reply::array({Reply::from_integer(1)}), Reply::null()});
  runner.replies["set"] = Reply::ok();
  LuaHost host(Version::v7_0);

  CHECK(eval(host, runner, "local r = redis.call('st') return {type(r), r.ok}") ==
        "*2\r\n" + bulk("table") + bulk("OK"));
  CHECK(eval(host, runner, "local r = redis.pcall('er') return {type(r), r.err}") ==
        "*2\r\n" + bulk("table") + bulk("WRONGTYPE Operation against a key holding the wrong kind of value"));
  CHECK(eval(host, runner, "local r = redis.call('in') return {type(r), r * 2}") ==
        "*2\r\n" + bulk("number") + ":-84\r\n");
  CHECK(eval(host, runner, "return redis.call('bu')") == bulk("text"));
  CHECK(eval(host, runner, "return {redis.call('nu') == false, redis.call('na') == false}") == "*2\r\n:1\r\n:1\r\n");
  CHECK(eval(host, runner, "local r = redis.call('ar') return {#r, r[1], r[2][1], r[3] == false}") ==
        "*4\r\n:3\r\n" + bulk("a") + ":1\r\n:1\r\n");

  runner.calls.clear();
  eval(host, runner,
       "redis.call('set', 'k', 1.5) redis.call('set', 'k', 0.1) redis.call('set', 'k', 1700000000123456)");
  REQUIRE(runner.calls.size() == 3);
  CHECK(runner.calls[0] == std::vector<std::string>{"set", "k", "1.5"});
  CHECK(runner.calls[1][2] == "0.10000000000000001");
  CHECK(runner.calls[2][2] == "1700000000123456");
  // tostring and .. keep Lua 5.1's "%.14g".
  CHECK(eval(host, runner, "return tostring(1700000000123456)") == bulk("1.7000000001235e+15"));
  CHECK(eval(host, runner, "return 1700000000.123456 .. ''") == bulk("1700000000.1235"));
}

TEST_CASE("script errors read as Redis 7.0 writes them", "[lua]") {
  FakeRunner runner;
  runner.replies["lpush"] = Reply::error("WRONGTYPE Operation against a key holding the wrong kind of value");
  runner.replies["get"] = Reply::error("ERR Wrong number of args calling Redis command from script");
  LuaHost host(Version::v7_0);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"return redis.call('lpush','str','x')",
       "-WRONGTYPE Operation against a key holding the wrong kind of value script: "
       "5b189d9d1be3b67dbfd2439c7970f29c29c107a8, on @user_script:1.\r\n"},
      {"return redis.pcall('lpush','str','x')",
       "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {"return redis.call('get','a','b')",
       "-ERR Wrong number of args calling Redis command from script script: "
       "aa27915209d20b65685c6c9e00817c26a6178f92, on @user_script:1.\r\n"},
      {"return redis.call('nosuch')",
       "-ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on "
       "@user_script:1.\r\n"},
      {"return redis.call('set','k',true)",
       "-ERR Lua redis lib command arguments must be strings or integers script: "
       "1bd3532411d875e74670689d964f9f48aaf13b84, on @user_script:1.\r\n"},
      {"return redis.call()",
       "-ERR Please specify at least one argument for this redis lib call script: "
       "0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n"},
      {"error('boom')",
       "-ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1.\r\n"},
      {"error({err='tbl boom'})", "-tbl boom script: fe6a4454cd688358ade3e1f5607379e257707a0a, on @user_script:1.\r\n"},
      {"error()", "-ERR nil script: aca90d914519fdb9825352bdc0befb59f7c8510f, on @user_script:1.\r\n"},
      {"error('a\\nb')",
       "-ERR user_script:1: a b script: 119790126df3fc201f8f0498095b28c62b174151, on @user_script:1.\r\n"},
      {"return 1 +", "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'\r\n"},
      {"local a = nil; return a.b",
       "-ERR user_script:1: attempt to index local 'a' (a nil value) script: a4f98b90454ae717765b45eb6f71312d37f994c6, "
       "on @user_script:1.\r\n"},
      {"return {pcall(redis.call, 'nosuch')}", "*2\r\n$-1\r\n$44\r\nERR Unknown Redis command called from script\r\n"},
      {"return math.random(0)",
       "-ERR user_script:1: bad argument #1 to 'random' (interval is empty) script: "
       "008bcb60f86ee36d26c67b641b46674578d9cba0, on @user_script:1.\r\n"},
      {"return redis.sha1hex()",
       "-ERR wrong number of arguments script: 3c7ce947ae74a835cc575b6ee87fb27503cb7ba4, on @user_script:1.\r\n"},
      {"return redis.error_reply(5)", "-ERR wrong number or type of arguments\r\n"},
  };
  for (const auto& [script, resp] : cases) {
    INFO(script);
    CHECK(eval(host, runner, script) == resp);
  }
  CHECK(eval(host, runner, "return 1", {"-1"}) == "-ERR Number of keys can't be negative\r\n");
  CHECK(eval(host, runner, "return 1", {"1"}) == "-ERR Number of keys can't be greater than number of args\r\n");
  CHECK(eval(host, runner, "return 1", {"01"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(eval(host, runner, "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", {"1", "a", "b"}) ==
        "*4\r\n" + bulk("a") + bulk("b") + ":1\r\n:1\r\n");
}

TEST_CASE("script errors read as Redis 6.2 writes them", "[lua]") {
  FakeRunner runner;
  runner.replies["lpush"] = Reply::error("WRONGTYPE Operation against a key holding the wrong kind of value");
  LuaHost host(Version::v6_2);
  const std::string prefix = "-ERR Error running script (call to f_";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"return redis.call('lpush','str','x')",
       prefix + "5b189d9d1be3b67dbfd2439c7970f29c29c107a8): @user_script:1: WRONGTYPE Operation against a key "
                "holding the wrong kind of value\r\n"},
      {"return redis.pcall('lpush','str','x')",
       "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {"return redis.call('nosuch')",
       prefix + "206396248e12c6e742fd7296250433c8d7343b74): @user_script:1: @user_script: 1: Unknown Redis command "
                "called from Lua script\r\n"},
      {"error('boom')", prefix + "82903a0434f1503e152f89c03c9acd881a0e8150): @user_script:1: user_script:1: boom\r\n"},
      {"error({err='tbl boom'})",
       prefix + "fe6a4454cd688358ade3e1f5607379e257707a0a): @err_handler_def:9: err_handler_def:9: attempt to "
                "concatenate local 'err' (a table value)\r\n"},
      {"x = 5",
       prefix + "818a330663e3c3e78469660421595218e5ab5c48): @user_script:1: user_script:1: Attempt to modify a "
                "readonly table\r\n"},
      {"return y",
       prefix + "e278681ed961e2fb52881313e5c90fdd93749940): @user_script:1: user_script:1: Script attempted to access "
                "nonexistent global variable 'y'\r\n"},
      {"return redis.error_reply('-bad thing')", "--bad thing\r\n"},
      // getfenv is kept in 6.2, and every function's globals are the read-only _G.
      {"return getfenv(__redis__err__handler) == _G", ":1\r\n"},
      {"getfenv(__redis__err__handler).__redis__err__handler = nil",
       prefix + "05b0d9a282fbcaeb7680e366d8bfa7dbfb75e0f8): @user_script:1: user_script:1: Attempt to modify a "
                "readonly table\r\n"},
      {"#!lua\nreturn 1", "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'\r\n"},
  };
  for (const auto& [script, resp] : cases) {
    INFO(script);
    CHECK(eval(host, runner, script) == resp);
  }
}

TEST_CASE("globals are read-only and the sandbox holds what Redis 7.0 gives scripts", "[lua]") {
  FakeRunner runner;
  LuaHost host(Version::v7_0);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"x = 5",
       "-ERR user_script:1: Attempt to modify a readonly table script: 818a330663e3c3e78469660421595218e5ab5c48, on "
       "@user_script:1.\r\n"},
      {"function f() end",
       "-ERR user_script:1: Attempt to modify a readonly table script: f37995b1d7c626139c9a239b83b074295e82ad29, on "
       "@user_script:1.\r\n"},
      {"math.random = nil",
       "-ERR user_script:1: Attempt to modify a readonly table script: d9b92ca5dd59604e95d9aa086206364417903caf, on "
       "@user_script:1.\r\n"},
      {"rawset(_G, 'x', 1) return x",
       "-ERR Attempt to modify a readonly table script: c92bcd17d4a06608da2dffc4fac6d0108bedb63c, on "
       "@user_script:1.\r\n"},
      {"return y",
       "-ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: "
       "e278681ed961e2fb52881313e5c90fdd93749940, on @user_script:1.\r\n"},
      {"return dofile",
       "-ERR user_script:1: Script attempted to access nonexistent global variable 'dofile' script: "
       "0c5f629ecf4a281cada464398cd571c2f6828b27, on @user_script:1.\r\n"},
      {"KEYS[1]='x'; return KEYS[1]", bulk("x")},
      {"local function f() return 1 end return f()", ":1\r\n"},
      {"return getmetatable('').__index == string", ":1\r\n"},
      {"return loadstring('return 1')()", ":1\r\n"},
      {"return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "*2\r\n" + bulk("7.0.15") + ":458767\r\n"},
  };
  for (const auto& [script, resp] : cases) {
    INFO(script);
    CHECK(eval(host, runner, script) == resp);
  }
}

TEST_CASE("EVALSHA and SCRIPT find scripts by SHA-1 until a flush or a restart", "[lua]") {
  FakeRunner runner;
  LuaHost host(Version::v7_0);
  const std::string sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
  const std::string noscript = "-NOSCRIPT No matching script. Please use EVAL.\r\n";

  CHECK(host.run_evalsha(runner, {sha, "0"}).resp() == noscript);
  CHECK(host.run_evalsha(runner, {"1234", "0"}).resp() == noscript);
  CHECK(host.run_script({"LOAD", "return 1"}).resp() == bulk(sha));
  CHECK(host.run_evalsha(runner, {"E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}).resp() == ":1\r\n");
  CHECK(host.run_script({"exists", sha, "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "abc"}).resp() ==
        "*3\r\n:1\r\n:1\r\n:0\r\n");
  CHECK(host.run_script({"load", "return +"}).resp() ==
        "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'\r\n");
  CHECK(host.run_script({"nosuch"}).resp() == "-ERR unknown subcommand 'nosuch'. Try SCRIPT HELP.\r\n");
  CHECK(host.run_script({"load"}).resp() == "-ERR wrong number of arguments for 'script|load' command\r\n");
  CHECK(host.run_script({"flush", "nosuch"}).resp() == "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n");
  CHECK(host.run_script({"kill"}).resp() == "-NOTBUSY No scripts in execution right now.\r\n");
  CHECK(host.run_script({"help"}).elements.size() == 17);

  CHECK(host.run_script({"flush", "async"}).resp() == "+OK\r\n");
  CHECK(host.run_evalsha(runner, {sha, "0"}).resp() == noscript);
  host.run_script({"load", "return 1"});
  host.reset();
  CHECK(host.run_evalsha(runner, {sha, "0"}).resp() == noscript);

  LuaHost old(Version::v6_2);
  CHECK(old.run_script({"load"}).resp() ==
        "-ERR Unknown subcommand or wrong number of arguments for 'load'. Try SCRIPT HELP.\r\n");
  CHECK(old.run_script({"exists"}).resp() == "*0\r\n");
}

TEST_CASE("7.0 shebangs: flags=no-writes refuses writes, bad shebangs are refused", "[lua]") {
  FakeRunner runner;
  runner.replies["set"] = Reply::ok();
  runner.replies["get"] = Reply::bulk("b");
  LuaHost host(Version::v7_0);
  CHECK(eval(host, runner, "#!lua flags=no-writes\nreturn redis.call('set','a','b')") ==
        "-ERR Write commands are not allowed from read-only scripts. script: "
        "6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n");
  CHECK(eval(host, runner, "#!lua flags=no-writes,allow-oom\nreturn redis.call('get','a')") == bulk("b"));
  CHECK(eval(host, runner, "#!lua\nreturn redis.call('set','a','b')") == "+OK\r\n");
  CHECK(eval(host, runner, "#!lua flags=bogus\nreturn 1") == "-ERR Unexpected flag in script shebang: bogus\r\n");
  CHECK(eval(host, runner, "#!luax\nreturn 1") == "-ERR Unexpected engine in script shebang: #!luax\r\n");
  CHECK(eval(host, runner, "#!lua foo=bar\nreturn 1") == "-ERR Unknown lua shebang option: foo=bar\r\n");
  CHECK(eval(host, runner, "#!lua") == "-ERR Invalid script shebang\r\n");
}

TEST_CASE("a runaway script is stopped, even one that catches errors, and the host goes on", "[lua]") {
  FakeRunner runner;
  LuaHostOptions options;
  options.instruction_limit = 2'000'000;
  options.memory_limit_bytes = std::size_t{8} << 20;
  LuaHost host(Version::v7_0, options);

  std::string looped = eval(host, runner, "local x = 0\nwhile true do x = x + 1 end");
  CHECK(looped.starts_with("-ERR Script stopped by the simulator after 2000000 Lua instructions"));
  CHECK(looped.ends_with("on @user_script:2.\r\n"));
  std::string stubborn = eval(host, runner, "while true do pcall(function() while true do end end) end");
  CHECK(stubborn.starts_with("-ERR Script stopped by the simulator"));
  std::string in_coroutine = eval(host, runner, "coroutine.wrap(function() while true do end end)()");
  CHECK(in_coroutine.starts_with("-ERR"));
  std::string disguised = eval(host, runner, "loadstring('while true do end', '@err_handler_def')()");
  CHECK(disguised.starts_with("-ERR Script stopped by the simulator"));
  CHECK(eval(host, runner, "return 7") == ":7\r\n");

  LuaHostOptions small_memory;
  small_memory.memory_limit_bytes = std::size_t{4} << 20;
  LuaHost tight(Version::v7_0, small_memory);
  std::string hungry = eval(tight, runner, "local t = {} for i = 1, 1e8 do t[i] = i end");
  CHECK(hungry.starts_with("-ERR Error running script "));
  CHECK(hungry.ends_with(", not enough memory\r\n"));
  CHECK(eval(tight, runner, "return 8") == ":8\r\n");

  LuaHost old(Version::v6_2, options);
  std::string old_loop = eval(old, runner, "while true do end");
  CHECK(old_loop.starts_with("-ERR Error running script (call to f_"));
  CHECK(old_loop.find("@user_script:1: Script stopped by the simulator") != std::string::npos);
}

TEST_CASE("an exception from the engine leaves the script and the host usable", "[lua]") {
  ThrowingRunner throwing;
  FakeRunner runner;
  LuaHost host(Version::v7_0);
  CHECK_THROWS_AS(host.run_eval(throwing, {"pcall(redis.call, 'get', 'k') return 1", "0"}), sim::InternalError);
  CHECK(eval(host, runner, "return 2") == ":2\r\n");
}

TEST_CASE("the spec's rate limiter on the engine: 6.2 admits every same-timestamp burst, 7.0 holds the limit",
          "[lua]") {
  std::vector<std::string> same_second(20, "1700000000");
  std::vector<std::string> microseconds;
  for (int i = 0; i < 20; ++i) microseconds.push_back(std::to_string(1'700'000'000'123'400LL + i));

  Server v6(Version::v6_2);
  CHECK(admitted(v6, "rl", same_second, "60", "5") == 20);
  CHECK(v6.run({"ZCARD", "rl"}).integer == 1);
  CHECK(v6.run({"ZRANGE", "rl", "0", "-1"}).elements.at(0).text == "1700000000-0.17082803611217");
  CHECK(admitted(v6, "rl2", microseconds, "60000000", "5") == 20);
  CHECK(v6.run({"ZRANGE", "rl2", "0", "-1"}).elements.at(0).text == "1.7000000001234e+15-0.17082803611217");

  Server v7(Version::v7_0);
  CHECK(admitted(v7, "rl", same_second, "60", "5") == 5);
  CHECK(v7.run({"ZRANGE", "rl", "0", "0"}).elements.at(0).text == "1700000000-0.31869277233197");

  // A fractional window: ZADD happens, then EXPIRE fails, and the write stays.
  Reply fractional = v7.run({"EVAL", rate_limiter, "1", "rl3", "1700000000", "0.5", "5"});
  CHECK(fractional.resp() ==
        "-ERR value is not an integer or out of range script: a0f80e2d8d5687b8302f017e3eebcb9de5670114, on "
        "@user_script:1.\r\n");
  CHECK(v7.run({"ZCARD", "rl3"}).integer == 1);
}

TEST_CASE("on the engine, writes before a failing command stay and in-script refusals read as Redis's", "[lua]") {
  Server v7(Version::v7_0);
  CHECK(v7.run({"EVAL", "redis.call('set', 'a', '1') redis.call('nosuch')", "0"}).resp() ==
        "-ERR Unknown Redis command called from script script: 44036921c2181950a4925ce7760d162aba27aefd, on "
        "@user_script:1.\r\n");
  CHECK(v7.run({"GET", "a"}).resp() == bulk("1"));
  CHECK(v7.run({"EVAL", "return redis.call('eval', 'return 1', '0')", "0"}).resp().starts_with(
      "-ERR This Redis command is not allowed from script script: "));
  CHECK(v7.run({"EVAL", "return redis.call('set', 'k', 1.5)", "0"}).resp() == "+OK\r\n");
  CHECK(v7.run({"GET", "k"}).resp() == bulk("1.5"));

  Server v6(Version::v6_2);
  CHECK(v6.run({"EVAL", "return redis.pcall('wait', 0, 0)", "0"}).resp() ==
        "-@user_script: 1: This Redis command is not allowed from scripts\r\n");
}

TEST_CASE("tostring of a table or function prints a stable stand-in for its address", "[lua]") {
  const std::string script =
      "local t = {} local f = function() end "
      "return {tostring(t), tostring(f), tostring(t), tostring(setmetatable({}, {__tostring = function() return 'mine' "
      "end}))}";
  Server first(Version::v7_0);
  Server second(Version::v7_0);
  Reply a = first.run({"EVAL", script, "0"});
  Reply b = second.run({"EVAL", script, "0"});
  REQUIRE(a.type == Reply::Type::array);
  REQUIRE(a.elements.size() == 4);
  CHECK(a == b);  // two servers, one run: the same text
  CHECK(a.elements[0].text == "table: 0x00000001");
  CHECK(a.elements[1].text == "function: 0x00000002");
  CHECK(a.elements[2].text == a.elements[0].text);  // the same object, the same number
  CHECK(a.elements[3].text == "mine");              // __tostring still decides
  // Numbers, strings, booleans and nil print as Lua prints them.
  CHECK(first.run({"EVAL", "return tostring(1.5) .. tostring(true) .. tostring(nil) .. tostring('x')", "0"}).text ==
        "1.5truenilx");
}

TEST_CASE("a number passed to redis.call becomes the text printf %.17g gives", "[lua]") {
  std::vector<double> values{0.0, -0.0, 1.0, -1.0, 7.0, 1234567.0, -98765.0, 0.5, -2.25, 1e14, 1e15 - 1, 1e15,
                             -1e15, 1e15 + 1, 1e16, 9007199254740992.0, 1e17, 1e18, 1.7e308, 5e-324, 0.1, 1e-7};
  for (std::int64_t i = -1000; i <= 1000; i += 7) values.push_back(static_cast<double>(i) * 1'000'003.0);
  for (double value : values) {
    char expected[64];
    std::snprintf(expected, sizeof expected, "%.17g", value);
    INFO(expected);
    CHECK(lua::number_argument(value) == expected);
  }
}

TEST_CASE("on a read-only replica scripts read, hide expired keys and have their writes refused", "[lua]") {
  Server v7(Version::v7_0);
  v7.run({"SET", "a", "1"});
  v7.ctx.replica = true;
  const std::string write = "return redis.call('set', 'a', '2')";
  CHECK(v7.run({"EVAL", write, "0"}).resp() == "-READONLY You can't write against a read only replica. script: " +
                                                   sha1_hex(write) + ", on @user_script:1.\r\n");
  CHECK(v7.run({"EVAL", "return redis.pcall('set', 'a', '2')['err']", "0"}).resp() ==
        bulk("READONLY You can't write against a read only replica."));
  CHECK(v7.run({"EVAL", "return redis.call('get', 'a')", "0"}).resp() == bulk("1"));
  // A script that declares flags without no-writes does not start on a replica.
  CHECK(v7.run({"EVAL", "#!lua\nreturn 1", "0"}).resp() ==
        "-READONLY Can not run script with write flag on readonly replica\r\n");
  CHECK(v7.run({"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'a')", "0"}).resp() == bulk("1"));
  v7.ctx.replica = false;
  CHECK(v7.run({"GET", "a"}).resp() == bulk("1"));

  Server v6(Version::v6_2);
  v6.ctx.replica = true;
  CHECK(v6.run({"EVAL", "return redis.pcall('set', 'a', '2')['err']", "0"}).resp() ==
        bulk("@user_script: 1: -READONLY You can't write against a read only replica.\r\n"));
  CHECK(v6.run({"GET", "a"}).resp() == "$-1\r\n");
}

TEST_CASE("tonumber's plain decimal path gives strtod's double, bit for bit, on a large corpus", "[lua]") {
  // Strings near the fast path's edges: digits of every length around 15, signs, leading zeros,
  // spaces, points, exponents, hex prefixes and stray letters. What the fast path takes must be
  // exactly what strtod gives for the whole string; what it leaves, strtod still converts.
  std::mt19937_64 random(20261207);
  const std::string alphabet = "0123456789-+ .eExX\t";
  std::size_t taken = 0;
  for (int i = 0; i < 400'000; ++i) {
    std::string text;
    std::size_t length = random() % 20;
    bool digits_only = random() % 2 == 0;
    if (digits_only && random() % 4 == 0) text.push_back('-');
    for (std::size_t j = 0; j < length; ++j)
      text.push_back(digits_only ? static_cast<char>('0' + random() % 10) : alphabet[random() % alphabet.size()]);
    auto fast = lua::plain_decimal(text.data(), text.size());
    std::size_t digits = text.size() - (text.starts_with('-') ? 1 : 0);
    bool plain = digits >= 1 && digits <= 15 &&
                 text.find_first_not_of("0123456789", text.starts_with('-') ? 1 : 0) == std::string::npos;
    INFO(text);
    REQUIRE(fast.has_value() == plain);
    if (!fast) continue;
    ++taken;
    char* end = nullptr;
    double expected = std::strtod(text.c_str(), &end);
    REQUIRE(end == text.c_str() + text.size());
    REQUIRE(std::memcmp(&expected, &*fast, sizeof expected) == 0);
  }
  CHECK(taken > 100'000);
  // -0 keeps its sign, as strtod's does; 16 digits and a plus sign go to Lua's own conversion.
  CHECK(std::signbit(*lua::plain_decimal("-0", 2)));
  CHECK(!lua::plain_decimal("1234567890123456", 16));
  CHECK(!lua::plain_decimal("+1", 2));
  CHECK(!lua::plain_decimal("", 0));
  CHECK(!lua::plain_decimal("-", 1));
}

TEST_CASE("tonumber in a script answers as Lua 5.1's own, errors included", "[lua]") {
  Server server(Version::v7_0);
  auto number = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{"EVAL",
                                  "local n = tonumber(unpack(ARGV)) "
                                  "if n == nil then return 'nil' end return string.format('%.17g', n)",
                                  "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    Reply reply = server.run(argv);
    REQUIRE(reply.type == Reply::Type::bulk);
    return reply.text;
  };
  CHECK(number({"42"}) == "42");
  CHECK(number({"-0"}) == "-0");
  CHECK(number({"007"}) == "7");
  CHECK(number({"999999999999999"}) == "999999999999999");
  CHECK(number({"12345678901234567890"}) == "1.2345678901234567e+19");
  CHECK(number({" 12 "}) == "12");
  CHECK(number({"0x1F"}) == "31");
  CHECK(number({"1e3"}) == "1000");
  CHECK(number({"0.1"}) == "0.10000000000000001");
  CHECK(number({"+5"}) == "5");
  CHECK(number({"12abc"}) == "nil");
  CHECK(number({""}) == "nil");
  CHECK(number({"z", "36"}) == "35");
  CHECK(number({"ff", "16"}) == "255");
  CHECK(number({"8", "8"}) == "nil");
  CHECK(server.run({"EVAL", "return tonumber(nil)", "0"}).type == Reply::Type::null_bulk);
  CHECK(server.run({"EVAL", "return tonumber(3.5) == 3.5", "0"}).integer == 1);
  Reply missing = server.run({"EVAL", "return tonumber()", "0"});
  CHECK(missing.text.find("bad argument #1 to 'tonumber' (value expected)") != std::string::npos);
  Reply base = server.run({"EVAL", "return tonumber('10', 99)", "0"});
  CHECK(base.text.find("bad argument #2 to 'tonumber' (base out of range)") != std::string::npos);
}
