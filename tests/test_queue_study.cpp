// Goal: the shipped study of the queue's acks and min.insync.replicas against fault classes
// (scenarios/studies/queue-acks-isr.yaml) shows, at a few seeds, what Kafka's documentation
// promises and where it stops: acks=all with min.insync.replicas=2 and clean elections loses no
// acknowledged write to crashes of the broker process, isolation or pauses; acks=1 loses some;
// a correlated power loss loses acknowledged writes whatever the acks (nothing was fsynced);
// without faults nothing is lost and every partition stays available.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sim/run/study.hpp"
#include "tests/checkout.hpp"
#include "tests/study_support.hpp"

using namespace sim;
using study_support::cell_of;
using study_support::keep_only;
using study_support::violated;

namespace {

std::string queue_study() { return std::string(checkout::source_dir) + "/scenarios/studies/queue-acks-isr.yaml"; }

}  // namespace

TEST_CASE("the acks and min.insync.replicas study: acks=all with min.insync.replicas=2 keeps what it acknowledged",
          "[queue]") {
  Study study = load_study(queue_study());
  REQUIRE(study.rows.size() == 3);
  REQUIRE(study.columns.size() == 2);
  REQUIRE(study.faults.size() == 6);
  REQUIRE(study.checks == std::vector<std::string>{"lost_acked_write", "availability"});
  // The rows the claims are about, to keep the test short.
  keep_only(study.rows, {"acks=1", "acks=all"});
  StudyOptions options;
  options.seeds = 8;
  options.jobs = 2;
  StudyResult result = run_study(study, options);
  REQUIRE(result.cells.size() == 2 * 2 * 6);

  const std::string isr2 = "min.insync.replicas=2";
  for (const std::string& column : {std::string("min.insync.replicas=1"), isr2})
    for (const std::string& row : {std::string("acks=1"), std::string("acks=all")}) {
      INFO(row << " / " << column);
      CHECK(violated(result, row, column, "none", "lost_acked_write") == 0);
      CHECK(violated(result, row, column, "none", "availability") == 0);
      // Every broker loses its page cache at once: what all three had acknowledged is on no disk.
      CHECK(violated(result, row, column, "power loss", "lost_acked_write") == options.seeds);
    }
  // One broker at a time, its disk kept, or cut off, or paused: acks=all with two in-sync
  // replicas has each acknowledged write on a replica the controller may elect.
  for (const char* fault : {"process crash", "isolation", "GC pause"}) {
    INFO(fault);
    CHECK(violated(result, "acks=all", isr2, fault, "lost_acked_write") == 0);
  }
  // acks=1 answers before any follower has the batch: a leader lost in that moment, or one that
  // wakes from a pause and acknowledges as a zombie, takes acknowledged writes with it.
  std::uint64_t acks1_lost = 0;
  for (const char* fault : {"process crash", "machine crash", "isolation", "GC pause"})
    acks1_lost += violated(result, "acks=1", isr2, fault, "lost_acked_write");
  CHECK(acks1_lost > 0);
}
