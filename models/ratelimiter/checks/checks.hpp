// The rate limiter model's checkers. Each reads only the Observations of a run, what the
// DecisionStream counted of its decisions as they were made (decision_stream.hpp) or, for
// latency, the run's histogram, and gives one verdict with a one-line summary of how bad,
// ordered details, and the first violation.
//
// Windows are true time. A limiter that truncates `now` to whole units compares timestamps
// only to that granularity g, so over_admission counts in windows of the limit's length less
// g, and false_rejections looks back the limit's length plus g: neither blames the truncation
// itself, and both still see anything larger.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/model.hpp"
#include "models/ratelimiter/checks/decision_stream.hpp"
#include "models/ratelimiter/observations.hpp"
#include "models/ratelimiter/options.hpp"
#include "sim/kernel/histogram.hpp"

namespace ratelimiter {

/// No key admits more than its limit in any window of the limit's length.
class OverAdmissionCheck {
public:
  sim::CheckResult judge(const Observations& observations, const OverAdmission& over) const;
};

/// No request is rejected while its keys are truly under their limits; violated when more than
/// `tolerance` of all `requests` are.
class FalseRejectionCheck {
public:
  explicit FalseRejectionCheck(sim::Ratio tolerance) : tolerance_(tolerance) {}
  sim::CheckResult judge(const Observations& observations, const FalseRejections& rejections,
                         std::uint64_t requests) const;

private:
  sim::Ratio tolerance_;
};

/// The limiter's own latency (arrival at the API server to its answer, a leaky bucket's wait
/// included): violated when p99 is above `budget` (the problem's 5 ms).
class AddedLatencyCheck {
public:
  explicit AddedLatencyCheck(sim::Duration budget) : budget_(budget) {}
  sim::CheckResult run(const sim::Histogram* latency) const;

private:
  sim::Duration budget_;
};

/// Every decision consulted Redis. Violated when any request was decided without it because a
/// call failed or timed out (or, hybrid, because the last sync had): whatever the policy then
/// did, the limit was not enforced as designed, and the scenario must say it expects that.
/// Always holds for placement: local, which never uses Redis.
class RedisUnavailableCheck {
public:
  explicit RedisUnavailableCheck(Placement placement) : placement_(placement) {}
  sim::CheckResult judge(const Observations& observations, const WithoutRedis& without,
                         std::uint64_t requests) const;

private:
  Placement placement_;
};

/// Redis memory per server (its peak, sampled each second); violated only when `budget` is
/// given and a server went over it.
class RedisMemoryCheck {
public:
  explicit RedisMemoryCheck(std::optional<std::int64_t> budget) : budget_(budget) {}
  sim::CheckResult run(const Observations& observations) const;

private:
  std::optional<std::int64_t> budget_;
};

/// over_admission's window for a key: the limit's length less the granularity.
sim::Duration over_admission_window(const Observations& observations, const Limit& limit);
/// false_rejections' look-back for a key: the limit's length plus the granularity.
sim::Duration false_rejection_window(const Observations& observations, const Limit& limit);

}  // namespace ratelimiter
