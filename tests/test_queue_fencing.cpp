// Goal: two rules of Kafka's brokers that the queue model broke, found by the acks study
// (scenarios/studies/queue-acks-isr.yaml). A broker that restarts before the controller has
// fenced it registers only once its old session has ended (ClusterControlManager refuses the
// new incarnation, DuplicateBrokerRegistration), and then serves again: before the fix it never
// received the metadata image at all until something else changed it. And a follower's fetch
// moves the leader's view of it (its log end, so the high watermark) only when the read
// succeeds (Partition.fetchRecords): before the fix a zombie leader, woken from a pause with a
// stale image, took a diverged follower's old fetch as replication and acknowledged a write
// with acks=all and min.insync.replicas=2 that no other replica kept.
#include <catch2/catch.hpp>

#include <string>

#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"

namespace {

const sim::CheckResult& check_named(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

sim::RunResult run_text(const std::string& text, std::uint64_t seed) {
  return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result;
}

}  // namespace

TEST_CASE("a broker restarted inside its session registers once fenced and leads again", "[queue]") {
  // broker-1, p0's leader, is down 5 s, less than the 9 s session: p0 has no leader until the
  // controller fences broker-1 and registers the new incarnation, about 9 s after its last
  // heartbeat; then broker-1 (the preferred, still in the ISR with its disk whole) leads again.
  const std::string text = "name: t\nmodel: queue\nduration: 40s\n"
                           "params: { acks: \"1\", rate: 300/s, linger: 20ms, request_timeout: 5s, "
                           "availability_bound: 12s }\n"
                           "network:\n  latency: { dist: constant, value: 1ms }\n"
                           "faults:\n  - at: 12s\n    crash: { node: broker-1, kind: process, restart_after: 5s }\n";
  sim::RunResult result = run_text(text, 1);
  INFO(check_named(result, "availability").summary);
  CHECK(check_named(result, "availability").held);
  CHECK(check_named(result, "lost_acked_write").held);
  CHECK(check_named(result, "unseen").held);
}

TEST_CASE("a zombie leader's acks=all waits for fetches that succeed, not for diverged ones", "[queue]") {
  // The study's seed 392 of acks=all, min.insync.replicas=2 under GC pauses, shrunk: broker-1
  // wakes at 21.48 s from an 11.7 s pause, leads p2 by a stale image for a moment, and must not
  // acknowledge what only it holds.
  const std::string text = "name: t\nmodel: queue\nduration: 24s\n"
                           "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
                           "params: { rate: 56/s, linger: 20ms, request_timeout: 5s, replica_lag_time_max: 10s, "
                           "acks: all, min_insync_replicas: 2 }\n"
                           "faults:\n"
                           "  - at: 3.257121415s\n    pause: { node: broker-1, duration: 4.514494827s }\n"
                           "  - at: 4.747130679s\n    pause: { node: broker-3, duration: 14.686124262s }\n"
                           "  - at: 9.78916014s\n    pause: { node: broker-1, duration: 11.686737146s }\n";
  sim::RunResult result = run_text(text, 392);
  INFO(check_named(result, "lost_acked_write").summary);
  CHECK(check_named(result, "lost_acked_write").held);
  CHECK(check_named(result, "inconsistent_offsets").held);
}
