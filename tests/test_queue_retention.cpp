// Goal: a replica's log rolls segments and deletes them as Kafka's retention does (whole closed
// segments, oldest first, below the high watermark, by size and by time, the log start offset
// moving to the first segment left), answers offsetsForTimes, and the checkers judge what
// retention deleted as retention_skipped, never as a lost write.
#include <catch2/catch.hpp>

#include <set>

#include "models/queue/checks.hpp"
#include "models/queue/log.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"

using namespace queue;
using sim::Duration;
using sim::Instant;

namespace {

Instant at_s(std::int64_t s) { return Instant::zero() + Duration::seconds(s); }

// Segments of 1,000 bytes; a message is 100 bytes, a batch 4 messages (400 bytes).
PartitionLog small_segments(std::optional<std::int64_t> bytes = std::nullopt, Duration time = Duration::seconds(3600)) {
  Retention r;
  r.segment_bytes = 1000;
  r.message_bytes = 100;
  r.bytes = bytes;
  r.time = time;
  return PartitionLog(r);
}

void append_batches(PartitionLog& log, int batches, Instant created) {
  for (int i = 0; i < batches; ++i) {
    Batch b;
    b.base = log.end();
    b.count = 4;
    b.producer = 1;
    b.first_seq = log.end();
    b.created = created;
    log.append(b);
  }
}

std::vector<Offset> bases(const PartitionLog& log) {
  std::vector<Offset> out;
  for (const Segment& s : log.segments()) out.push_back(s.base);
  return out;
}

}  // namespace

TEST_CASE("a log rolls a new segment when a batch would take the active one past segment.bytes", "[queue]") {
  PartitionLog log = small_segments();
  append_batches(log, 5, at_s(1));
  // 400 + 400 fit in 1,000 bytes; the third batch would make 1,200.
  REQUIRE(bases(log) == std::vector<Offset>{0, 8, 16});
  REQUIRE(log.segments().back().bytes == 400);
  log.truncate(10);
  REQUIRE(bases(log) == std::vector<Offset>{0, 8});
  REQUIRE(log.segments().back().bytes == 200);
}

TEST_CASE("retention by size deletes whole old segments below the high watermark, never the active one", "[queue]") {
  PartitionLog log = small_segments(1000);
  append_batches(log, 5, at_s(1));  // segments of 800, 800 and 400 bytes: 2,000 in all
  // Nothing goes while the first segment reaches past the high watermark.
  REQUIRE(log.apply_retention(at_s(2), 7).empty());
  REQUIRE(log.start() == 0);
  // 1,000 bytes too many: the first segment (800) goes, the second would leave too little.
  std::vector<Deleted> gone = log.apply_retention(at_s(2), 20);
  REQUIRE(gone.size() == 1);
  REQUIRE(gone[0].from == 0);
  REQUIRE(gone[0].to == 8);
  REQUIRE(gone[0].reason == "size");
  REQUIRE(log.start() == 8);
  REQUIRE(bases(log) == std::vector<Offset>{8, 16});
  REQUIRE(log.read(0, 20, 100).front().base == 8);
  // 1,200 bytes left, 200 too many, less than any segment: nothing more.
  REQUIRE(log.apply_retention(at_s(3), 20).empty());
}

TEST_CASE("retention by time deletes segments whose newest record is older than retention.ms", "[queue]") {
  PartitionLog log = small_segments(std::nullopt, Duration::seconds(10));
  append_batches(log, 2, at_s(1));                     // segment 0: offsets 0..8, newest record at 1 s
  append_batches(log, 2, at_s(5));                     // segment 8: newest at 5 s
  append_batches(log, 1, at_s(20));                    // active segment 16: at 20 s
  REQUIRE(log.apply_retention(at_s(11), 20).empty());  // 10 s old is not more than 10 s
  REQUIRE(log.apply_retention(at_s(12), 20).front().to == 8);
  REQUIRE(log.apply_retention(at_s(16), 20).front().to == 16);
  REQUIRE(bases(log) == std::vector<Offset>{16});
  // The active segment goes only when it, too, is old and wholly below the high watermark:
  // then a new empty one is rolled first, and the log starts at its end.
  REQUIRE(log.apply_retention(at_s(40), 19).empty());
  REQUIRE(log.apply_retention(at_s(40), 20).front().to == 20);
  REQUIRE(log.start() == 20);
  REQUIRE(log.end() == 20);
  REQUIRE(log.apply_retention(at_s(80), 20).empty());  // an empty active segment stays
  append_batches(log, 1, at_s(81));
  REQUIRE(log.read(20, 24, 100).front().base == 20);
}

