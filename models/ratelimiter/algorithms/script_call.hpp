// One decision as a Redis command: the EVALSHA (or EVAL) a server sends for one key, and what the reply
// means. The arguments follow scripts.hpp; the units follow the options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/ratelimiter/algorithms/limit.hpp"
#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/options.hpp"
#include "models/redis/engine/reply.hpp"

namespace ratelimiter {

/// How a server names the script: by its SHA-1 first, as client libraries do (redis-py's
/// Script, Jedis, ioredis), and by its body only after the server answered NOSCRIPT (a fresh
/// process, a failover to a replica that never saw the script, SCRIPT FLUSH).
enum class ScriptBy { sha, body };

/// EVALSHA <sha1> (or EVAL <script>) 1 <key> <window> <limit> <now> [algorithm's extras],
/// `now` being the server's wall clock (ignored with now: redis_time).
std::vector<std::string> decision_command(const RateLimiterOptions& options, const std::string& key, const Limit& limit,
                                          sim::WallTime now, ScriptBy by = ScriptBy::sha);

/// Whether the command takes the request's id after its other arguments (member: request_id).
bool uses_request_id(const RateLimiterOptions& options);

/// Whether `reply` is Redis's NOSCRIPT: the script must be sent by body.
bool is_noscript(const redis::Reply& reply);

/// The decision a script's reply carries; nullopt when the reply is not one (an error reply,
/// or a shape the script never returns).
std::optional<Decision> read_decision(const RateLimiterOptions& options, const redis::Reply& reply);

}  // namespace ratelimiter
