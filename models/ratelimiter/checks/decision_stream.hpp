// The rate limiter's checks fed as the run goes: each decision is counted when it is made, and
// what a verdict needs is kept only as long as a verdict may need it.
//
// - over_admission: each key's release times, each counted (its busiest window, admissions
//   beyond the limit) once no earlier release can still come (every release recorded later is
//   at or after the time it is recorded), then dropped when a window has passed it.
// - false_rejections: a rejection is judged once every request that arrived before it was
//   decided has been recorded (the recorder's horizon), in the order (decision time, record
//   order); each key keeps the admissions decided within one look-back of the horizon.
// - redis_unavailable: counts and the earliest decision made without Redis.
//
// So memory is about one window of each key plus the requests still in flight, not the run. A
// key is dropped only when it is next decided, so each decision also sweeps one key, in turn:
// a key quiet for a window holds nothing, whatever it held when it went quiet.
// Every verdict is the one a pass over all decisions at the end would give: at finish(), what
// is still held is judged with everything recorded.
//
// Determinism: keys are dense integers in flat vectors; pending rejections are ordered by
// (decision time, record order); nothing is ordered by address.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <vector>

#include "models/ratelimiter/checks/key_window.hpp"
#include "models/ratelimiter/observations.hpp"

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

struct FalseRejections {
  std::uint64_t rejected = 0;
  std::uint64_t count = 0;        ///< rejected while every key of the request was under its limit
  std::uint64_t users = 0;        ///< users with at least one
  std::uint64_t without_redis = 0;  ///< of `count`, rejected by fail_closed
  std::optional<Decided> first;
  std::int64_t first_admitted = 0;  ///< what the first one's user had admitted in its look-back
};

/// Decisions made without Redis, by path (fail_open, fail_closed, fallback, hybrid_stale).
struct WithoutRedis {
  static constexpr std::array<Path, 4> paths{Path::fail_open, Path::fail_closed, Path::fallback, Path::hybrid_stale};
  std::array<std::uint64_t, 4> by_path{};
  std::uint64_t count = 0;
  std::optional<Decided> first;
};

class DecisionStream final : public DecisionObserver {
public:
  /// Reads the population and the granularity from `observations`, which must outlive it.
  explicit DecisionStream(const Observations& observations);

  void observe(const Decided& decision, sim::Instant now, sim::Instant horizon) override;
  /// Judges what is still held, with every decision recorded; nothing is observed after.
  void finish();

  std::uint64_t requests() const { return requests_; }
  const OverAdmission& over_admission() const { return over_; }
  const FalseRejections& false_rejections() const { return rejections_; }
  const WithoutRedis& without_redis() const { return without_redis_; }
  /// The values `key`'s windows have room for (held or spare): zero for a key quiet for a window.
  std::size_t room(Key key) const { return keys_[key].released.room() + keys_[key].admissions.room(); }

private:
  struct Pending {
    Decided decision;
    std::uint64_t order = 0;
    bool operator>(const Pending& o) const {
      return decision.decided != o.decision.decided ? decision.decided > o.decision.decided : order > o.order;
    }
  };

  void admit(Key key, const Decided& decision, sim::Instant now);
  void judge_releases(Key key, sim::Instant until);
  void close_peak(Key key);
  void judge_rejections_before(sim::Instant horizon);
  void judge_rejection(const Decided& decision);
  bool under_limit(Key key, sim::Instant at);
  std::int64_t admitted_by(Key key, sim::Instant at);
  void forget_admissions(Key key, sim::Instant horizon);
  void sweep(sim::Instant now);

  const Observations& observations_;
  const Population& population_;
  std::vector<KeyWindow> keys_;
  std::vector<bool> user_falsely_rejected_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::uint64_t requests_ = 0;
  sim::Instant horizon_;
  Key swept_ = 0;  ///< the next key sweep() visits
  OverAdmission over_;
  FalseRejections rejections_;
  WithoutRedis without_redis_;
  bool finished_ = false;
};

/// Feeds `decisions` (in record order) to a stream that is told nothing is final until the end,
/// and finishes it: the verdicts of a pass over them all.
std::unique_ptr<DecisionStream> replay(const Observations& observations, const std::vector<Decided>& decisions);

}  // namespace ratelimiter
