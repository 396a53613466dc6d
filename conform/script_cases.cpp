// The fixed script cases: math.random across EVAL calls, the spec's sliding-window rate limiter
// with the argument cases of the reference's section 4.6, and the distlock page's lock scripts.
#include <fmt/format.h>

#include <algorithm>

#include "conform/sequences.hpp"
#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/redis/lua/sha1.hpp"

namespace conform {

namespace {

// Appends the steps of one named case.
struct Case {
  std::vector<Step>& steps;
  std::string name;

  void add(Argv argv, bool shows_random = false) { steps.push_back(Step{std::move(argv), name, shows_random, false}); }
};

const std::string draw_script = "return string.format('%.17g', math.random())";

void math_random_cases(std::vector<Step>& steps) {
  steps.push_back(Step{{"EVAL", draw_script, "0"}, "math.random probe", true, true});
  Case c{steps, "math.random"};
  for (int i = 0; i < 3; ++i) {
    c.add({"EVAL", "return {math.random(100), math.random(5, 10), string.format('%.17g', math.random())}", "0"}, true);
  }
  c.add({"EVAL", "return tostring(math.random())", "0"}, true);
  c.add({"EVAL", draw_script, "0"}, true);
  // Argument errors: the reply carries Lua's message, not a number.
  c.add({"EVAL", "return math.random(0)", "0"});
  c.add({"EVAL", "return math.random(3, 1)", "0"});
  c.add({"EVAL", "return math.random(1, 2, 3)", "0"});
  // randomseed moves the process-wide stream; the draws after it are known on any server.
  c.add({"EVAL", "math.randomseed(42) return string.format('%.17g', math.random())", "0"}, true);
  c.add({"EVAL", draw_script, "0"}, true);
}

// Runs the spec's script once: KEYS[1] key, ARGV window, limit, now (the spec's order).
Argv limiter(const std::string& key, const std::string& window, const std::string& limit, const std::string& now) {
  return {"EVAL", ratelimiter::spec_sliding_window_log_script(), "1", key, window, limit, now};
}

// The members hold math.random draws (now .. '-' .. math.random()): reading them shows the stream.
void read_back(Case& c, const std::string& key) {
  c.add({"ZCARD", key});
  c.add({"ZRANGE", key, "0", "-1", "WITHSCORES"}, true);
  c.add({"TTL", key});
}

// RL1': a burst with one timestamp, in seconds and in ms; 7.0 admits exactly the limit.
void burst_cases(std::vector<Step>& steps, const std::string& prefix) {
  for (const auto& [unit, now] : {std::pair{"s", "1700000000"}, std::pair{"ms", "1700000000123"}}) {
    Case c{steps, fmt::format("rate limiter RL1' burst, now in {}", unit)};
    std::string key = prefix + "rl:burst-" + unit;
    for (int i = 0; i < 20; ++i) c.add(limiter(key, "60", "5", now));
    read_back(c, key);
  }
  Case c{steps, "rate limiter RL2 microsecond now"};
  std::string key = prefix + "rl:us";
  for (int i = 0; i < 20; ++i) c.add(limiter(key, "60", "5", std::to_string(1700000000123400LL + i)));
  read_back(c, key);
}

// RL3 and RL4: now and window in different units.
void unit_cases(std::vector<Step>& steps, const std::string& prefix) {
  Case ms{steps, "rate limiter RL3 now in ms, window in s"};
  std::string key = prefix + "rl:units-ms";
  for (std::int64_t offset : {0, 10, 20, 30, 59, 61, 70, 130, 131, 132, 133}) {
    ms.add(limiter(key, "60", "3", std::to_string(1700000000000LL + offset)));
  }
  read_back(ms, key);
  Case s{steps, "rate limiter RL4 now in s, window in ms"};
  key = prefix + "rl:units-s";
  for (std::int64_t offset : {0, 100, 200, 300, 3600, 59999, 60000, 60101, 60201}) {
    s.add(limiter(key, "60000", "3", std::to_string(1700000000LL + offset)));
  }
  read_back(s, key);
}

// RL8: bad parameters, each as a real server takes it.
void bad_parameter_cases(std::vector<Step>& steps, const std::string& prefix) {
  Case frac{steps, "rate limiter RL8 fractional window"};
  std::string key = prefix + "rl:frac";
  for (int i = 0; i < 2; ++i) frac.add(limiter(key, "1.5", "3", "1700000000"));  // EXPIRE fails after ZADD
  read_back(frac, key);
  Case zero{steps, "rate limiter RL8 zero window"};
  key = prefix + "rl:zero";
  for (int i = 0; i < 3; ++i) {
    zero.add(limiter(key, "0", "3", "1700000000"));  // EXPIRE key 0 deletes the key
    zero.add({"EXISTS", key});
  }
  Case negative{steps, "rate limiter RL8 negative now"};
  key = prefix + "rl:negative";
  for (int i = 0; i < 5; ++i) negative.add(limiter(key, "60", "3", std::to_string(-5 - 100 * i)));
  read_back(negative, key);
  Case bad{steps, "rate limiter RL8 unusable arguments"};
  key = prefix + "rl:bad";
  bad.add(limiter(key, "60", "abc", "1700000000"));  // count < nil
  bad.add({"EVAL", ratelimiter::spec_sliding_window_log_script(), "1", key});  // tonumber(nil)
  bad.add({"EVAL", ratelimiter::spec_sliding_window_log_script(), "0"});       // KEYS[1] is nil
  bad.add(limiter(key, "sixty", "3", "1700000000"));  // now - nil
  bad.add({"SET", key, "a string"});
  bad.add(limiter(key, "60", "3", "1700000000"));  // WRONGTYPE inside the script
  bad.add({"EXISTS", key});
}

const std::string lock_token_1 = "client-1-9f86d081884c";
const std::string lock_token_2 = "client-2-3a7bd3e2360a";

void lock_cases(std::vector<Step>& steps, const std::string& prefix) {
  std::string key = prefix + "lock:resource";
  // The TTL is long: the steps run milliseconds apart, and the harness reads PTTL in tolerance.
  Case acquire{steps, "lock acquire"};
  acquire.add({"SET", key, lock_token_1, "NX", "PX", "600000"});
  acquire.add({"SET", key, lock_token_2, "NX", "PX", "600000"});
  acquire.add({"GET", key});
  Case extend{steps, "lock extend"};
  extend.add({"EVAL", lock_extend_script(), "1", key, lock_token_2, "900000"});
  extend.add({"PTTL", key});
  extend.add({"EVAL", lock_extend_script(), "1", key, lock_token_1, "900000"});
  extend.add({"PTTL", key});
  extend.add({"EVAL", lock_extend_script(), "1", key, lock_token_1, "abc"});
  Case release{steps, "lock release"};
  release.add({"EVAL", lock_release_script(), "1", key, lock_token_2});
  release.add({"GET", key});
  release.add({"EVAL", lock_release_script(), "1", key, lock_token_1});
  release.add({"GET", key});
  release.add({"EVAL", lock_release_script(), "1", key, lock_token_1});
  release.add({"EVAL", lock_extend_script(), "1", key, lock_token_1, "900000"});
  release.add({"SET", key, lock_token_2, "NX", "PX", "600000"});
  release.add({"EVAL", lock_extend_script(), "1", key, lock_token_2, "-1"});  // deletes the key
  release.add({"EXISTS", key});
}

void lock_edge_cases(std::vector<Step>& steps, const std::string& prefix) {
  std::string key = prefix + "lock:cached";
  std::string release_sha = redis::sha1_hex(lock_release_script());
  std::string extend_sha = redis::sha1_hex(lock_extend_script());
  Case cached{steps, "lock scripts by EVALSHA"};
  cached.add({"SCRIPT", "LOAD", lock_release_script()});
  cached.add({"SCRIPT", "LOAD", lock_extend_script()});
  cached.add({"SCRIPT", "EXISTS", release_sha, extend_sha});
  cached.add({"SET", key, lock_token_1, "NX", "PX", "600000"});
  cached.add({"EVALSHA", extend_sha, "1", key, lock_token_1, "900000"});
  cached.add({"PTTL", key});
  cached.add({"EVALSHA", release_sha, "1", key, lock_token_2});
  cached.add({"EVALSHA", release_sha, "1", key, lock_token_1});
  cached.add({"EVALSHA", release_sha, "1", key, lock_token_1});
  Case odd{steps, "lock scripts with unusable arguments"};
  key = prefix + "lock:odd";
  odd.add({"HSET", key, "owner", lock_token_1});
  odd.add({"EVAL", lock_release_script(), "1", key, lock_token_1});  // GET on a hash
  odd.add({"EVAL", lock_extend_script(), "1", key, lock_token_1, "900000"});
  odd.add({"EVAL", lock_release_script(), "0"});  // redis.call("get", nil)
  odd.add({"EVAL", lock_release_script(), "1", key});  // ARGV[1] is nil: never equal
  odd.add({"EVAL", lock_release_script(), "2", key});  // more keys than arguments
  odd.add({"EVALSHA", release_sha, "-1", key, lock_token_1});
}

}  // namespace

const std::string& lock_release_script() {
  static const std::string text =
      R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end)";
  return text;
}

const std::string& lock_extend_script() {
  static const std::string text =
      R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("pexpire",KEYS[1],ARGV[2]) else return 0 end)";
  return text;
}

std::vector<Step> script_cases(const std::string& key_prefix) {
  std::vector<Step> steps;
  math_random_cases(steps);
  burst_cases(steps, key_prefix);
  unit_cases(steps, key_prefix);
  bad_parameter_cases(steps, key_prefix);
  lock_cases(steps, key_prefix);
  lock_edge_cases(steps, key_prefix);
  return steps;
}

std::vector<std::string> script_case_keys(const std::string& key_prefix) {
  std::vector<std::string> keys;
  for (const char* leaf : {"rl:burst-s", "rl:burst-ms", "rl:us", "rl:units-ms", "rl:units-s", "rl:frac", "rl:zero",
                           "rl:negative", "rl:bad", "lock:resource", "lock:cached", "lock:odd"}) {
    keys.push_back(key_prefix + leaf);
  }
  return keys;
}

}  // namespace conform