TEST_CASE("offsetsForTimes gives the first offset whose timestamp is at or after the target", "[queue]") {
  PartitionLog log = small_segments();
  append_batches(log, 1, at_s(1));
  append_batches(log, 1, at_s(3));
  append_batches(log, 1, at_s(5));
  REQUIRE(log.offset_for_time(at_s(0), 12) == 0);
  REQUIRE(log.offset_for_time(at_s(2), 12) == 4);
  REQUIRE(log.offset_for_time(at_s(3), 12) == 4);
  REQUIRE(log.offset_for_time(at_s(5), 12) == 8);
  REQUIRE_FALSE(log.offset_for_time(at_s(6), 12));
  REQUIRE_FALSE(log.offset_for_time(at_s(5), 8));  // past the high watermark
}

TEST_CASE("a follower takes the leader's log start, and starts over when it fell below it", "[queue]") {
  PartitionLog log = small_segments();
  log.begin_epoch(0);
  append_batches(log, 5, at_s(1));
  log.advance_start(10);
  REQUIRE(log.start() == 10);
  REQUIRE(bases(log) == std::vector<Offset>{8, 16});
  REQUIRE(log.end_offset_for(0) == std::pair<Epoch, Offset>{0, 20});
  log.restart_at(40);
  REQUIRE(log.start() == 40);
  REQUIRE(log.end() == 40);
  REQUIRE(log.last_epoch() == -1);
}

TEST_CASE("what retention deleted is retention_skipped when unpolled, and never a lost write", "[queue]") {
  Observations o;
  o.partitions = 1;
  o.run_end = at_s(10);
  o.produce_stop = at_s(10);
  Batch b;
  b.base = 100;
  b.count = 50;
  b.producer = 1;
  b.first_seq = 100;
  o.final_logs = {{b}};
  o.final_log_start = {100};
  o.acks = {Ack{0, 1, 0, 150, 0, Instant::zero(), at_s(1)}};
  Batch early;
  early.base = 0;
  early.count = 60;
  early.producer = 1;
  o.polls = {Poll{0, early, at_s(2), 0, 0}, Poll{0, b, at_s(3), 0, 0}};
  sim::CheckResult unseen;
  REQUIRE(check_lost_and_unseen(o, unseen).held);
  REQUIRE(unseen.held);
  // Offsets 60..100 were deleted before any poll reached them.
  sim::CheckResult skipped = check_retention_skipped(o);
  REQUIRE_FALSE(skipped.held);
  REQUIRE(skipped.summary.rfind("40 messages", 0) == 0);
  REQUIRE(skipped.details.at(0).second == "40 (offsets 60 to 100)");
  o.polls.front().piece.count = 100;
  REQUIRE(check_retention_skipped(o).held);
}

TEST_CASE("a run with small segments and retention by size: every replica's log start moves, nothing is lost",
          "[queue]") {
  const std::string text =
      "name: t\nmodel: queue\nseed: 1\nduration: 20s\n"
      "network:\n  latency: { dist: constant, value: 1ms }\n"
      "params:\n  rate: 1000/s\n  partitions: 1\n  log_segment_bytes: 20000\n  log_retention_bytes: 50000\n"
      "  log_retention_check_interval: 1s\n  drain: 2s\n";
  sim::RunOptions options;
  options.return_trace = true;
  sim::RunOutput out = sim::run_scenario(sim::parse_scenario(text, "t.yaml"), 1, options);
  // 1,000 messages of 100 bytes a second: a 20,000-byte segment every 0.2 s; the log keeps
  // about 50,000 bytes. Every broker deletes, the followers too.
  std::set<std::string> deleting;
  for (const sim::TraceRecord& r : out.trace)
    if (r.kind == "queue.retention") deleting.insert(out.node_names.at(r.node));
  CHECK(deleting == std::set<std::string>{"broker-1", "broker-2", "broker-3"});
  auto held = [&](const std::string& name) {
    for (const sim::CheckOutcome& c : out.result.checks)
      if (c.result.name == name) return c.result.held;
    FAIL("no check " << name);
    return false;
  };
  CHECK(held("lost_acked_write"));
  CHECK(held("unseen"));
  CHECK(held("retention_skipped"));
  CHECK(held("inconsistent_offsets"));
}
