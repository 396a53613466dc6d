#include "sim/scenario/numbered_name.hpp"
#include "models/ratelimiter/options.hpp"

#include <fmt/format.h>

#include "sim/scenario/error.hpp"
#include "sim/scenario/param_reader.hpp"

namespace ratelimiter {
namespace {

using sim::Duration;

constexpr std::int64_t users_max = 10'000'000;
constexpr std::int64_t limit_count_max = 10'000'000;
// One event per arrival: cap the offered rate where a run of seconds stays a run of seconds.
constexpr std::int64_t rate_per_second_max = 10'000'000;
const Duration skew_max = Duration::minutes(60);

std::optional<int> server_index(const std::string& name, int server_count) {
  return sim::numbered_name_index(name, "api-", server_count);
}

void read_servers(sim::ParamReader& params, RateLimiterOptions& options) {
  options.server_count = params.integer<int>("servers", options.server_count, 1, 1000);
  options.skew_spread = params.duration("skew_spread", Duration::zero(), {Duration::zero(), skew_max});
  for (const auto& [name, skew] : params.named_durations("skew", {-skew_max, skew_max})) {
    auto index = server_index(name.text, options.server_count);
    if (!index)
      throw sim::ScenarioError(name.where, params.label("skew") + "." + name.text + ": unknown API server '" +
                                               name.text + "' (servers are api-0 .. api-" +
                                               std::to_string(options.server_count - 1) + ")");
    options.skews.emplace_back(*index, skew);
  }
  options.local_cost = params.duration("local_cost", options.local_cost, {Duration::zero(), Duration::seconds(1)});
}

void read_bursts(sim::ParamReader& params, RateLimiterOptions& options) {
  std::int64_t total = 0;
  for (sim::ParamReader& burst : params.section_list("bursts")) {
    Burst b;
    b.at = burst.duration("at");
    b.users = burst.integer<std::int64_t>("users", 1, options.user_count);
    b.requests = burst.integer<std::int64_t>("requests", 1, 1'000'000);
    b.over = burst.duration("over", Duration::zero(), {Duration::zero(), Duration::minutes(60)});
    total += b.users * b.requests;
    if (total > 10'000'000) burst.fail("requests", "bursts add at most 10,000,000 requests in all");
    options.bursts.push_back(b);
  }
}

void read_traffic(sim::ParamReader& params, RateLimiterOptions& options) {
  options.user_count = params.integer<std::int64_t>("users", options.user_count, 1, users_max);
  options.user_skew = params.real("user_skew", options.user_skew, 0.0, 5.0);
  options.rate = params.rate("rate", options.rate);
  if (options.rate.count <= 0) params.fail("rate", "must be more than zero requests");
  auto per_second = static_cast<__int128>(options.rate.count) * 1'000'000'000 / options.rate.per.ns();
  if (per_second > rate_per_second_max) params.fail("rate", "must be at most 10000000/s");
  options.arrival = params.choice("arrival", {"poisson", "constant"}, "poisson") == "poisson" ? Arrival::poisson
                                                                                            : Arrival::constant;
  read_bursts(params, options);
}

Limit read_limit(sim::ParamReader& params, std::string_view key, const Limit& fallback) {
  sim::Rate rate = params.rate(key, sim::Rate{fallback.count, fallback.window});
  if (rate.count < 1 || rate.count > limit_count_max) params.fail(key, "must admit 1 to 10000000 requests per window");
  if (rate.per < Duration::milliseconds(1) || rate.per > Duration::minutes(24 * 60))
    params.fail(key, "must have a window from 1ms to 24h, such as 100/min");
  Limit limit;
  limit.count = rate.count;
  limit.window = rate.per;
  return limit;
}

std::int64_t share_of(std::int64_t count, sim::Ratio share) {
  return static_cast<std::int64_t>(static_cast<__int128>(count) * share.num / share.den);
}

// The bucket algorithms' shape, per limit, from the shares.
void shape_limit(Limit& limit, const RateLimiterOptions& options) {
  if (options.algorithm == Algorithm::token_bucket) {
    limit.capacity = std::max<std::int64_t>(1, share_of(limit.count, options.bucket_capacity));
    limit.refill = options.bucket_refill ? share_of(limit.count, *options.bucket_refill) : limit.count - limit.capacity;
  } else if (options.algorithm == Algorithm::leaky_bucket) {
    limit.capacity = share_of(limit.count, options.queue_capacity);
    limit.refill = limit.count;
  } else {
    limit.capacity = limit.count;
    limit.refill = limit.count;
  }
}

void read_shapes(sim::ParamReader& params, RateLimiterOptions& options) {
  bool token = options.algorithm == Algorithm::token_bucket;
  bool leaky = options.algorithm == Algorithm::leaky_bucket;
  if (!token && params.has("bucket_capacity"))
    params.fail("bucket_capacity", "applies only with algorithm: token_bucket");
  if (!token && params.has("bucket_refill")) params.fail("bucket_refill", "applies only with algorithm: token_bucket");
  if (!leaky && params.has("queue_capacity"))
    params.fail("queue_capacity", "applies only with algorithm: leaky_bucket");
  options.bucket_capacity = params.ratio("bucket_capacity", options.bucket_capacity);
  options.bucket_refill = params.optional_ratio("bucket_refill");
  options.queue_capacity = params.ratio("queue_capacity", options.queue_capacity);
  std::vector<Limit*> limits{&options.free_limit, &options.paid_limit};
  if (options.ip_limit) limits.push_back(&*options.ip_limit);
  for (Limit* limit : limits) {
    shape_limit(*limit, options);
    if (token && limit->refill < 1)
      params.fail(options.bucket_refill ? "bucket_refill" : "bucket_capacity",
                  fmt::format("leaves a bucket of {} tokens that never refills: give bucket_refill", limit->capacity));
  }
}

void read_limits(sim::ParamReader& params, RateLimiterOptions& options) {
  options.free_limit = read_limit(params, "free_limit", options.free_limit);
  options.paid_limit = read_limit(params, "paid_limit", options.paid_limit);
  options.paid_share = params.ratio("paid_share", options.paid_share);
  if (params.optional_rate("ip_limit")) options.ip_limit = read_limit(params, "ip_limit", Limit{});
  if (!options.ip_limit && params.has("users_per_ip")) params.fail("users_per_ip", "applies only with ip_limit");
  options.users_per_ip = params.integer<std::int64_t>("users_per_ip", options.users_per_ip, 1, 1'000'000);
}

void require_placement(sim::ParamReader& params, std::string_view key, bool allowed, std::string_view which) {
  if (allowed || !params.has(key)) return;
  params.fail(key, fmt::format("applies only with placement: {}", which));
}

void read_algorithm(sim::ParamReader& params, RateLimiterOptions& options) {
  std::string algorithm = params.choice(
      "algorithm", {"token_bucket", "leaky_bucket", "fixed_window", "sliding_window_log", "sliding_window_counter"},
      "sliding_window_log");
  for (Algorithm a : {Algorithm::token_bucket, Algorithm::leaky_bucket, Algorithm::fixed_window,
                      Algorithm::sliding_window_log, Algorithm::sliding_window_counter})
    if (algorithm == to_string(a)) options.algorithm = a;
  std::string placement = params.choice("placement", {"local", "redis", "hybrid"}, "redis");
  options.placement = placement == "local"   ? Placement::local
                      : placement == "redis" ? Placement::redis
                                             : Placement::hybrid;
  bool countable =
      options.algorithm == Algorithm::fixed_window || options.algorithm == Algorithm::sliding_window_counter;
  if (options.placement == Placement::hybrid && !countable)
    params.fail("placement", fmt::format("hybrid syncs per-window counters to Redis, so it works with fixed_window and "
                                         "sliding_window_counter, not {}",
                                         to_string(options.algorithm)));
}

TimeUnit read_unit(sim::ParamReader& params, std::string_view key, std::vector<std::string_view> allowed) {
  std::string unit = params.choice(key, allowed, "s");
  return unit == "s" ? TimeUnit::s : unit == "ms" ? TimeUnit::ms : TimeUnit::us;
}

void read_redis_use(sim::ParamReader& params, RateLimiterOptions& options) {
  bool central = options.placement == Placement::redis;
  bool hybrid = options.placement == Placement::hybrid;
  for (std::string_view key : {"now", "now_unit", "window_unit", "member"})
    require_placement(params, key, central, "redis");
  require_placement(params, "sync_interval", hybrid, "hybrid");
  for (std::string_view key : {"on_redis_failure", "redis_timeout", "redis"})
    require_placement(params, key, options.uses_redis(), "redis or hybrid");
  options.now_source = params.choice("now", {"caller", "redis_time"}, "caller") == "caller" ? NowSource::caller
                                                                                          : NowSource::redis_time;
  if (params.has("member") && options.algorithm != Algorithm::sliding_window_log)
    params.fail("member", "only the sliding window log adds a member per request; the algorithm is " +
                              std::string(to_string(options.algorithm)));
  options.member =
      params.choice("member", {"random", "request_id"}, "random") == "random" ? Member::random : Member::request_id;
  options.now_unit = read_unit(params, "now_unit", {"s", "ms", "us"});
  options.window_unit = read_unit(params, "window_unit", {"s", "ms", "us"});
  options.sync_interval =
      params.duration("sync_interval", options.sync_interval, {Duration::milliseconds(1), Duration::minutes(1)});
  std::string policy = params.choice("on_redis_failure", {"fail_open", "fail_closed", "local_fallback"}, "fail_open");
  options.on_redis_failure = policy == "fail_open"     ? FailurePolicy::fail_open
                             : policy == "fail_closed" ? FailurePolicy::fail_closed
                                                       : FailurePolicy::local_fallback;
  options.redis_timeout =
      params.duration("redis_timeout", options.redis_timeout, {Duration::microseconds(1), Duration::seconds(60)});
  sim::ParamReader redis_section = params.section("redis");
  options.redis = redis::read_redis_options(redis_section);
}

void read_checks(sim::ParamReader& params, RateLimiterOptions& options) {
  options.latency_budget = params.duration("latency_budget", options.latency_budget, sim::DurationRange::positive());
  options.memory_budget = params.optional_integer<std::int64_t>("memory_budget", 1, INT64_MAX / 2);
  options.false_rejection_tolerance = params.ratio("false_rejection_tolerance", options.false_rejection_tolerance);
}

}  // namespace

const char* to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::token_bucket: return "token_bucket";
    case Algorithm::leaky_bucket: return "leaky_bucket";
    case Algorithm::fixed_window: return "fixed_window";
    case Algorithm::sliding_window_log: return "sliding_window_log";
    case Algorithm::sliding_window_counter: return "sliding_window_counter";
  }
  return "?";
}

const char* to_string(Placement placement) {
  return placement == Placement::local ? "local" : placement == Placement::redis ? "redis" : "hybrid";
}

const char* to_string(NowSource source) { return source == NowSource::caller ? "caller" : "redis_time"; }

const char* to_string(TimeUnit unit) { return unit == TimeUnit::s ? "s" : unit == TimeUnit::ms ? "ms" : "us"; }

const char* to_string(FailurePolicy policy) {
  return policy == FailurePolicy::fail_open     ? "fail_open"
         : policy == FailurePolicy::fail_closed ? "fail_closed"
                                                : "local_fallback";
}

const char* to_string(Arrival arrival) { return arrival == Arrival::poisson ? "poisson" : "constant"; }

const char* to_string(Tier tier) { return tier == Tier::free ? "free" : "paid"; }

RateLimiterOptions read_options(sim::ParamReader& params) {
  RateLimiterOptions options;
  read_servers(params, options);
  read_traffic(params, options);
  read_limits(params, options);
  read_algorithm(params, options);
  read_shapes(params, options);
  read_redis_use(params, options);
  read_checks(params, options);
  params.finish();
  return options;
}

}  // namespace ratelimiter
