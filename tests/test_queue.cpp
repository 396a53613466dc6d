// Goal: the queue model's pieces do what Kafka does, on their own (replica placement, the log's
// leader-epoch cache and page cache, the controller's records, the checkers on hand-made
// histories, each able to fail), and a run is one trace per seed.
#include <catch2/catch.hpp>

#include "models/queue/assignor.hpp"
#include "models/queue/checks.hpp"
#include "models/queue/cluster.hpp"
#include "models/queue/intervals.hpp"
#include "models/queue/log.hpp"
#include "models/queue/coordinator.hpp"
#include "models/queue/partitioner.hpp"
#include "models/queue/sink.hpp"
#include "sim/scenario/error.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"

using namespace queue;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + Duration::seconds(s); }

Batch batch(Offset base, std::int64_t count, Epoch epoch, std::int64_t first_seq, Instant appended = {}) {
  Batch b;
  b.base = base;
  b.count = count;
  b.epoch = epoch;
  b.producer = 1;
  b.first_seq = first_seq;
  b.appended = appended;
  return b;
}

Ack ack(int partition, std::int64_t first_seq, std::int64_t count, Offset base) {
  return Ack{partition, 1, first_seq, count, base, Instant::zero(), at_s(1)};
}

Observations one_partition() {
  Observations o;
  o.partitions = 1;
  o.final_logs.resize(1);
  o.run_end = at_s(10);
  o.produce_stop = at_s(10);
  return o;
}

const sim::CheckResult& check_named(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

sim::RunResult run_text(const std::string& text, std::uint64_t seed = 1) {
  return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result;
}

}  // namespace

TEST_CASE("replicas are placed as Kafka places them: partition p led by broker p mod n", "[queue]") {
  auto placement = assign_replicas(3, 4, 3);
  REQUIRE(placement[0] == std::vector<int>{0, 1, 2});
  REQUIRE(placement[1] == std::vector<int>{1, 2, 0});
  REQUIRE(placement[2] == std::vector<int>{2, 0, 1});
  // After a full round the followers shift by one, as AdminUtils does.
  REQUIRE(placement[3] == std::vector<int>{0, 2, 1});
}

TEST_CASE("a log answers OffsetsForLeaderEpoch and truncates its epoch cache with it", "[queue]") {
  PartitionLog log;
  log.append(batch(0, 10, 0, 0));
  log.append(batch(10, 5, 2, 10));
  REQUIRE(log.end_offset_for(0) == std::pair<Epoch, Offset>{0, 10});
  REQUIRE(log.end_offset_for(1) == std::pair<Epoch, Offset>{0, 10});
  REQUIRE(log.end_offset_for(2) == std::pair<Epoch, Offset>{2, 15});
  log.truncate(12);
  REQUIRE(log.end() == 12);
  REQUIRE(log.batches().back().count == 2);
  log.truncate(10);
  REQUIRE(log.last_epoch() == 0);
  REQUIRE(log.end_offset_for(2) == std::pair<Epoch, Offset>{0, 10});
}

TEST_CASE("a machine crash keeps what the kernel wrote back after 30 s at its 5 s wake-ups, or an fsync", "[queue]") {
  Writeback writeback;
  REQUIRE(writeback.written_at(at_s(1)) == at_s(35));
  REQUIRE(writeback.written_at(at_s(5)) == at_s(35));
  PartitionLog log;
  log.append(batch(0, 10, 0, 0, at_s(1)));
  log.append(batch(10, 10, 0, 10, at_s(8)));
  log.append(batch(20, 10, 0, 20, at_s(30)));
  PartitionLog flushed = log;
  REQUIRE(log.lose_unflushed(at_s(36), writeback) == 20);
  REQUIRE(log.end() == 10);
  flushed.flush();
  REQUIRE(flushed.lose_unflushed(at_s(36), writeback) == 0);
}

