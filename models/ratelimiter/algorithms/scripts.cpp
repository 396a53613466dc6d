#include "models/ratelimiter/algorithms/scripts.hpp"

#include "sim/kernel/assert.hpp"

namespace ratelimiter {
namespace {

// Problem 1, "Redis Lua Script (Atomic Operation)". Only the layout differs from the printed
// text (which puts spaces around every bracket and dot); the tokens are the spec's.
const char* const spec_script = R"lua(-- KEYS[1] = rate limit key
-- ARGV[1] = window size in seconds
-- ARGV[2] = max requests allowed
-- ARGV[3] = current timestamp
local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local window_start = now - window
-- Remove old entries
redis.call('ZREMRANGEBYSCORE', key, 0, window_start)
-- Count current entries
local count = redis.call('ZCARD', key)
if count < limit then
  -- Add current request
  redis.call('ZADD', key, now, now .. '-' .. math.random())
  redis.call('EXPIRE', key, window)
  return 1 -- Allowed
else
  return 0 -- Denied
end
)lua";

const char* const caller_now = "local now = tonumber(ARGV[3])\n";

// TIME answers {seconds, microseconds}; ARGV[3] says which unit `now` counts.
const char* const redis_now = R"lua(redis.replicate_commands()
local time = redis.call('TIME')
local now = tonumber(time[1])
if ARGV[3] == 'ms' then
  now = now * 1000 + math.floor(tonumber(time[2]) / 1000)
elseif ARGV[3] == 'us' then
  now = now * 1000000 + tonumber(time[2])
end
)lua";

// ARGV[4] = tokens the bucket holds, ARGV[5] = tokens added per window, ARGV[6] = expiry in ms
const char* const token_bucket = R"lua(local key = KEYS[1]
local window = tonumber(ARGV[1])
local capacity = tonumber(ARGV[4])
local refill = tonumber(ARGV[5])
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
elseif now > at then
  tokens = math.min(capacity, tokens + (now - at) * refill / window)
  at = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tokens, 'at', at)
redis.call('PEXPIRE', key, ARGV[6])
return allowed
)lua";

// ARGV[4] = intervals of waiting the queue holds, ARGV[5] = expiry in ms.
// Returns {1, wait} (wait in now's unit, as text: a Lua number reply would be truncated to an
// integer) or {0, '0'}. redis.call passes numbers with 17 digits; tostring would keep only 14.
const char* const leaky_bucket = R"lua(local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local capacity = tonumber(ARGV[4])
local interval = window / limit
local slot = now
local next_free = tonumber(redis.call('GET', key))
if next_free ~= nil and next_free > now then
  slot = next_free
end
local wait = slot - now
if wait > interval * capacity then
  return {0, '0'}
end
redis.call('SET', key, slot + interval, 'PX', ARGV[5])
return {1, string.format('%.17g', wait)}
)lua";

// ARGV[4] = expiry in ms
const char* const fixed_window = R"lua(local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local current = math.floor(now / window)
local count = 0
local state = redis.call('HMGET', key, 'window', 'count')
if tonumber(state[1]) == current then
  count = tonumber(state[2])
end
if count >= limit then
  return 0
end
redis.call('HSET', key, 'window', current, 'count', count + 1)
redis.call('PEXPIRE', key, ARGV[4])
return 1
)lua";

// ARGV[4] = expiry in ms
const char* const sliding_window_counter = R"lua(local key = KEYS[1]
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local current = math.floor(now / window)
local elapsed = now - current * window
local state = redis.call('HMGET', key, 'window', 'count', 'previous')
local at = tonumber(state[1])
local count = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
if at ~= current then
  if at == current - 1 then
    previous = count
  else
    previous = 0
  end
  count = 0
end
if previous * (window - elapsed) / window + count >= limit then
  return 0
end
redis.call('HSET', key, 'window', current, 'count', count + 1, 'previous', previous)
redis.call('PEXPIRE', key, ARGV[4])
return 1
)lua";

const char* const hybrid_sync = R"lua(local totals = {}
for i = 1, #KEYS do
  local add = tonumber(ARGV[i + 1])
  if add > 0 then
    totals[i] = redis.call('INCRBY', KEYS[i], add)
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  else
    totals[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
end
return totals
)lua";

// The spec's script with its `now` line replaced by Redis TIME.
std::string spec_script_with_redis_time() {
  std::string text = spec_script;
  std::string line = caller_now;
  auto at = text.find(line);
  SIM_ASSERT(at != std::string::npos, "the spec's script reads now from ARGV[3]");
  text.replace(at, line.size(), redis_now);
  return text;
}

// The spec's script adding ARGV[4], the caller's request id, as its member: unique per request,
// whatever math.random draws and whatever the unit of now.
std::string with_request_id(std::string text) {
  const std::string member = "now .. '-' .. math.random()";
  auto at = text.find(member);
  SIM_ASSERT(at != std::string::npos, "the spec's script adds now .. '-' .. math.random()");
  text.replace(at, member.size(), "ARGV[4]");
  return "-- ARGV[4] = a request id, unique per request\n" + text;
}

const char* body_of(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::token_bucket: return token_bucket;
    case Algorithm::leaky_bucket: return leaky_bucket;
    case Algorithm::fixed_window: return fixed_window;
    case Algorithm::sliding_window_counter: return sliding_window_counter;
    case Algorithm::sliding_window_log: break;
  }
  return "";
}

std::string build(Algorithm algorithm, NowSource source) {
  if (algorithm == Algorithm::sliding_window_log)
    return source == NowSource::caller ? std::string(spec_script) : spec_script_with_redis_time();
  return std::string(source == NowSource::caller ? caller_now : redis_now) + body_of(algorithm);
}

}  // namespace

const std::string& spec_sliding_window_log_script() {
  static const std::string text = spec_script;
  return text;
}

const std::string& decision_script(Algorithm algorithm, NowSource source, Member member) {
  if (algorithm == Algorithm::sliding_window_log && member == Member::request_id) {
    static const std::string scripts[2] = {with_request_id(build(algorithm, NowSource::caller)),
                                           with_request_id(build(algorithm, NowSource::redis_time))};
    return scripts[static_cast<int>(source)];
  }
  // Built once per (algorithm, source), in a fixed table: no map, nothing to iterate.
  static const std::string scripts[5][2] = {
      {build(Algorithm::token_bucket, NowSource::caller), build(Algorithm::token_bucket, NowSource::redis_time)},
      {build(Algorithm::leaky_bucket, NowSource::caller), build(Algorithm::leaky_bucket, NowSource::redis_time)},
      {build(Algorithm::fixed_window, NowSource::caller), build(Algorithm::fixed_window, NowSource::redis_time)},
      {build(Algorithm::sliding_window_log, NowSource::caller),
       build(Algorithm::sliding_window_log, NowSource::redis_time)},
      {build(Algorithm::sliding_window_counter, NowSource::caller),
       build(Algorithm::sliding_window_counter, NowSource::redis_time)},
  };
  return scripts[static_cast<int>(algorithm)][static_cast<int>(source)];
}

const std::string& sync_script() {
  static const std::string text = hybrid_sync;
  return text;
}

}  // namespace ratelimiter
