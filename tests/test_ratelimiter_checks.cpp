// Goal: the rate limiter's checkers judge hand-made histories as the problem defines them
// (over_admission, false_rejections), and judging each decision as it is made gives exactly the
// verdicts of a pass over all of them at the end.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/ratelimiter/checks/checks.hpp"
#include "models/ratelimiter/checks/decision_stream.hpp"
#include "tests/ratelimiter_support.hpp"

using namespace sim::literals;
using ratelimiter_test::Collected;
using ratelimiter_test::LimiterRun;
using ratelimiter_test::limit_of;
using sim::Duration;
using sim::Instant;

// --- the checkers on hand-made observations -------------------------------------------------------

namespace {

// Observations and the decisions of a run, made by hand: each decision is counted by the checks
// only at the end (replay), as a pass over them all would.
struct HandMade {
  ratelimiter::Observations observations;
  std::vector<ratelimiter::Decided> decisions;
  std::unique_ptr<ratelimiter::DecisionStream> replay() const { return ratelimiter::replay(observations, decisions); }
  sim::CheckResult over_admission() const {
    return ratelimiter::OverAdmissionCheck{}.judge(observations, replay()->over_admission());
  }
  sim::CheckResult false_rejections(sim::Ratio tolerance) const {
    auto stream = replay();
    return ratelimiter::FalseRejectionCheck{tolerance}.judge(observations, stream->false_rejections(),
                                                             stream->requests());
  }
};

HandMade hand_made(std::vector<std::pair<std::uint32_t, std::int64_t>> admitted_ms,
                   std::vector<std::pair<std::uint32_t, std::int64_t>> rejected_ms) {
  ratelimiter::RateLimiterOptions options;
  options.user_count = 3;
  options.free_limit = limit_of(3, 1_s, 3, 3);
  HandMade made;
  ratelimiter::Observations& observations = made.observations;
  observations.population = std::make_shared<const ratelimiter::Population>(options, sim::Rng(1), sim::Rng(2));
  observations.servers.resize(1);
  observations.servers[0].name = "api-0";
  observations.length = 5_s;
  std::vector<ratelimiter::Decided>& all = made.decisions;
  auto add = [&all](std::uint32_t user, std::int64_t ms, ratelimiter::RejectedBy by) {
    Instant at = Instant::zero() + Duration::milliseconds(ms);
    all.push_back(ratelimiter::Decided{user, 0, ratelimiter::Path::redis, by, at, at, at});
  };
  for (auto [user, ms] : admitted_ms) add(user, ms, ratelimiter::RejectedBy::none);
  for (auto [user, ms] : rejected_ms) add(user, ms, ratelimiter::RejectedBy::user_key);
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.decided < b.decided; });
  return made;
}

}  // namespace

TEST_CASE("over_admission finds the busiest window of each key and the first admission past the limit",
          "[ratelimiter]") {
  // Limit 3 a second. User 0: four within 900 ms. User 1: one a second, never over. User 2:
  // exactly three in every window, with the fourth one window later.
  HandMade observations =
      hand_made({{0, 0}, {0, 100}, {0, 200}, {0, 900}, {1, 0}, {1, 1000}, {1, 2000}, {2, 0}, {2, 1}, {2, 2}, {2, 1000}},
                {});
  ratelimiter::OverAdmission over = observations.replay()->over_admission();
  REQUIRE(over.users_over == 1);
  REQUIRE(over.excess == 1);
  REQUIRE(over.admitted_beyond == 1);
  REQUIRE(over.worst);
  REQUIRE(over.worst->key == 0);
  REQUIRE(over.worst->most == 4);
  REQUIRE(over.first->at == Instant::zero() + 900_ms);
  sim::CheckResult result = observations.over_admission();
  REQUIRE_FALSE(result.held);
  REQUIRE(result.first);
  REQUIRE(result.first->at == Instant::zero() + 900_ms);

  // Without user 0's fourth request every window holds at most the limit.
  HandMade fine = hand_made({{0, 0}, {0, 100}, {0, 200}, {1, 0}, {1, 1000}, {2, 0}, {2, 1}, {2, 2}, {2, 1000}}, {});
  REQUIRE(fine.over_admission().held);

  // A limiter that truncates now to whole milliseconds is forgiven a millisecond, no more.
  fine.observations.granularity = 1_ms;
  REQUIRE(fine.over_admission().held);
  observations.observations.granularity = 1_ms;
  REQUIRE_FALSE(observations.over_admission().held);
}

