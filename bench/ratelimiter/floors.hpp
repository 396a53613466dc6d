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
// Both draw the same users in the same order (a fixed seed), so the figures are comparable
// from run to run; both are CPU time of this thread, per decision, after a warm-up.
#pragma once

#include <cstdint>

namespace bench {

struct DecisionFloors {
  double bare_lua_ns = 0;
  double script_alone_ns = 0;
  double on_engine_ns = 0;
  std::uint64_t decisions = 0;  ///< measured in each
  double admitted_share = 0;    ///< of the decisions on the engine, as a sanity figure
};

DecisionFloors measure_decision_floors(std::uint64_t decisions);

}  // namespace bench
