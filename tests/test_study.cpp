// Goal: a study crosses rows, columns and fault classes into cells whose rates come from real
// sweeps; the shipped Redlock-versus-fencing study shows what the reference says (fencing
// refuses every late write; plain storage takes some under pauses; no fault, no overlap); the
// result does not depend on the number of threads; a bad study file is one clear error.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "reports/study_report.hpp"
#include "sim/run/study.hpp"
#include "sim/scenario/error.hpp"

using namespace sim;

namespace {

std::string shipped_study() { return std::string(DESIGNSIM_SOURCE_DIR) + "/scenarios/studies/redlock-vs-fencing.yaml"; }

const CellResult& cell_of(const StudyResult& result, const std::string& row, const std::string& column,
                          const std::string& fault) {
  for (const CellResult& cell : result.cells)
    if (cell.cell.row == row && cell.cell.column == column && cell.cell.fault == fault) return cell;
  FAIL("no cell " << row << " / " << column << " / " << fault);
  throw std::logic_error("unreachable");
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = std::string("/tmp/designsim-test-") + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("the Redlock-versus-fencing study shows fencing refusing what plain storage takes", "[study]") {
  Study study = load_study(shipped_study());
  REQUIRE(study.rows.size() == 3);
  REQUIRE(study.columns.size() == 3);
  REQUIRE(study.faults.size() == 6);
  StudyOptions options;
  options.seeds = 30;
  options.jobs = 2;
  StudyResult result = run_study(study, options);
  REQUIRE(result.cells.size() == 54);
  for (const CellResult& cell : result.cells) {
    INFO(cell.cell.row << " / " << cell.cell.column << " / " << cell.cell.fault);
    const CheckRate* stale = cell_rate(cell, "stale_writes");
    const CheckRate* overlap = cell_rate(cell, "overlapping_holders");
    REQUIRE(stale);
    REQUIRE(overlap);
    CHECK(stale->runs == 30);
    if (cell.cell.column != "plain") CHECK(stale->runs_violated == 0);  // fenced and check-and-set refuse late writes
    if (cell.cell.fault == "none") CHECK(overlap->runs_violated == 0);
    CHECK_FALSE(cell.sentence.empty());
  }
  // Pauses defeat both locks, and only the storage's check saves the data.
  for (const char* row : {"single Redis", "Redlock", "consensus"}) {
    CHECK(cell_rate(cell_of(result, row, "plain", "GC pause"), "stale_writes")->runs_violated > 0);
    CHECK(cell_rate(cell_of(result, row, "fenced", "GC pause"), "overlapping_holders")->runs_violated > 0);
  }
  const CellResult& paused = cell_of(result, "single Redis", "plain", "GC pause");
  REQUIRE(paused.example_seed);
  CHECK(paused.sentence.find("stale_writes broke at") != std::string::npos);
  CHECK(paused.sentence.find("pause of client-") != std::string::npos);  // the fault before it, named

  // The same study on one thread gives the same report, byte for byte.
  options.jobs = 1;
  StudyResult again = run_study(study, options);
  CHECK(study_report_json(again) == study_report_json(result));
  CHECK(study_report_markdown(again) == study_report_markdown(result));
}

TEST_CASE("a bad study file is one error at its place", "[study]") {
  auto message = [](const std::string& name, const std::string& text) {
    try {
      plan_study(load_study(write_temp(name, text)));
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string head = "name: s\nchecks: [overlapping_holders]\nscenario: { model: lock, duration: 1s }\n";
  CHECK_THAT(message("no-rows.yaml", head + "columns: [{label: a}]\nfaults: [{label: none}]\n"),
             Catch::Contains("rows") && Catch::Contains("expected a list"));
  CHECK_THAT(
      message("bad-key.yaml", head + "rows: [{label: a, parms: {}}]\ncolumns: [{label: a}]\nfaults: [{label: none}]\n"),
      Catch::Contains("parms") && Catch::Contains(":4:"));
  CHECK_THAT(
      message(
          "bad-param.yaml",
          head + "rows: [{label: a, params: {design: zookeeper}}]\ncolumns: [{label: b}]\nfaults: [{label: none}]\n"),
      Catch::Contains("cell a / b / none") && Catch::Contains("design"));
  // Two cells would share one file under cells/, and replaying the first would run the other.
  CHECK_THAT(
      message("shared-slug.yaml", head + "rows: [{label: single Redis}, {label: single-redis}]\ncolumns: [{label: b}]\n"
                                         "faults: [{label: none}]\n"),
      Catch::Contains(":4:") && Catch::Contains("'single Redis' and 'single-redis' would share the cell file name "
                                                "'single-redis'"));
  CHECK_THAT(message("shared-fault-slug.yaml", head + "rows: [{label: a}]\ncolumns: [{label: b}]\n"
                                                      "faults: [{label: GC pause}, {label: gc_pause}]\n"),
             Catch::Contains(":6:") && Catch::Contains("expected faults labels"));
  CHECK_THAT(message("bad-check.yaml",
                     "name: s\nchecks: [mutual_exclusion]\nscenario: { model: lock, duration: 1s }\n"
                     "rows: [{label: a}]\ncolumns: [{label: b}]\nfaults: [{label: none}]\n"),
             Catch::Contains("mutual_exclusion"));
  try {
    load_study("/nonexistent/study.yaml");
    FAIL("a missing file was accepted");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/study.yaml") && Catch::Contains("cannot open"));
  }
}