TEST_CASE("false_rejections counts rejections while the trailing window had room, up to a tolerance",
          "[ratelimiter]") {
  // User 0 is rejected at 300 ms with three admitted (right), user 1 at 500 ms with one (wrong).
  HandMade observations = hand_made({{0, 0}, {0, 100}, {0, 200}, {1, 0}}, {{0, 300}, {1, 500}});
  ratelimiter::FalseRejections found = observations.replay()->false_rejections();
  REQUIRE(found.rejected == 2);
  REQUIRE(found.count == 1);
  REQUIRE(found.first->user == 1);
  REQUIRE_FALSE(observations.false_rejections(sim::Ratio{0, 1}).held);
  // An admission still in flight when the rejection was decided counts: the limiter may have
  // granted it first. Make user 1's admission answered only after its rejection.
  HandMade in_flight = hand_made({{1, 0}, {1, 100}, {1, 200}}, {{1, 500}});
  in_flight.decisions[2].decided = in_flight.decisions[2].released = Instant::zero() + 900_ms;
  REQUIRE(in_flight.false_rejections(sim::Ratio{0, 1}).held);
  in_flight.decisions[2].arrived = Instant::zero() + 700_ms;  // arrived after: it cannot count
  REQUIRE_FALSE(in_flight.false_rejections(sim::Ratio{0, 1}).held);
  REQUIRE(observations.false_rejections(sim::Ratio{1, 5}).held);   // 1 of 6 <= 1/5
  REQUIRE_FALSE(observations.false_rejections(sim::Ratio{1, 10}).held);
}

// --- the checks judge each decision as it is made ------------------------------------------------

namespace {

bool same_peak(const std::optional<ratelimiter::KeyPeak>& a, const std::optional<ratelimiter::KeyPeak>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->key == b->key && a->most == b->most && a->limit == b->limit && a->at == b->at);
}

bool same_decision(const std::optional<ratelimiter::Decided>& a, const std::optional<ratelimiter::Decided>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->user == b->user && a->server == b->server && a->path == b->path &&
                a->rejected_by == b->rejected_by && a->arrived == b->arrived && a->decided == b->decided &&
                a->released == b->released);
}

// The live stream's counts against a pass over every decision at the end.
void require_same_verdicts(const ratelimiter::DecisionStream& live, const ratelimiter::DecisionStream& all) {
  REQUIRE(live.requests() == all.requests());
  const ratelimiter::OverAdmission& o1 = live.over_admission();
  const ratelimiter::OverAdmission& o2 = all.over_admission();
  CHECK(o1.users_over == o2.users_over);
  CHECK(o1.ips_over == o2.ips_over);
  CHECK(o1.excess == o2.excess);
  CHECK(o1.admitted_beyond == o2.admitted_beyond);
  CHECK(same_peak(o1.worst, o2.worst));
  CHECK(same_peak(o1.first, o2.first));
  REQUIRE(o1.top.size() == o2.top.size());
  for (std::size_t i = 0; i < o1.top.size(); ++i) CHECK(same_peak(o1.top[i], o2.top[i]));
  const ratelimiter::FalseRejections& f1 = live.false_rejections();
  const ratelimiter::FalseRejections& f2 = all.false_rejections();
  CHECK(f1.rejected == f2.rejected);
  CHECK(f1.count == f2.count);
  CHECK(f1.users == f2.users);
  CHECK(f1.without_redis == f2.without_redis);
  CHECK(same_decision(f1.first, f2.first));
  CHECK(f1.first_admitted == f2.first_admitted);
  CHECK(live.without_redis().count == all.without_redis().count);
  CHECK(live.without_redis().by_path == all.without_redis().by_path);
  CHECK(same_decision(live.without_redis().first, all.without_redis().first));
}

}  // namespace

