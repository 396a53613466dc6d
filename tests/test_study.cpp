// Goal: a study crosses rows, columns and fault classes into cells whose rates come from real
// sweeps; the shipped Redlock-versus-fencing study shows what the reference says (fencing
// refuses every late write; plain storage takes some under pauses; no fault, no overlap); the
// result does not depend on the number of threads; a bad study file is one clear error.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "reports/study_report.hpp"
#include "sim/run/study.hpp"
#include "sim/scenario/error.hpp"
#include "tests/checkout.hpp"
#include "tests/study_support.hpp"

using namespace sim;
using namespace sim::literals;
using study_support::cell_of;

namespace {

std::string shipped_study() { return std::string(checkout::source_dir) + "/scenarios/studies/redlock-vs-fencing.yaml"; }

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
  CHECK_THAT(message("bad-class-row.yaml", head + "rows: [{label: a}]\ncolumns: [{label: b}]\n"
                                                 "faults: [{label: none, rows: [a, z]}]\n"),
             Catch::Contains(":6:") && Catch::Contains("'z' is not the label of one of the study's rows"));
  CHECK_THAT(message("bad-class-param.yaml", head + "rows: [{label: a}]\ncolumns: [{label: b}]\n"
                                                   "faults: [{label: long, params: {tll: 3s}}]\n"),
             Catch::Contains("cell a / b / long") && Catch::Contains("tll"));
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

TEST_CASE("a fault class's params are laid over its cells' last, and its rows: keep it to those rows", "[study]") {
  const std::string text =
      "name: s\nchecks: [overlapping_holders]\nscenario: { model: lock, duration: 1s, params: { ttl: 1s } }\n"
      "rows: [{label: a}, {label: b}]\ncolumns: [{label: c, params: { ttl: 2s }}]\n"
      "faults: [{label: none}, {label: long, params: { ttl: 3s }, rows: [b],\n"
      "          faults: [{ at: 100ms, pause: { node: client-1, duration: 50ms } }]}]\n";
  std::vector<StudyCell> cells = plan_study(load_study(write_temp("class-params.yaml", text)));
  REQUIRE(cells.size() == 4);
  auto has = [](const StudyCell& cell, const std::string& part) {
    return cell.scenario_text.find(part) != std::string::npos;
  };
  // Row a is outside the class: its cell is the column's, with no fault.
  CHECK_FALSE(cells[1].fault_applies);
  CHECK(has(cells[1], "ttl: 2s"));
  CHECK_FALSE(has(cells[1], "pause"));
  CHECK(cells[3].fault_applies);
  CHECK(has(cells[3], "ttl: 3s"));
  CHECK(has(cells[3], "pause"));
  CHECK(has(cells[2], "ttl: 2s"));
}

TEST_CASE("a fault class's duration sets the length of its cells' runs, every row's, and is checked", "[study]") {
  const std::string head =
      "name: s\nchecks: [overlapping_holders]\nscenario: { model: lock, duration: 1s }\n"
      "rows: [{label: a}, {label: b}]\ncolumns: [{label: c}]\n";
  std::vector<StudyCell> cells = plan_study(load_study(write_temp(
      "class-duration.yaml", head +
                                 "faults: [{label: none}, {label: long, duration: 3s, rows: [b],\n"
                                 "          faults: [{ at: 2500ms, pause: { node: client-1, duration: 50ms } }]}]\n")));
  REQUIRE(cells.size() == 4);
  CHECK(cells[0].scenario.duration == 1_s);
  CHECK(cells[1].scenario.duration == 3_s);  // row a is outside the class's faults, not its length
  CHECK(cells[3].scenario.duration == 3_s);
  CHECK(cells[3].scenario.faults.size() == 1);  // at 2.5 s: inside the class's runs, past the scenario's
  auto message = [&](const std::string& faults) {
    try {
      plan_study(load_study(write_temp("class-duration-bad.yaml", head + faults)));
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(message("faults: [{label: none, duration: 3 parsecs}]\n"), Catch::Contains(":6:"));
  CHECK_THAT(message("faults: [{label: none, duration: 0s}]\n"), Catch::Contains("duration"));
}

namespace {

std::string curve_study() {
  return std::string(checkout::source_dir) + "/scenarios/studies/redlock-vs-fencing-pause-curve.yaml";
}

const Curve& curve_of(const std::vector<Curve>& curves, const std::string& check, const std::string& design) {
  for (const Curve& curve : curves)
    if (curve.check == check && curve.design == design) return curve;
  FAIL("no curve of " << check << " for " << design);
  throw std::logic_error("unreachable");
}

std::uint64_t violated_from(const Curve& curve, std::size_t first) {
  std::uint64_t total = 0;
  for (std::size_t i = first; i < curve.points.size(); ++i) total += curve.points[i].runs_violated;
  return total;
}

}  // namespace

TEST_CASE("the pause-length curve: pauses well inside the TTL break no lock, longer ones break every design",
          "[study]") {
  Study study = load_study(curve_study());
  REQUIRE(study.vary);
  CHECK(study.vary->param == "pause.duration");
  StudyOptions options;
  options.jobs = 2;
  StudyResult result = run_study(study, options);  // at the file's own seeds, as a user runs it
  REQUIRE(result.cells.size() == 3 * 2 * 10);
  std::vector<Curve> curves = study_curves(result);
  REQUIRE(curves.size() == 2 * 6);
  for (const Curve& curve : curves) {
    INFO(curve.check << " / " << curve.design);
    CHECK(curve.param == "pause.duration");
    REQUIRE(curve.points.size() == 10);
    CHECK(curve.points.front().value == "200ms");
    CHECK(curve.points.front().x == Approx(0.2));  // a tenth of the 2 s TTL
    CHECK(curve.points.back().x == Approx(6.0));   // three times it
    for (const CurvePoint& point : curve.points) CHECK(point.runs == study.seeds);
    CHECK(curve.points.front().runs_violated == 0);  // a 200 ms pause leaves every lock held
    if (curve.design.find("/ fenced /") != std::string::npos && curve.check == "stale_writes")
      CHECK(violated_from(curve, 0) == 0);  // the fenced storage refuses every late write
  }
  for (const char* design : {"single Redis", "Redlock", "consensus"}) {
    INFO(design);
    // From the TTL on, pauses put two holders on every design, and plain storage takes the late write.
    CHECK(violated_from(curve_of(curves, "overlapping_holders", std::string(design) + " / plain / GC pause"), 5) > 0);
    CHECK(violated_from(curve_of(curves, "stale_writes", std::string(design) + " / plain / GC pause"), 5) > 0);
  }
  // The JSON holds the curves in the shape the HTML report draws from.
  nlohmann::json json = nlohmann::json::parse(study_report_json(result));
  REQUIRE(json["curves"].size() == 12);
  const nlohmann::json& point = json["curves"][0]["points"][3];
  CHECK(json["curves"][0]["param"] == "pause.duration");
  CHECK(json["curves"][0]["check"] == "overlapping_holders");
  CHECK(json["curves"][0]["design"] == "single Redis / plain / GC pause");
  CHECK(point["value"] == "1.5s");
  CHECK(point["x"] == Approx(1.5));
  CHECK(point["runs"] == study.seeds);
  CHECK(point["rate"] == Approx(double(point["runs_violated"]) / double(point["runs"])));
  CHECK(point["interval_95"]["low"] <= point["rate"]);
  CHECK(point["interval_95"]["high"] >= point["rate"]);
  std::string md = study_report_markdown(result);
  CHECK(md.find("## Runs with stale_writes violated, against pause.duration") != std::string::npos);
  CHECK(study_console_summary(result).find("overlapping_holders against pause.duration") != std::string::npos);
}

TEST_CASE("a study with vary: gives the same reports on one thread and on two", "[study]") {
  Study study = load_study(curve_study());
  StudyOptions options;
  options.seeds = 3;
  options.jobs = 1;
  StudyResult one = run_study(study, options);
  options.jobs = 2;
  StudyResult two = run_study(study, options);
  CHECK(study_report_json(one) == study_report_json(two));
  CHECK(study_report_markdown(one) == study_report_markdown(two));
  CHECK(study_console_summary(one) == study_console_summary(two));
}

TEST_CASE("a study's cells share one pool of threads: every cell reported done once, in count order", "[study]") {
  Study study = load_study(curve_study());
  std::vector<StudyCell> cells = plan_study(study);
  StudyOptions options;
  options.seeds = 3;
  options.jobs = 2;
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  options.progress = [&calls](std::size_t done, std::size_t all) { calls.emplace_back(done, all); };
  StudyResult pooled = run_study(study, options);
  REQUIRE(calls.size() == cells.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    CHECK(calls[i].first == i + 1);
    CHECK(calls[i].second == cells.size());
  }
  // The pool gives each cell what a sweep of that cell alone gives.
  for (std::size_t i = 0; i < cells.size(); ++i) {
    SeedRuns alone = run_seeds(cells[i].scenario, cell_sweep_options(3, 1));
    SweepResult sweep = sweep_result_of(cells[i].scenario, cell_sweep_options(3, 1), alone);
    CHECK(pooled.cells[i].sweep.runs_violated == sweep.runs_violated);
    CHECK(pooled.cells[i].sweep.total_events == sweep.total_events);
    CHECK(pooled.cells[i].sweep.single_trace_hash == sweep.single_trace_hash);
  }
}

TEST_CASE("vary: takes a list or a range, and a bad param, unit or value is one error at the vary", "[study]") {
  auto message = [](const std::string& name, const std::string& text) {
    try {
      plan_study(load_study(write_temp(name, text)));
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string head =
      "name: s\nchecks: [overlapping_holders]\nscenario: { model: lock, duration: 10s, params: { ttl: 2s } }\n"
      "rows: [{label: a}]\ncolumns: [{label: b}]\n"
      "faults: [{label: p, faults: [{at: 1s, pause: {node: client-1, duration: 1s}}]}]\n";
  Study ranged = load_study(write_temp("range.yaml", head + "vary: {param: params.ttl, from: 1s, to: 2s, steps: 3}\n"));
  REQUIRE(ranged.vary);
  CHECK(ranged.vary->values == std::vector<std::string>{"1s", "1.5s", "2s"});
  std::vector<StudyCell> cells = plan_study(ranged);
  REQUIRE(cells.size() == 3);
  CHECK(cells[1].place.value == "1.5s");
  CHECK(cells[1].place.slug == "a--b--1-5s--p");
  CHECK(cells[1].scenario_text.find("ttl: 1.5s") != std::string::npos);
  Study listed = load_study(write_temp("list.yaml", head + "vary: {param: pause.duration, values: [2s, 3s]}\n"));
  std::vector<StudyCell> paused = plan_study(listed);
  REQUIRE(paused.size() == 2);
  CHECK(paused[1].scenario.faults.size() == 1);
  CHECK(std::get<PauseFault>(paused[1].scenario.faults[0].action).duration == Duration::seconds(3));

  CHECK_THAT(message("path.yaml", head + "vary: {param: pause_length, values: [1s]}\n"),
             Catch::Contains(":7:") && Catch::Contains("expected duration, params.KEY"));
  CHECK_THAT(message("kinds.yaml", head + "vary: {param: pause.duration, values: [1s, 3]}\n"),
             Catch::Contains("expected a duration (as 2s) like the first value, got '3'"));
  CHECK_THAT(message("unit.yaml", head + "vary: {param: pause.duration, values: [1, 2]}\n"),
             Catch::Contains(":7:") && Catch::Contains("vary: pause.duration = 1") && Catch::Contains("unit"));
  CHECK_THAT(message("model.yaml", head + "vary: {param: params.no_such_param, values: [1, 2]}\n"),
             Catch::Contains(":7:") && Catch::Contains("no_such_param"));
  CHECK_THAT(message("nothing.yaml", head + "vary: {param: crash.restart_after, values: [1s]}\n"),
             Catch::Contains("names nothing in any cell"));
  CHECK_THAT(message("both.yaml", head + "vary: {param: params.ttl, values: [1s], from: 1s, to: 2s, steps: 2}\n"),
             Catch::Contains("either values"));
  CHECK_THAT(message("repeat.yaml", head + "vary: {param: params.ttl, values: [1s, 1s]}\n"),
             Catch::Contains("distinct values"));
}
