// Goal: the shipped leader-election study (scenarios/studies/scheduler-election.yaml) shows what
// the clients and servers it models do: client-go keeps believing through a GC pause (it clears
// IsLeader only when its renew loop gives up), so two nodes lead; a Redis key's expiry follows the
// server's wall clock, so a step there ends a lease early, while client-go's and etcd's leases are
// timed on monotonic clocks and ignore steps; the seed's leader reads its own wall clock and fires
// early under clock faults; the fixed design's fires go through the store's fenced record and the
// store's clock, so nothing fires twice or early whichever election it runs on; and the result
// does not depend on the number of threads.
#include <catch2/catch.hpp>

#include <string>

#include "reports/study_report.hpp"
#include "sim/run/study.hpp"
#include "tests/checkout.hpp"
#include "tests/study_support.hpp"

using namespace sim;
using study_support::cell_of;
using study_support::violated;

TEST_CASE("the election study: pauses and clocks make two leaders, the fixed design's fires stay single",
          "[scheduler][study]") {
  Study study = load_study(std::string(checkout::source_dir) + "/scenarios/studies/scheduler-election.yaml");
  REQUIRE(study.rows.size() == 3);
  REQUIRE(study.columns.size() == 2);
  REQUIRE(study.faults.size() == 6);
  StudyOptions options;
  options.seeds = 8;
  options.jobs = 2;
  StudyResult result = run_study(study, options);
  REQUIRE(result.cells.size() == 36);
  for (const CellResult& cell : result.cells) {
    INFO(cell.cell.row << " / " << cell.cell.column << " / " << cell.cell.fault);
    for (const std::string& check : study.checks) {
      INFO(check);
      const CheckRate* rate = cell_rate(cell, check);
      REQUIRE(rate);
      CHECK(rate->runs == 8);
      if (cell.cell.fault == "none") CHECK(rate->runs_violated == 0);
      bool fixed = cell.cell.column == "fixed";
      if (fixed && (check == "duplicate_fire" || check == "early_fire")) CHECK(rate->runs_violated == 0);
    }
  }
  const std::string go = "client-go lease", etcd = "etcd lease", redis = "Redis lock";
  for (const char* design : {"seed", "fixed"}) {
    // A paused client-go leader wakes still leading; etcd's and Redis's clients count their own
    // lease time through the pause.
    CHECK(violated(result, go, design, "GC pause", "two_leaders") >
          violated(result, etcd, design, "GC pause", "two_leaders"));
    CHECK(violated(result, redis, design, "GC pause", "two_leaders") == 0);
    // Steps: Redis expires keys by the server's wall clock; the other two leases ignore steps.
    CHECK(violated(result, redis, design, "clock step", "two_leaders") > 0);
    CHECK(violated(result, go, design, "clock step", "two_leaders") == 0);
    CHECK(violated(result, etcd, design, "clock step", "two_leaders") == 0);
    // A slow clock on a cut-off leader stretches its belief past the lease on every election.
    for (const std::string& row : {go, etcd, redis})
      CHECK(violated(result, row, design, "drift + partition", "two_leaders") > 0);
  }
  for (const std::string& row : {go, etcd, redis}) {
    CHECK(violated(result, row, "seed", "clock step", "early_fire") > 0);  // the seed's own wall clock
    CHECK(violated(result, row, "seed", "clock drift", "early_fire") > 0);
  }

  options.jobs = 1;
  StudyResult again = run_study(study, options);
  CHECK(study_report_json(again) == study_report_json(result));
}
