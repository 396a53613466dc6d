// What one rate limiter decision costs before any simulation happens around it: the parts of
// a simulated request measured one at a time, in the benchmark's own process, with the
// benchmark scenario's settings (bench/ratelimiter/million-users.yaml: one million users,
// Zipf 1.0, a fifth of them paid, the sliding window counter's script, now in seconds from the
// caller, one decision every 5 us of wall-clock time as 200,000 requests a second give).
//
// - bare_lua: the decision script in a bare Lua 5.1 state, with a redis.call written in C
//   against the same table: the interpreter alone, the least any EVAL of this script can cost.
// - script_alone: the decision script through the LuaHost (EVALSHA: KEYS and ARGV built, the
//   compiled function called, its redis.calls answered), with redis.call answered by a stub
//   that keeps each key's hash fields in a flat table: Lua 5.1 and the host, nothing else.
// - on_engine: the same EVALSHA on a real Engine holding one master's share of the keys (the
//   users whose keys hash to the first of three cluster masters' slot ranges).
//
// All three replay one sequence of users (a fixed seed), one decision every 5 us; on_engine
// keeps the requests the first master would get, at their times in the sequence. The figures
// are CPU time of this thread, per decision, after a warm-up, and the share admitted.
#pragma once

#include <cstdint>
#include <string>

namespace bench {

/// One figure: CPU per decision, and the share of the decisions that admitted (so figures
/// taken over different request mixes are not compared unawares).
struct DecisionCost {
  double ns = 0;
  double admitted_share = 0;
};

struct DecisionFloors {
  DecisionCost bare_lua;
  DecisionCost script_alone;
  DecisionCost on_engine;
  std::uint64_t decisions = 0;         ///< drawn for bare_lua and script_alone, a sixth of them warm-up
  std::uint64_t engine_decisions = 0;  ///< the first master's share of them, for on_engine
};

/// About `decisions` measured decisions (and a fifth as many more to warm up).
DecisionFloors measure_decision_floors(std::uint64_t decisions);

/// The same decision stream (users, limits, arguments, the script by its SHA-1) replayed to a
/// real redis-server in pipelined batches: the server's CPU per decision, read from
/// /proc/<pid>/stat after a warm-up of a sixth.
struct RealServerCost {
  double ns = 0;
  double admitted_share = 0;
  std::uint64_t decisions = 0;
  std::string version;
};
RealServerCost measure_real_server(std::uint64_t decisions);

}  // namespace bench
