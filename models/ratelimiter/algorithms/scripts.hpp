// The Lua scripts the central placement runs (by EVALSHA, and EVAL after a NOSCRIPT), one per
// algorithm, each deciding one request for one key atomically. Every script takes its arguments
// in the spec's order:
// KEYS[1] the key, ARGV[1] the window, ARGV[2] the limit, ARGV[3] now, then what the algorithm
// needs besides (documented at each script). Window and now are in the units the options name,
// so a caller that passes ms timestamps with a window in seconds gets a 60 ms window, as a real
// one would.
//
// With `now: redis_time` each script reads TIME instead of ARGV[3] (ARGV[3] then names the unit,
// "s", "ms" or "us") and first calls redis.replicate_commands(): without it Redis 6.2 refuses a
// write after TIME ("Write commands not allowed after non deterministic commands").
#pragma once

#include <string>

#include "models/ratelimiter/options.hpp"

namespace ratelimiter {

/// Problem 1's sliding-window-log script, token for token as the spec prints it.
const std::string& spec_sliding_window_log_script();

/// The script for `algorithm` with `now` taken from `source`; the sliding window log's adds
/// `member` (with request_id, ARGV[4] is the request's id).
const std::string& decision_script(Algorithm algorithm, NowSource source, Member member = Member::random);

/// hybrid: adds each server's counts to per-window counters and reads back the totals.
/// KEYS: counters; ARGV[1]: expiry in ms; ARGV[i + 1]: the count to add to KEYS[i] (0: read
/// only). Returns the totals, in KEYS order.
const std::string& sync_script();

}  // namespace ratelimiter
