// What each of the rate limiter's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/ratelimiter/ratelimiter.hpp"
#include "models/redis/docs.hpp"

namespace {

std::vector<sim::OptionDoc> ratelimiter_option_docs() {
  std::vector<sim::OptionDoc> docs{
      {"servers", "API servers, api-0 .. api-(n-1), each deciding requests"},
      {"skew_spread", "each server's wall clock is skewed uniformly within +- this"},
      {"skew", "explicit wall-clock skews by server name ({api-1: +2s}), overriding the spread"},
      {"local_cost", "CPU time of one in-memory decision, added to every local or hybrid decision"},
      {"users", "distinct users sending requests"},
      {"user_skew", "Zipf exponent of user activity; 0 is uniform"},
      {"rate", "requests per unit of time from all users together"},
      {"arrival", "request arrivals: a Poisson process or evenly spaced"},
      {"bursts", "bursts on top of the steady traffic: the busiest users each send requests over a span"},
      {"bursts[].at", "when the burst starts"},
      {"bursts[].users", "how many users (the busiest first) burst"},
      {"bursts[].requests", "requests each of them sends"},
      {"bursts[].over", "the span the requests are spread over (0: all at once)"},
      {"free_limit", "the free tier's limit per user, as count/window"},
      {"paid_limit", "the paid tier's limit per user, as count/window"},
      {"paid_share", "share of users on the paid tier"},
      {"ip_limit", "a limit per client IP as well, both keys must admit a request (absent: none)"},
      {"users_per_ip", "users sharing one IP (NAT, offices), with ip_limit"},
      {"algorithm", "the limiting algorithm"},
      {"placement", "where counts live: each server's memory, one shared Redis, or local counts synced to Redis"},
      {"bucket_capacity", "token_bucket's burst, as a share of the limit"},
      {"bucket_refill", "token_bucket's tokens per window, as a share of the limit (default: 1 - bucket_capacity)"},
      {"queue_capacity", "leaky_bucket's queue, as a share of the limit"},
      {"member",
       "the sliding window log's ZADD member: the spec's now-math.random() or a request id unique per server "
       "and restart"},
      {"now", "where a Redis script's now comes from: the caller's wall clock (ARGV) or Redis TIME"},
      {"now_unit", "the unit ARGV now counts (placement: redis)"},
      {"window_unit", "the unit ARGV window counts (placement: redis)"},
      {"sync_interval", "how often each server pushes its counts to Redis (placement: hybrid)"},
      {"on_redis_failure", "what a server decides when its Redis call fails or times out"},
      {"redis_timeout", "timeout of one Redis call"},
      {"latency_budget", "the p99 of added latency that added_latency allows"},
      {"memory_budget", "bytes per Redis server that redis_memory allows (absent: not judged)"},
      {"false_rejection_tolerance", "share of requests that may be rejected while under the limit"},
  };
  for (sim::OptionDoc& doc :
       redis::option_docs_under("redis.", "the Redis deployment (placement: redis or hybrid)"))
    docs.push_back(std::move(doc));
  return docs;
}

}  // namespace

const sim::ModelDocs& ratelimiter_docs() {
  static const sim::ModelDocs docs{
      "algorithm",
      {"{bursts: [{at: 1s, users: 10, requests: 200, over: 100ms}]}"},
      ratelimiter_option_docs(),
      {
          {"over_admission", "no key is admitted more than its limit in any window",
           "requests admitted over the limit; the worst key and window, as a multiple of the limit"},
          {"false_rejections", "requests under the limit are not rejected beyond false_rejection_tolerance",
           "requests rejected while truly under the limit, as a share of all"},
          {"added_latency", "the limiter's added latency stays within latency_budget at p99",
           "p50, p99 and p99.9 of added latency against the budget"},
          {"redis_unavailable", "every request is decided with Redis (redis and hybrid placements)",
           "requests decided without Redis: timed out or answered with an error"},
          {"redis_memory", "no Redis server's memory exceeds memory_budget", "peak bytes on the busiest server"},
      },
  };
  return docs;
}