TEST_CASE("the controller moves leadership within the ISR, and outside it only when unclean", "[queue]") {
  ClusterImage image = initial_image(3, 1, 3);
  REQUIRE(apply_record(image, fence_record(0), false));
  REQUIRE(image.partitions[0].leader == 1);
  REQUIRE(image.partitions[0].leader_epoch == 1);
  REQUIRE(image.partitions[0].isr == std::vector<int>{1, 2});
  // The ISR shrinks to broker 1 alone, which then dies: clean election leaves p0 without a leader.
  REQUIRE(apply_record(image, alter_record(0, 1, image.partitions[0].partition_epoch, {1}), false));
  ClusterImage clean = image, unclean = image;
  REQUIRE(apply_record(clean, fence_record(1), false));
  REQUIRE(clean.partitions[0].leader == no_leader);
  REQUIRE(clean.partitions[0].isr == std::vector<int>{1});
  REQUIRE(apply_record(unclean, fence_record(1), true));
  REQUIRE(unclean.partitions[0].leader == 2);
  // A stale AlterPartition (an old partition epoch) is refused.
  REQUIRE_FALSE(apply_record(image, alter_record(0, 1, 0, {1, 2}), false));
  // The last ISR member's return brings the partition back.
  REQUIRE(apply_record(clean, unfence_record(1), false));
  REQUIRE(clean.partitions[0].leader == 1);
}

TEST_CASE("interval sets count the points that lie in more than one group", "[queue]") {
  REQUIRE(extra_copies({{{0, 10}}, {{5, 15}}, {{20, 30}}}) == 5);
  REQUIRE(extra_copies({{{0, 10}, {5, 12}}}) == 0);
  REQUIRE(uncovered(merge_spans({{0, 5}, {8, 10}}), 3, 12) == std::vector<Span>{{5, 8}, {10, 12}});
  SpanSet set;
  set.insert(10, 20);
  set.insert(30, 40);
  REQUIRE_FALSE(set.overlaps(20, 30));  // touching is not meeting: the spans are half-open
  REQUIRE(set.overlaps(19, 21));
  REQUIRE(set.overlaps(0, 100));
  set.insert(20, 30);  // joins both neighbours into [10, 40)
  REQUIRE(set.overlaps(25, 26));
  REQUIRE_FALSE(set.overlaps(40, 50));
  REQUIRE_FALSE(set.overlaps(0, 10));
  set.insert(5, 45);
  REQUIRE(set.overlaps(44, 60));
  REQUIRE_FALSE(set.overlaps(45, 60));
}

TEST_CASE("lost_acked_write needs a later offset in the final log, and without one the write is unseen", "[queue]") {
  Observations o = one_partition();
  o.acks = {ack(0, 0, 10, 0), ack(0, 10, 10, 10)};
  o.final_logs[0] = {batch(0, 10, 0, 0)};
  sim::CheckResult unseen;
  sim::CheckResult lost = check_lost_and_unseen(o, unseen);
  REQUIRE(lost.held);
  REQUIRE_FALSE(unseen.held);
  // A new leader wrote other messages over the acknowledged ones: now they are lost.
  o.final_logs[0].push_back(batch(10, 5, 1, 20));
  lost = check_lost_and_unseen(o, unseen);
  REQUIRE_FALSE(lost.held);
  REQUIRE(lost.summary.rfind("5 of 20", 0) == 0);
}

TEST_CASE("a message at two offsets is a duplicate, and an offset read two ways is inconsistent", "[queue]") {
  Observations o = one_partition();
  o.final_logs[0] = {batch(0, 10, 0, 0), batch(10, 10, 0, 5)};
  REQUIRE_FALSE(check_duplicates(o).held);
  REQUIRE(check_inconsistent_offsets(o).held);
  o.final_logs[0] = {batch(0, 10, 0, 0)};
  o.polls.push_back(Poll{0, batch(0, 10, 0, 100), at_s(2)});
  REQUIRE(check_duplicates(o).held);
  REQUIRE_FALSE(check_inconsistent_offsets(o).held);
}

