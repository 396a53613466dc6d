// The rate limiter model's options: one field per key of a scenario's `params:`.
//
// The problem: at most 100 requests per user per minute, across horizontally scaled API
// servers, with under 5 ms of added latency, for millions of users. The options choose the
// algorithm, where its state lives, what the caller passes as `now` and in which units, and
// what a server does when Redis does not answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/ratelimiter/algorithms/limit.hpp"
#include "models/redis/options.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace ratelimiter {

enum class Algorithm { token_bucket, leaky_bucket, fixed_window, sliding_window_log, sliding_window_counter };
/// local: each API server's memory, each enforcing the whole limit on its own; redis: one
/// shared store, every decision a script; hybrid: local counts synced to Redis periodically.
enum class Placement { local, redis, hybrid };
/// Where `now` comes from in a Redis script: the API server's wall clock, passed as ARGV (the
/// spec), or Redis TIME read inside the script.
enum class NowSource { caller, redis_time };
/// The member the sliding window log's script adds for a request: the spec's
/// `now .. '-' .. math.random()`, or a request id the caller passes as ARGV[4], unique per request.
enum class Member { random, request_id };
enum class TimeUnit { s, ms, us };
/// What a server decides when its Redis call fails or times out.
enum class FailurePolicy { fail_open, fail_closed, local_fallback };
enum class Arrival { poisson, constant };
enum class Tier : std::uint8_t { free, paid };

const char* to_string(Algorithm algorithm);
const char* to_string(Placement placement);
const char* to_string(NowSource source);
const char* to_string(TimeUnit unit);
const char* to_string(FailurePolicy policy);
const char* to_string(Arrival arrival);
const char* to_string(Tier tier);

/// A burst on top of the steady traffic: users 0 .. users-1 (the busiest) each send
/// `requests` requests, spread evenly over [at, at + over).
struct Burst {
  sim::Duration at;
  std::int64_t users = 1;
  std::int64_t requests = 1;
  sim::Duration over = sim::Duration::zero();
};

struct RateLimiterOptions {
  // --- API servers ----------------------------------------------------------------------
  int server_count = 4;                                ///< `servers`: api-0 .. api-(n-1); 1..1000
  sim::Duration skew_spread = sim::Duration::zero();  ///< `skew_spread`: wall-clock skews uniform in +-spread
  std::vector<std::pair<int, sim::Duration>> skews;    ///< `skew`: {api-1: +2s}, overriding the spread
  /// `local_cost`: CPU time of one in-memory decision, added to every local or hybrid decision.
  sim::Duration local_cost = sim::Duration::microseconds(2);

  // --- users and traffic -------------------------------------------------------------------
  std::int64_t user_count = 10'000;  ///< `users`: 1 .. 10,000,000
  double user_skew = 1.0;            ///< `user_skew`: Zipf exponent of user activity; 0 is uniform
  sim::Rate rate{2000, sim::Duration::seconds(1)};  ///< `rate`: all users together; > 0
  Arrival arrival = Arrival::poisson;                ///< `arrival`
  std::vector<Burst> bursts;                         ///< `bursts`: [{at, users, requests, over}]

  // --- limits ------------------------------------------------------------------------------
  Limit free_limit;                      ///< `free_limit`: "100/min"
  Limit paid_limit{1000, sim::Duration::minutes(1), 250, 750};  ///< `paid_limit`: "1000/min"
  sim::Ratio paid_share{0, 1};           ///< `paid_share`: users on the paid tier
  /// `ip_limit`: when given, every request is also counted against its client IP's key, and
  /// both keys must admit it (the spec's answer to distributed attacks).
  std::optional<Limit> ip_limit;
  std::int64_t users_per_ip = 4;  ///< `users_per_ip`: users sharing one IP (NAT, offices); >= 1

  // --- the limiter ---------------------------------------------------------------------------
  Algorithm algorithm = Algorithm::sliding_window_log;  ///< `algorithm`
  Placement placement = Placement::redis;               ///< `placement`
  /// `bucket_capacity`: token_bucket's burst, as a share of the limit (default 1/4).
  sim::Ratio bucket_capacity{1, 4};
  /// `bucket_refill`: tokens added per window, as a share of the limit (default: the rest,
  /// 1 - bucket_capacity, so no window holds more than the limit).
  std::optional<sim::Ratio> bucket_refill;
  /// `queue_capacity`: leaky_bucket's queue, as a share of the limit (default 1/10).
  sim::Ratio queue_capacity{1, 10};
  /// `sync_interval`: hybrid only: how often each server pushes its counts to Redis.
  sim::Duration sync_interval = sim::Duration::milliseconds(100);
  NowSource now_source = NowSource::caller;  ///< `now`: caller | redis_time
  Member member = Member::random;            ///< `member`: random | request_id (sliding_window_log in Redis)
  /// `now_unit` and `window_unit`: s | ms | us, what ARGV now and ARGV window count. Both
  /// default to seconds, the unit the spec's script documents for its window (and its EXPIRE,
  /// which always counts seconds); a now in ms against a window in s makes the window 60 ms.
  TimeUnit now_unit = TimeUnit::s;
  TimeUnit window_unit = TimeUnit::s;
  FailurePolicy on_redis_failure = FailurePolicy::fail_open;  ///< `on_redis_failure`
  sim::Duration redis_timeout = sim::Duration::milliseconds(20);  ///< `redis_timeout`: per call; > 0
  redis::RedisOptions redis;  ///< `redis:`: the deployment (redis and hybrid placements)

  // --- checks ----------------------------------------------------------------------------------
  sim::Duration latency_budget = sim::Duration::milliseconds(5);  ///< `latency_budget`: p99 bound
  std::optional<std::int64_t> memory_budget;  ///< `memory_budget`: bytes per Redis server
  /// `false_rejection_tolerance`: the share of requests that may be rejected while truly under
  /// the limit before false_rejections counts as violated (default 0).
  sim::Ratio false_rejection_tolerance{0, 1};

  std::string server_name(int index) const { return "api-" + std::to_string(index); }
  const Limit& limit_of(Tier tier) const { return tier == Tier::paid ? paid_limit : free_limit; }
  bool uses_redis() const { return placement != Placement::local; }
};

/// Reads and validates `params:`; throws ScenarioError at the offending key.
RateLimiterOptions read_options(sim::ParamReader& params);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const RateLimiterOptions& options);

}  // namespace ratelimiter
