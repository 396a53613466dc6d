#include "models/ratelimiter/checks/decision_stream.hpp"

#include <algorithm>

#include "models/ratelimiter/checks/checks.hpp"
#include "sim/kernel/assert.hpp"

namespace ratelimiter {
namespace {

bool worse(const KeyPeak& a, const KeyPeak& b) {
  __int128 lhs = static_cast<__int128>(a.most) * b.limit;
  __int128 rhs = static_cast<__int128>(b.most) * a.limit;
  if (lhs != rhs) return lhs > rhs;
  if (a.most != b.most) return a.most > b.most;
  return a.key < b.key;
}

}  // namespace

DecisionStream::DecisionStream(const Observations& observations)
    : observations_(observations),
      population_(*observations.population),
      keys_(population_.key_count()),
      user_falsely_rejected_(population_.user_count(), false) {}

void DecisionStream::observe(const Decided& decision, sim::Instant now, sim::Instant horizon) {
  SIM_ASSERT(!finished_, "a decision was observed after the checks finished");
  SIM_ASSERT(horizon >= horizon_ && horizon <= now, "the horizon moved back or past now");
  SIM_ASSERT(decision.arrived <= decision.decided && decision.decided <= decision.released,
             "a decision out of order: arrived, decided, released");
  ++requests_;
  if (ratelimiter::without_redis(decision.path)) {
    ++without_redis_.count;
    auto at = std::find(WithoutRedis::paths.begin(), WithoutRedis::paths.end(), decision.path);
    ++without_redis_.by_path[static_cast<std::size_t>(at - WithoutRedis::paths.begin())];
    if (!without_redis_.first || decision.decided < without_redis_.first->decided) without_redis_.first = decision;
  }
  if (!decision.admitted()) {
    ++rejections_.rejected;
    pending_.push(Pending{decision, requests_});
  } else {
    admit(population_.user_key(decision.user), decision, now);
    if (population_.has_ip_keys()) admit(population_.ip_key(decision.user), decision, now);
  }
  // This decision arrived before `horizon` may have: it counts for the rejections judged now, so
  // they are judged after it is kept (and admit() forgets only by the horizon they were held to).
  judge_rejections_before(horizon);
  horizon_ = horizon;
  sweep(now);
}

// One key, in turn, judged and trimmed as its next decision would judge and trim it, and its
// storage given back if nothing is left: a million keys, most decided once in a long while,
// would otherwise each keep what they held when they went quiet. Releases more than a window
// before `now` are in no window still to be judged: every release to come is at or after `now`.
void DecisionStream::sweep(sim::Instant now) {
  if (keys_.empty()) return;
  Key key = swept_;
  swept_ = swept_ + 1 == keys_.size() ? 0 : swept_ + 1;
  judge_releases(key, now);
  KeyWindow& window = keys_[key];
  sim::Duration length = over_admission_window(observations_, population_.limit(key));
  auto passed = static_cast<std::uint32_t>(window.released.count_up_to(now - length));
  window.released.drop_front(passed);
  window.judged -= passed;
  forget_admissions(key, horizon_);
  window.released.release_if_empty();
  window.admissions.release_if_empty();
}

void DecisionStream::admit(Key key, const Decided& decision, sim::Instant now) {
  // Every release recorded from now on is at or after `now`: the windows ending by then are whole.
  judge_releases(key, now);
  forget_admissions(key, horizon_);
  KeyWindow& window = keys_[key];
  window.released.insert(decision.released);
  window.admissions.insert(Admission{decision.decided, decision.arrived});
}

// The busiest window ending at each release up to `until`, in time order, as two pointers over
// the key's sorted releases would count it; what no later window can hold is dropped.
void DecisionStream::judge_releases(Key key, sim::Instant until) {
  KeyWindow& window = keys_[key];
  if (window.judged >= window.released.size() || window.released[window.judged] > until) return;
  const Limit& limit = population_.limit(key);
  sim::Duration length = over_admission_window(observations_, limit);
  while (window.judged < window.released.size() && window.released[window.judged] <= until) {
    sim::Instant end = window.released[window.judged];
    std::size_t passed = 0;
    while (window.released[passed] <= end - length) ++passed;
    window.released.drop_front(passed);
    window.judged -= static_cast<std::uint32_t>(passed);
    auto count = static_cast<std::int64_t>(window.judged) + 1;
    if (count > window.most) {
      window.most = count;
      window.most_at = end;
    }
    ++window.judged;
    if (count <= limit.count) continue;
    ++over_.admitted_beyond;
    if (!over_.first || end < over_.first->at || (end == over_.first->at && key < over_.first->key))
      over_.first = KeyPeak{key, count, limit.count, end};
  }
}

// A key's busiest window, once all its releases are judged, against the worst found so far.
void DecisionStream::close_peak(Key key) {
  const KeyWindow& window = keys_[key];
  const Limit& limit = population_.limit(key);
  if (window.most <= limit.count) return;
  KeyPeak peak{key, window.most, limit.count, window.most_at};
  ++(population_.is_ip_key(key) ? over_.ips_over : over_.users_over);
  over_.excess += static_cast<std::uint64_t>(peak.most - limit.count);
  if (!over_.worst || worse(peak, *over_.worst)) over_.worst = peak;
  constexpr std::size_t top_max = 10;
  auto at = std::upper_bound(over_.top.begin(), over_.top.end(), peak, worse);
  if (static_cast<std::size_t>(at - over_.top.begin()) >= top_max) return;
  over_.top.insert(at, peak);
  if (over_.top.size() > top_max) over_.top.pop_back();
}

void DecisionStream::judge_rejections_before(sim::Instant horizon) {
  while (!pending_.empty() && pending_.top().decision.decided < horizon) {
    Decided decision = pending_.top().decision;
    pending_.pop();
    judge_rejection(decision);
  }
}

void DecisionStream::judge_rejection(const Decided& d) {
  if (!under_limit(population_.user_key(d.user), d.decided)) return;
  if (population_.has_ip_keys() && !under_limit(population_.ip_key(d.user), d.decided)) return;
  ++rejections_.count;
  if (d.rejected_by == RejectedBy::no_redis) ++rejections_.without_redis;
  if (!user_falsely_rejected_[d.user]) {
    user_falsely_rejected_[d.user] = true;
    ++rejections_.users;
  }
  // Judged in order of decision time, ties in record order: the first judged is the earliest.
  if (rejections_.first) return;
  rejections_.first = d;
  rejections_.first_admitted = admitted_by(population_.user_key(d.user), d.decided);
}

bool DecisionStream::under_limit(Key key, sim::Instant at) {
  return admitted_by(key, at) < population_.limit(key).count;
}

// What the key had admitted by `at` within its look-back L: admissions decided in (at - L, at],
// plus those in flight at `at` (arrived by then, decided later). Every admission decided at or
// before at - L arrived by `at` too, so this is the admissions decided after at - L that had
// arrived by `at`; only those decided after `at` can have arrived later.
std::int64_t DecisionStream::admitted_by(Key key, sim::Instant at) {
  forget_admissions(key, at);
  const auto& admissions = keys_[key].admissions;
  sim::Duration look_back = false_rejection_window(observations_, population_.limit(key));
  auto recent = static_cast<std::int64_t>(admissions.size() - admissions.count_up_to(at - look_back));
  std::int64_t later = 0;
  for (std::size_t i = admissions.size(); i > 0 && admissions[i - 1].decided > at; --i)
    if (admissions[i - 1].arrived > at) ++later;
  return recent - later;
}

// Rejections still to be judged were all decided at or after `horizon`: an admission decided a
// whole look-back before it counts for none of them.
void DecisionStream::forget_admissions(Key key, sim::Instant horizon) {
  auto& admissions = keys_[key].admissions;
  sim::Duration look_back = false_rejection_window(observations_, population_.limit(key));
  admissions.drop_front(admissions.count_up_to(horizon - look_back));
}

void DecisionStream::finish() {
  if (finished_) return;
  finished_ = true;
  judge_rejections_before(sim::Instant::max());
  for (Key key = 0; key < keys_.size(); ++key) {
    judge_releases(key, sim::Instant::max());
    close_peak(key);
  }
}

std::unique_ptr<DecisionStream> replay(const Observations& observations, const std::vector<Decided>& decisions) {
  auto stream = std::make_unique<DecisionStream>(observations);
  for (const Decided& decision : decisions) stream->observe(decision, sim::Instant::zero(), sim::Instant::zero());
  stream->finish();
  return stream;
}

}  // namespace ratelimiter