TEST_CASE("a retry that lands behind a later batch breaks per_partition_order", "[queue]") {
  Observations o = one_partition();
  o.acks = {ack(0, 10, 10, 0), ack(0, 0, 10, 10)};
  REQUIRE_FALSE(check_order(o).held);
  o.acks = {ack(0, 0, 10, 0), ack(0, 10, 10, 10)};
  REQUIRE(check_order(o).held);
}

TEST_CASE("a queue run: one seed gives one trace, another seed another", "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 6s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "faults:\n  - at: 2s\n    crash: { node: broker-1, restart_after: 1s }\n"
      "params:\n  rate: 2000/s\n  drain: 1s\n";
  auto hash_of = [&](std::uint64_t seed) {
    return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result.trace_hash;
  };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
}

TEST_CASE("keys hash as Kafka's murmur2 hashes them (UtilsTest's values)", "[queue]") {
  REQUIRE(murmur2("21") == -973932308);
  REQUIRE(murmur2("foobar") == -790332482);
  REQUIRE(murmur2("a-little-bit-long-string") == -985981536);
  REQUIRE(murmur2("a-little-bit-longer-string") == -1486304829);
  REQUIRE(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  REQUIRE(murmur2("abc") == 479470107);
  // toPositive clears the sign bit: -973932308 & 0x7fffffff = 1173551340, and 1173551340 % 3 = 0.
  REQUIRE(partition_for_key("21", 3) == 1173551340 % 3);
  REQUIRE(partition_for_key("abc", 7) == 479470107 % 7);
}

TEST_CASE("keyed messages are counted to the partitions murmur2 gives their keys", "[queue]") {
  KeyedRouting routing(40, 3);
  std::int64_t n = 1'003;
  std::vector<std::int64_t> brute(3, 0);
  for (std::int64_t g = 0; g < n; ++g)
    ++brute[static_cast<std::size_t>(partition_for_key(key_name(static_cast<int>(g % 40)), 3))];
  for (int p = 0; p < 3; ++p) REQUIRE(routing.count_below(p, n) == brute[static_cast<std::size_t>(p)]);
  REQUIRE(key_name(7) == "key-7");
}

TEST_CASE("per_key_order fails when a key's earlier message sits behind its later one", "[queue]") {
  Observations o = one_partition();
  o.keys_by_partition = {{3, 8}};  // sequences 0, 2, 4, ... carry key 3; 1, 3, 5, ... key 8
  o.final_logs[0] = {batch(0, 4, 0, 0), batch(4, 4, 0, 4)};
  REQUIRE(check_key_order(o).held);
  // A retried batch (sequences 0..3) lands behind the next one: both keys go back.
  o.final_logs[0] = {batch(0, 4, 0, 4), batch(4, 4, 0, 0)};
  sim::CheckResult r = check_key_order(o);
  REQUIRE_FALSE(r.held);
  REQUIRE(r.summary.rfind("4 messages of 2 keys", 0) == 0);
  // Without keys the check has nothing to judge.
  o.keys_by_partition.clear();
  REQUIRE(check_key_order(o).held);
}

TEST_CASE("a keyed producer writes each key only to its murmur2 partition, in order", "[queue]") {
  const std::string base =
      "name: t\nmodel: queue\nseed: 1\nduration: 4s\n"
      "network:\n  latency: { dist: constant, value: 1ms }\n"
      "params:\n  rate: 2000/s\n  drain: 1s\n";
  // One key: every message goes to the partition murmur2 gives "key-0".
  sim::RunResult one = run_text(base + "  keys: 1\n");
  int home = partition_for_key("key-0", 3);
  for (const sim::Table& table : one.tables)
    if (table.title == "Partitions at the end")
      for (int p = 0; p < 3; ++p)
        CHECK((table.rows[static_cast<std::size_t>(p)][5] != "0") == (p == home));
  CHECK(check_named(one, "per_key_order").held);
  CHECK(check_named(one, "unseen").held);
  sim::RunResult many = run_text(base + "  keys: 50\n");
  CHECK(check_named(many, "per_key_order").held);
  CHECK(many.measures.at("acknowledged_messages") >= 5'000);
}

TEST_CASE("the sticky partitioner fills a batch on one partition before it moves on", "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 4s\n"
      "network:\n  latency: { dist: constant, value: 1ms }\n"
      "params:\n  rate: 2000/s\n  drain: 1s\n  null_key_partitioner: sticky\n  batch_size: 10000\n";
  sim::RunResult sticky = run_text(text);
  CHECK(check_named(sticky, "unseen").held);
  CHECK(sticky.measures.at("acknowledged_messages") >= 5'000);
  // Each 5 ms linger closes 10 messages: round robin cuts them into a batch per partition,
  // sticky keeps them in one until the partition has had batch_size bytes.
  sim::RunResult round_robin = run_text(text.substr(0, text.find("  null_key")) + "  batch_size: 10000\n");
  CHECK(sticky.measures.at("sent_batches") * 2 < round_robin.measures.at("sent_batches"));
}

TEST_CASE("the idempotent producer needs acks=all and at most 5 requests in flight", "[queue]") {
  const std::string base = "name: t\nmodel: queue\nduration: 5s\nparams:\n  enable_idempotence: true\n";
  auto error_of = [](const std::string& text) -> std::string {
    try {
      sim::check_scenario(sim::parse_scenario(text, "t.yaml"));
    } catch (const sim::ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of(base + "  acks: \"1\"\n").find("enable_idempotence: needs acks: all") != std::string::npos);
  CHECK(error_of(base + "  max_in_flight: 6\n").find("needs max_in_flight of at most 5") != std::string::npos);
  CHECK(error_of(base + "  max_in_flight: 5\n").empty());
}

TEST_CASE("the transactional producer's settings are checked, each with one message naming the key", "[queue]") {
  auto error_of = [](const std::string& params) -> std::string {
    try {
      sim::check_scenario(sim::parse_scenario("name: t\nmodel: queue\nduration: 5s\nparams:\n" + params, "t.yaml"));
    } catch (const sim::ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of("  transactional_id: t\n").find("transactional_id: needs enable_idempotence: true") !=
        std::string::npos);
  CHECK(error_of("  transaction_messages: 10\n").find("transaction_messages: needs transactional_id") !=
        std::string::npos);
  CHECK(error_of("  txn_protocol: kip890\n").find("txn_protocol: needs transactional_id") != std::string::npos);
  const std::string txn = "  enable_idempotence: true\n  transactional_id: t\n";
  CHECK(error_of(txn + "  transaction_abort_share: 3/2\n").find("must be between 0 and 1") != std::string::npos);
  CHECK(error_of(txn + "  txn_protocol: kip891\n").find("kip890") != std::string::npos);
  CHECK(error_of(txn + "  isolation_level: read_committed\n  txn_protocol: kip890\n").empty());
  CHECK(error_of("  group_members: 2\n  sink: transactional\n")
            .find("sink: transactional commits the offsets in each poll's transaction: it needs commit: "
                  "after_processing") != std::string::npos);
  CHECK(error_of("  group_members: 2\n  commit: after_processing\n  sink: transactional\n").empty());
}

TEST_CASE("the range assignor gives each member a consecutive run, the first ones one more", "[queue]") {
  REQUIRE(range_owners({0, 1}, 3) == std::vector<int>{0, 0, 1});
  REQUIRE(range_owners({0, 2, 5}, 2) == std::vector<int>{0, 2});
  REQUIRE(range_owners({1}, 3) == std::vector<int>{1, 1, 1});
  REQUIRE(range_owners({}, 2) == std::vector<int>{-1, -1});
}

TEST_CASE("the cooperative-sticky assignor keeps what members own and withholds what moves", "[queue]") {
  using Owned = std::map<int, std::vector<int>>;
  // A fourth member joins three that own two partitions each: one of consumer-3's moves.
  Owned three{{0, {0, 1}}, {1, {2, 3}}, {2, {4, 5}}};
  REQUIRE(sticky_owners({0, 1, 2, 3}, three, 6) == std::vector<int>{0, 0, 1, 1, 2, 3});
  CooperativeAssignment join = cooperative_owners({0, 1, 2, 3}, three, 6);
  REQUIRE(join.owner == std::vector<int>{0, 0, 1, 1, 2, -1});
  REQUIRE(join.revoking == std::vector<int>{-1, -1, -1, -1, -1, 2});
  // The second round: consumer-3 owns only p4 now, and nobody owns p5: it goes to the newcomer.
  CooperativeAssignment second = cooperative_owners({0, 1, 2, 3}, Owned{{0, {0, 1}}, {1, {2, 3}}, {2, {4}}}, 6);
  REQUIRE(second.owner == std::vector<int>{0, 0, 1, 1, 2, 3});
  REQUIRE(second.revoking == std::vector<int>(6, -1));
  // A member removed: its partitions are unowned and go straight to the others, nothing revoked.
  CooperativeAssignment removed = cooperative_owners({0, 1}, Owned{{0, {0, 1}}, {1, {2, 3}}}, 6);
  REQUIRE(removed.owner == std::vector<int>{0, 0, 1, 1, 0, 1});
  REQUIRE(removed.revoking == std::vector<int>(6, -1));
  // One member owns everything: it keeps its share, the lowest, and revokes the rest.
  CooperativeAssignment hog = cooperative_owners({0, 1}, Owned{{0, {3, 2, 1, 0}}}, 4);
  REQUIRE(hog.owner == std::vector<int>{0, 0, -1, -1});
  REQUIRE(hog.revoking == std::vector<int>{-1, -1, 0, 0});
  REQUIRE(sticky_owners({}, {}, 2) == std::vector<int>{-1, -1});
}

TEST_CASE("a keyed sink applies a record once however often it is processed, a plain one each time", "[queue]") {
  Sink keyed(SinkKind::keyed, 1);
  REQUIRE(keyed.apply(0, 10, 10) == std::vector<Span>{{10, 20}});
  REQUIRE(keyed.apply(0, 0, 30) == std::vector<Span>{{0, 10}, {20, 30}});
  REQUIRE(keyed.apply(0, 5, 20).empty());
  REQUIRE(keyed.apply(0, 40, 5) == std::vector<Span>{{40, 45}});
  REQUIRE(keyed.apply(0, 25, 20) == std::vector<Span>{{30, 40}});
  Sink plain(SinkKind::plain, 1);
  REQUIRE(plain.apply(0, 10, 10) == std::vector<Span>{{10, 20}});
  REQUIRE(plain.apply(0, 10, 10) == std::vector<Span>{{10, 20}});
}

namespace {

Observations group_run() {
  Observations o = one_partition();
  o.group = true;
  o.final_logs[0] = {batch(0, 100, 0, 0)};
  o.final_committed = {100};
  o.assignments = {Assignment{1, at_s(1), {0}}};
  return o;
}

Processing processing(int member, int generation, Offset base, std::int64_t count, Instant at) {
  return Processing{member, generation, 0, base, count, {{base, base + count}}, at};
}

}  // namespace

TEST_CASE("the group checks catch a record processed twice, one never processed, and a zombie", "[queue]") {
  Observations o = group_run();
  o.processings = {processing(0, 1, 0, 100, at_s(2))};
  o.commits = {Commit{0, 0, 50, at_s(2)}, Commit{0, 0, 100, at_s(3)}};
  REQUIRE(check_duplicate_processing(o).held);
  REQUIRE(check_lost_consumption(o).held);
  REQUIRE(check_zombie_processing(o).held);
  REQUIRE(check_committed_offset_regression(o).held);
  REQUIRE(check_consumer_lag(o, 0).held);
  // Member 0 lost p0 to member 1 in generation 2, then finished records 40..60 anyway.
  o.assignments.push_back(Assignment{2, at_s(4), {1}});
  o.processings = {processing(0, 1, 0, 60, at_s(2)), processing(1, 2, 40, 60, at_s(5)),
                   processing(0, 1, 40, 20, at_s(6))};
  REQUIRE(check_duplicate_processing(o).summary.rfind("40 records", 0) == 0);
  sim::CheckResult zombie = check_zombie_processing(o);
  REQUIRE_FALSE(zombie.held);
  REQUIRE(zombie.summary.rfind("20 records", 0) == 0);
  // Committed to 100 but nobody processed 60..100: lost.
  o.processings = {processing(0, 1, 0, 60, at_s(2))};
  REQUIRE(check_lost_consumption(o).summary.rfind("40 records", 0) == 0);
  o.commits.push_back(Commit{1, 0, 80, at_s(5)});
  REQUIRE_FALSE(check_committed_offset_regression(o).held);
  o.final_committed = {30};
  REQUIRE_FALSE(check_consumer_lag(o, 50).held);
  REQUIRE(check_consumer_lag(o, 70).held);
  // Without a group, nothing is judged.
  o.group = false;
  REQUIRE(check_lost_consumption(o).held);
}

TEST_CASE("a consumer group run: one seed gives one trace, another seed another", "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 12s\n"
      "network:\n  latency: { dist: lognormal, median: 1ms, p99: 5ms }\n"
      "faults:\n  - at: 5s\n    pause: { node: consumer-2, duration: 4s }\n"
      "params:\n  rate: 200/s\n  drain: 2s\n  group_members: 2\n  session_timeout: 3s\n  heartbeat_interval: 1s\n"
      "  processing_time: 2ms\n  enable_idempotence: true\n  keys: 10\n";
  auto hash_of = [&](std::uint64_t seed) { return run_text(text, seed).trace_hash; };
  REQUIRE(hash_of(7) == hash_of(7));
  REQUIRE(hash_of(7) != hash_of(8));
  // The pause outlasts the session: the group rebalances and consumer-1 takes p1 over.
  sim::RunResult r = run_text(text, 7);
  CHECK_FALSE(check_named(r, "duplicate_processing").held);
  CHECK(check_named(r, "lost_consumption").held);
}

namespace {

std::string scale_out(const std::string& protocol) {
  return "name: t\nmodel: queue\nseed: 1\nduration: 20s\n"
         "network:\n  latency: { dist: constant, value: 2ms }\n"
         "faults:\n  - at: 0s\n    crash: { node: consumer-4, restart_after: 8s }\n"
         "  - at: 0s\n    crash: { node: consumer-2, restart_after: 350ms }\n"
         "  - at: 0s\n    crash: { node: consumer-3, restart_after: 700ms }\n"
         "params:\n  rate: 600/s\n  partitions: 6\n  drain: 2s\n  group_members: 4\n  session_timeout: 10s\n"
         "  heartbeat_interval: 1s\n  processing_time: 2ms\n  rebalance_protocol: " +
         protocol + "\n";
}

}  // namespace

TEST_CASE("a scale-out pauses every partition with eager rebalancing, only the moved one with cooperative",
          "[queue]") {
  sim::RunResult eager = run_text(scale_out("eager"));
  sim::RunResult cooperative = run_text(scale_out("cooperative"));
  for (const sim::RunResult* r : {&eager, &cooperative})
    for (const char* name : {"duplicate_processing", "lost_consumption", "zombie_processing", "per_partition_order",
                             "committed_offset_regression", "unseen"})
      CHECK(check_named(*r, name).held);
  // Eager: the three members give up all six partitions when consumer-4 joins, and those that
  // learn of it first wait for the last (their heartbeats are out of phase: they started apart).
  // Cooperative: consumer-3 revokes p5 alone, which waits one more rebalance for consumer-4.
  CHECK(eager.measures.at("partition_pauses") == 6);
  CHECK(cooperative.measures.at("partition_pauses") == 1);
  CHECK(cooperative.measures.at("partition_paused_s") < eager.measures.at("partition_paused_s") / 3);
  CHECK(cooperative.measures.at("consumer_lag_max") < eager.measures.at("consumer_lag_max"));
  CHECK(run_text(scale_out("cooperative"), 2).trace_hash != cooperative.trace_hash);
  CHECK(run_text(scale_out("cooperative")).trace_hash == cooperative.trace_hash);
}

TEST_CASE("cooperative rebalancing does not stop a zombie: a member paused past its session still duplicates",
          "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 25s\n"
      "network:\n  latency: { dist: constant, value: 2ms }\n"
      "faults:\n  - at: 5s\n    pause: { node: consumer-2, duration: 12s }\n"
      "params:\n  rate: 100/s\n  linger: 20ms\n  drain: 2s\n  group_members: 3\n  session_timeout: 10s\n"
      "  heartbeat_interval: 1s\n  processing_time: 25ms\n  rebalance_protocol: cooperative\n";
  sim::RunResult r = run_text(text);
  // Its partition goes to another member in one round (a removed member owns nothing), and
  // when it wakes it applies what it had polled: the protocol cannot fence a sink.
  CHECK_FALSE(check_named(r, "duplicate_processing").held);
  CHECK_FALSE(check_named(r, "zombie_processing").held);
  CHECK(check_named(r, "lost_consumption").held);
  CHECK(check_named(r, "committed_offset_regression").held);
}

TEST_CASE("a transactional read-process-write fences the zombie's output: one effect per record", "[queue]") {
  auto paused = [](const std::string& sink, const std::string& protocol) {
    return run_text("name: t\nmodel: queue\nseed: 1\nduration: 25s\n"
                    "network:\n  latency: { dist: constant, value: 2ms }\n"
                    "faults:\n  - at: 5s\n    pause: { node: consumer-2, duration: 12s }\n"
                    "params:\n  rate: 100/s\n  linger: 20ms\n  drain: 2s\n  group_members: 3\n"
                    "  session_timeout: 10s\n  heartbeat_interval: 1s\n  processing_time: 25ms\n"
                    "  commit: after_processing\n  sink: " +
                    sink + "\n  rebalance_protocol: " + protocol + "\n");
  };
  // Committing after processing, the zombie's effects land and its partition's new owner
  // processes the same records again.
  sim::RunResult plain = paused("plain", "eager");
  CHECK_FALSE(check_named(plain, "duplicate_processing").held);
  CHECK_FALSE(check_named(plain, "zombie_processing").held);
  // In a transaction with its offsets, the zombie's output is refused with its commit.
  for (const char* protocol : {"eager", "cooperative"}) {
    sim::RunResult txn = paused("transactional", protocol);
    INFO(protocol);
    for (const char* name : {"duplicate_processing", "zombie_processing", "lost_consumption",
                             "committed_offset_regression", "unseen", "per_partition_order"})
      CHECK(check_named(txn, name).held);
  }
}

namespace {

Batch txn_batch(Offset base, std::int64_t count, std::int64_t producer_id, std::int64_t first_seq) {
  Batch b = batch(base, count, 0, first_seq);
  b.producer_id = producer_id;
  b.transactional = true;
  return b;
}

Batch marker(Offset base, std::int64_t producer_id, Control control) {
  Batch b;
  b.base = base;
  b.count = 1;
  b.producer = 0;
  b.producer_id = producer_id;
  b.transactional = true;
  b.control = control;
  return b;
}

}  // namespace

TEST_CASE("the last stable offset stops at the earliest open transaction, and aborted ones are indexed", "[queue]") {
  PartitionLog log;
  log.append(batch(0, 10, 0, 0));
  REQUIRE(log.last_stable_offset(10) == 10);
  log.append(txn_batch(10, 5, 7, 0));
  log.append(txn_batch(15, 5, 8, 0));
  REQUIRE(log.last_stable_offset(20) == 10);
  log.append(marker(20, 7, Control::abort));
  // Producer 7's transaction aborted, 8's still open.
  REQUIRE(log.last_stable_offset(21) == 15);
  log.append(marker(21, 8, Control::commit));
  // The commit marker is not yet below the high watermark: still unstable.
  REQUIRE(log.last_stable_offset(21) == 15);
  REQUIRE(log.last_stable_offset(22) == 22);
  std::vector<AbortedTxn> aborted = log.aborted_between(0, 22);
  REQUIRE(aborted.size() == 1);
  CHECK(aborted[0].producer_id == 7);
  CHECK(aborted[0].first == 10);
  CHECK(aborted[0].marker == 20);
  CHECK(log.aborted_between(21, 22).empty());
  // Truncation takes the abort marker away: producer 7's transaction is open again.
  log.truncate(20);
  REQUIRE(log.last_stable_offset(20) == 10);
  REQUIRE(log.aborted_between(0, 20).empty());
}

TEST_CASE("torn_txn, aborted_read and a committed transaction's lost writes on hand-made histories", "[queue]") {
  // Transaction 0 committed with 4 records in p0; the final log holds its first 2 under a commit
  // marker and the last 2 under an abort marker (a late EndTxn ended it early).
  Observations o = one_partition();
  o.read_committed = true;
  TxnRecord t;
  t.index = 0;
  t.producer = 1;
  t.outcome = TxnOutcome::committed;
  t.writes.emplace_back(0, 0, 4);
  t.ended = at_s(2);
  o.txns.push_back(t);
  o.acks.push_back(Ack{0, 1, 0, 2, 0, Instant::zero(), at_s(1), 0});
  o.acks.push_back(Ack{0, 1, 2, 2, 3, Instant::zero(), at_s(1), 0});
  o.final_logs[0] = {txn_batch(0, 2, 5, 0), txn_batch(3, 2, 5, 2)};
  o.final_markers = {{marker(2, 5, Control::commit), marker(5, 5, Control::abort)}};
  CHECK_FALSE(check_torn_txn(o).held);
  sim::CheckResult unseen;
  sim::CheckResult lost = check_lost_and_unseen(o, unseen);
  CHECK_FALSE(lost.held);
  CHECK(lost.summary.rfind("2 of 4", 0) == 0);
  // A read_committed poll of the committed half is fine; of the aborted half, G1a.
  o.polls.push_back(Poll{0, txn_batch(0, 2, 5, 0), at_s(3)});
  CHECK(check_aborted_read(o).held);
  o.polls.push_back(Poll{0, txn_batch(3, 2, 5, 2), at_s(3)});
  CHECK_FALSE(check_aborted_read(o).held);
  // Had the producer aborted it, reading even the committed half would be an aborted read, and
  // none of it a lost write.
  // A record the final logs lost (every replica's page cache, say) is a lost write, not G1a.
  Observations lost_logs = o;
  lost_logs.final_logs[0].clear();
  lost_logs.final_markers[0].clear();
  lost_logs.polls.pop_back();
  CHECK(check_aborted_read(lost_logs).held);
  o.polls.pop_back();
  o.txns[0].outcome = TxnOutcome::aborted;
  CHECK_FALSE(check_aborted_read(o).held);
  CHECK(check_lost_and_unseen(o, unseen).held);
}
