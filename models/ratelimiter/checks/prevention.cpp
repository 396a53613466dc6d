#include "models/ratelimiter/checks/findings.hpp"

#include <fmt/format.h>

namespace ratelimiter {
namespace {

bool units_differ(const RateLimiterOptions& options) {
  return options.placement == Placement::redis && options.now_unit != options.window_unit;
}

std::string units() {
  return "Pass the window and now in one unit: the spec's script subtracts ARGV[1] from ARGV[3] as plain numbers, so "
         "a window of 60 (seconds) against now in milliseconds is a 60 ms window, and the reverse a 16-hour one.";
}

bool violated(const std::vector<sim::CheckResult>& checks, std::string_view name) {
  for (const sim::CheckResult& check : checks)
    if (check.name == name) return !check.held;
  return false;
}

// When Redis failed during the run, what the failure let through.
std::string admitted_without_redis(const RateLimiterOptions& options) {
  if (options.on_redis_failure == FailurePolicy::fail_open)
    return "Failing open let every request through while Redis did not answer: fall back to per-server limits "
           "(local_fallback) so the excess stays bounded.";
  if (options.on_redis_failure == FailurePolicy::local_fallback)
    return "The servers' fallback shares came on top of what Redis had already admitted in the minute, and Redis never "
           "learned of them: the excess is bounded by the shares; smaller shares cut it further.";
  if (options.redis.replicas > 0)
    return "The promoted replica lacked the admissions the old master had not yet replicated, so those users' logs "
           "came back short: keep replication lag low, or WAIT for a replica before admitting.";
  return "";
}

const char* unit_word(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::s: return "second";
    case TimeUnit::ms: return "millisecond";
    case TimeUnit::us: return "microsecond";
  }
  return "unit";
}

/// A Redis server that restarted with its data (so its log kept the members written before).
bool restarted_with_data(const RateLimiterOptions& options, const Observations& observations) {
  if (options.redis.persistence == redis::Persistence::none) return false;
  for (const RedisMemory& server : observations.redis)
    if (server.boots > 1) return true;
  return false;
}

// Redis 7.0 seeds math.random once per process, with the same fixed state every time, and
// replaying the AOF runs the scripts' effects, not the scripts: a restarted server draws the
// numbers of the old process again, and a member written in the same unit of now repeats.
bool member_may_repeat(const RateLimiterOptions& options, const Observations& observations) {
  return options.placement == Placement::redis && options.algorithm == Algorithm::sliding_window_log &&
         options.member == Member::random && options.redis.version == redis::Version::v7_0 &&
         restarted_with_data(options, observations);
}

std::string repeated_member(const RateLimiterOptions& options) {
  return fmt::format(
      "Redis restarted with its log, and Redis 7.0's math.random starts every process from the same fixed state, "
      "which replaying the AOF does not advance: after the restart the spec's script drew the same numbers as the "
      "old process, so a member now .. '-' .. math.random() written before the crash, in the same {} of now, came "
      "again; ZADD of an existing member adds nothing, ZCARD did not grow, and the script admitted past the limit. "
      "Make the member unique: pass a request id as an argument and ZADD it (member: request_id).",
      unit_word(options.now_unit));
}

std::string skewed_caller(const RateLimiterOptions& options) {
  if (options.placement == Placement::redis)
    return "Take now from Redis TIME inside the script (now: redis_time), so that every decision reads one clock "
           "however the API servers' clocks are set.";
  return "Keep the API servers' clocks in step (NTP), or keep the count where one clock decides: Redis, with now "
         "from Redis TIME.";
}

std::string over_admission(const RateLimiterOptions& options, const Observations& observations,
                           const std::vector<sim::CheckResult>& checks) {
  if (units_differ(options)) return units();
  if (violated(checks, "redis_unavailable") && !admitted_without_redis(options).empty())
    return admitted_without_redis(options);
  if (member_may_repeat(options, observations)) return repeated_member(options);
  if (skewed_clock_decides(options, observations)) return skewed_caller(options);
  if (options.placement == Placement::local)
    return "Each API server enforces the whole limit on its own, so a user spread over N servers gets up to N times "
           "it: keep the count in one shared store (Redis), or give each server limit / N.";
  if (options.algorithm == Algorithm::fixed_window)
    return "A fixed window forgets everything at its boundary, so a burst at the end of one window and another at the "
           "start of the next admit twice the limit within seconds: use a sliding window (log or counter).";
  if (options.placement == Placement::redis && options.algorithm == Algorithm::sliding_window_log &&
      options.redis.version == redis::Version::v6_2)
    return "Redis 6.2 reseeds math.random() with 0 at the start of every EVAL, so every request with the same now adds "
           "the same member (now-0.17082803611217) and the log counts them once: make the member unique (a request "
           "id), call redis.replicate_commands() first, or run Redis 7.";
  if (options.placement == Placement::hybrid)
    return "Between syncs each server decides with the totals it last read: shorten sync_interval, or give each server "
           "a share of what is left of the limit until the next sync.";
  if (options.algorithm == Algorithm::sliding_window_counter)
    return "The sliding window counter assumes the previous window's requests were spread evenly; bursty users beat "
           "it by up to the previous window's count: use the log where the limit must be exact.";
  return "Admissions went past the limit while Redis decided: the log lives only as long as Redis keeps it. A "
         "wall-clock "
         "step on Redis expires keys early (EXPIRE runs on its wall clock), a restart without persistence or a "
         "failover that loses unreplicated writes forgets admissions, and callers' clocks that disagree shift the "
         "window: read now from Redis TIME, persist with appendfsync always, and WAIT for a replica on failover.";
}

std::string false_rejections(const RateLimiterOptions& options, const Observations& observations) {
  if (units_differ(options)) return units();
  if (options.uses_redis() && options.on_redis_failure == FailurePolicy::fail_closed)
    return "Failing closed turns a Redis outage into an outage of the API for every user: fall back to local limits "
           "(each server enforcing limit / servers) until Redis answers again.";
  if (options.uses_redis() && options.on_redis_failure == FailurePolicy::local_fallback)
    return "Each server's share of the limit is exact only when the load balancer splits a user evenly; a user "
           "unlucky in the split is rejected early while Redis is down.";
  if (skewed_clock_decides(options, observations)) return skewed_caller(options);
  if (options.ip_limit && options.placement == Placement::redis)
    return "The account key is checked first and records the request even when the IP key then rejects it, so a "
           "user's log fills with requests that never went through: check both keys before recording either (one "
           "script over both keys), or undo the account's entry when the IP rejects.";
  if (options.algorithm == Algorithm::token_bucket)
    return "A token bucket refills at a steady rate, so a user who spent a burst waits for tokens even with room left "
           "in the trailing window: raise bucket_capacity, or accept it as the price of smoothing.";
  if (options.algorithm == Algorithm::leaky_bucket)
    return "A leaky bucket rejects once its queue is full, even while the trailing window has room: raise "
           "queue_capacity (which adds waiting) or use a token bucket.";
  return "Rejections came while the trailing window had room: the limiter's view of the window was not true time "
         "(skewed or stepped clocks, an approximate algorithm).";
}

std::string added_latency(const RateLimiterOptions& options) {
  if (options.algorithm == Algorithm::leaky_bucket)
    return "A leaky bucket delays admitted requests until their slot, by up to queue_capacity intervals: a token "
           "bucket shapes the same traffic without holding requests.";
  if (options.placement == Placement::redis)
    return "Every decision is a round trip to Redis and its queue: keep Redis in the same zone, shard it, or decide "
           "locally and sync periodically (hybrid).";
  return "The limiter's own work exceeded the budget: keep its state in memory and its critical section short.";
}

std::string redis_unavailable(const RateLimiterOptions& options) {
  std::string text =
      "Redis did not answer, so the failure policy decided instead: replicas with automatic failover shorten the "
      "outage, and a timeout well under the latency budget keeps callers from waiting on it.";
  if (options.on_redis_failure == FailurePolicy::fail_open)
    text += " Failing open let every user through meanwhile; local_fallback keeps a per-server limit.";
  return text;
}

std::string redis_memory(const RateLimiterOptions& options) {
  if (options.algorithm == Algorithm::sliding_window_log)
    return "The log keeps one sorted-set entry per admitted request, up to the limit per user: a sliding window "
           "counter keeps two counters per user for nearly the same accuracy.";
  return "Shard the keys over more masters (Redis Cluster), or keep shorter expiries.";
}

std::string sentence_for(const std::string& check, const RateLimiterOptions& options, const Observations& observations,
                         const std::vector<sim::CheckResult>& checks) {
  if (check == "over_admission") return over_admission(options, observations, checks);
  if (check == "false_rejections") return false_rejections(options, observations);
  if (check == "added_latency") return added_latency(options);
  if (check == "redis_unavailable") return redis_unavailable(options);
  return redis_memory(options);
}

}  // namespace

std::string prevention(const RateLimiterOptions& options, const Observations& observations,
                       const std::vector<sim::CheckResult>& checks) {
  const sim::CheckResult* check = sim::earliest_violation(checks);
  if (!check) return "";
  std::string sentence = sentence_for(check->name, options, observations, checks);
  // Admitting past the limit matters more than whatever broke first: say how to prevent it too.
  for (const sim::CheckResult& other : checks)
    if (&other != check && other.name == "over_admission" && !other.held)
      sentence += " Against the over-admission: " + over_admission(options, observations, checks);
  return sentence;
}

}  // namespace ratelimiter