TEST_CASE("a rejection is judged after the decision whose recording moved the horizon past it", "[ratelimiter]") {
  // Limit 3 a second. User 1 is admitted at 0 and 100 ms; a third request arrives at 200 ms and
  // is admitted only at 400 ms, so it was in flight when the rejection at 300 ms was decided and
  // counts for it: the window was full. Its recording is what moves the horizon past 300 ms.
  HandMade made = hand_made({{1, 0}, {1, 100}, {1, 200}}, {{1, 300}});
  ratelimiter::Decided slow = made.decisions[2];
  slow.decided = slow.released = Instant::zero() + 400_ms;
  ratelimiter::Decided rejection = made.decisions[3];
  auto at = [](std::int64_t ms) { return Instant::zero() + Duration::milliseconds(ms); };
  ratelimiter::DecisionStream live(made.observations);
  live.observe(made.decisions[0], at(0), at(0));
  live.observe(made.decisions[1], at(100), at(100));
  live.observe(rejection, at(300), at(200));  // the request of 200 ms is still open
  live.observe(slow, at(400), at(400));
  live.finish();
  REQUIRE(live.false_rejections().rejected == 1);
  REQUIRE(live.false_rejections().count == 0);
  auto all = ratelimiter::replay(made.observations, {made.decisions[0], made.decisions[1], rejection, slow});
  require_same_verdicts(live, *all);
}

TEST_CASE("a key gone quiet for a window holds nothing, and its verdicts are those of a pass at the end",
          "[ratelimiter]") {
  // Limit 3 a second. User 1 is admitted four times in 300 ms (one beyond its limit) and then
  // falls quiet; user 0 goes on being admitted every 400 ms, and each decision sweeps one key.
  std::vector<std::pair<std::uint32_t, std::int64_t>> admitted{{1, 0}, {1, 100}, {1, 200}, {1, 300}};
  for (std::int64_t ms = 400; ms <= 4000; ms += 400) admitted.emplace_back(0, ms);
  HandMade made = hand_made(admitted, {{0, 4100}});
  ratelimiter::Key quiet = made.observations.population->user_key(1);
  ratelimiter::DecisionStream live(made.observations);
  for (std::size_t i = 0; i < made.decisions.size(); ++i) {
    const ratelimiter::Decided& d = made.decisions[i];
    live.observe(d, d.decided, d.decided);
    if (d.decided == Instant::zero() + 300_ms) CHECK(live.room(quiet) >= 8);  // 4 releases, 4 admissions
  }
  CHECK(live.room(quiet) == 0);
  live.finish();
  auto all = made.replay();
  require_same_verdicts(live, *all);
  REQUIRE(live.over_admission().worst);
  CHECK(live.over_admission().worst->key == quiet);
  CHECK(live.over_admission().worst->most == 4);
}

TEST_CASE("the checks judge decisions as they are made exactly as a pass over all of them at the end",
          "[ratelimiter]") {
  // Runs whose decisions come out of time order (a leaky bucket's waits, IP keys), wait for a
  // paused server, die with a crashed one, or are made without Redis.
  const std::string users = "users: 60\nuser_skew: 1.1\nrate: 3000/s\nservers: 3\n";
  struct Case {
    std::string params;
    std::string fault;  // api-0 paused, api-1 crashed, or redis-0 crashed
  };
  std::vector<Case> cases{
      {"placement: local\nalgorithm: leaky_bucket\nqueue_capacity: 1/2\nip_limit: 150/min\nusers_per_ip: 4\n", "pause"},
      {"placement: local\nalgorithm: sliding_window_log\n", "crash-api"},
      {"placement: redis\nalgorithm: sliding_window_counter\nredis_timeout: 2ms\non_redis_failure: fail_closed\n",
       "crash-redis"},
      {"placement: redis\nalgorithm: token_bucket\nredis_timeout: 2ms\non_redis_failure: local_fallback\n"
       "ip_limit: 200/min\n",
       "pause"},
      {"placement: hybrid\nalgorithm: fixed_window\nredis_timeout: 2ms\non_redis_failure: local_fallback\n",
       "crash-redis"}};
  for (const Case& c : cases) {
    INFO(c.params << " with " << c.fault);
    LimiterRun run(users + c.params);
    run.build(3_s);
    sim::World* world = &run.world;
    if (c.fault == "pause") {
      sim::NodeId api = run.node("api-0");
      run.at(1_s, [world, api] { world->pause(api); });
      run.at(1400_ms, [world, api] { world->resume(api); });
    } else {
      sim::NodeId node = run.node(c.fault == "crash-api" ? "api-1" : "redis-0");
      run.at(1_s, [world, node] { world->crash(node); });
      run.at(1300_ms, [world, node] { world->restart(node); });
    }
    auto collected = std::make_shared<Collected>();
    run.model.watch(collected);
    run.run();
    REQUIRE(collected->decisions.size() > 1000);
    auto all = ratelimiter::replay(run.model.observations(), collected->decisions);
    require_same_verdicts(run.model.decisions(), *all);
  }
}
