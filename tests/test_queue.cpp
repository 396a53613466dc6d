// Goal: the queue model's pieces do what Kafka does, on their own (replica placement, the log's
// leader-epoch cache and page cache, the controller's records, the checkers on hand-made
// histories, each able to fail), and a run is one trace per seed.
#include <catch2/catch.hpp>

#include "models/queue/checks.hpp"
#include "models/queue/cluster.hpp"
#include "models/queue/intervals.hpp"
#include "models/queue/log.hpp"
#include "models/queue/partitioner.hpp"
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
