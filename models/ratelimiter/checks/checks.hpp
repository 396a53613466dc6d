// The rate limiter model's checkers. Each reads only the Observations of a run (and, for
// latency, the run's histogram) and gives one verdict with a one-line summary of how bad,
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
#include "models/ratelimiter/checks/key_times.hpp"
#include "models/ratelimiter/observations.hpp"
#include "models/ratelimiter/options.hpp"
#include "sim/kernel/histogram.hpp"

namespace ratelimiter {

/// The worst window of one key: `most` admissions in one window of its limit's length.
struct KeyPeak {
  Key key = 0;
  std::int64_t most = 0;
  std::int64_t limit = 0;
  sim::Instant at;  ///< the admission that closed the window
};

struct OverAdmission {
  std::uint64_t users_over = 0;  ///< user keys whose busiest window held more than the limit
  std::uint64_t ips_over = 0;
  std::uint64_t excess = 0;      ///< summed over keys: busiest window minus the limit
  /// Admissions that found their key's trailing window already at the limit.
  std::uint64_t admitted_beyond = 0;
  std::optional<KeyPeak> worst;  ///< by most / limit, then most, then lowest key
  std::optional<KeyPeak> first;  ///< the earliest admission beyond a limit
  std::vector<KeyPeak> top;      ///< the worst keys over their limit, worst first (at most 10)
};
OverAdmission measure_over_admission(const Observations& observations, const KeyTimes& released);

/// No key admits more than its limit in any window of the limit's length.
class OverAdmissionCheck {
public:
  sim::CheckResult run(const Observations& observations) const {
    return judge(observations, measure_over_admission(observations, KeyTimes(observations, KeyTimes::Stamp::released)));
  }
  sim::CheckResult judge(const Observations& observations, const OverAdmission& over) const;
};

struct FalseRejections {
  std::uint64_t rejected = 0;
  std::uint64_t count = 0;        ///< rejected while every key of the request was under its limit
  std::uint64_t users = 0;        ///< users with at least one
  std::uint64_t without_redis = 0;  ///< of `count`, rejected by fail_closed
  std::optional<Decided> first;
  std::int64_t first_admitted = 0;  ///< what the first one's user had admitted in its look-back
};
/// Admissions of a key, by when their requests arrived and when the limiter admitted them.
struct AdmissionTimes {
  KeyTimes arrived;
  KeyTimes decided;
  explicit AdmissionTimes(const Observations& observations)
      : arrived(observations, KeyTimes::Stamp::arrived), decided(observations, KeyTimes::Stamp::decided) {}
  /// What a key had admitted by `at` within `look_back`: admissions decided in
  /// (at - look_back, at], plus those still in flight at `at` (arrived by then, answered
  /// later), since a concurrent request's admission may already have counted where the
  /// rejection was decided.
  std::int64_t admitted_by(Key key, sim::Instant at, sim::Duration look_back) const {
    return arrived.count_until(key, at) - decided.count_until(key, at - look_back);
  }
};
FalseRejections measure_false_rejections(const Observations& observations, const AdmissionTimes& admissions);

/// No request is rejected while its keys are truly under their limits; violated when more than
/// `tolerance` of all requests are.
class FalseRejectionCheck {
public:
  explicit FalseRejectionCheck(sim::Ratio tolerance) : tolerance_(tolerance) {}
  sim::CheckResult run(const Observations& observations) const {
    return judge(observations, measure_false_rejections(observations, AdmissionTimes(observations)));
  }
  sim::CheckResult judge(const Observations& observations, const FalseRejections& rejections) const;

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
  sim::CheckResult run(const Observations& observations) const;

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
