// Every shipped scenario does what its expect: block says and replays exactly what it replayed
// when its golden file was written: the same trace hash, report.json and report.html, at its own
// seed. CTest runs each scenario once, as its own test (scenario:<model>/<name>); a changed
// golden file is a decision, named in the commit that rewrites it (scripts/update-golden).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/format.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "sim/kernel/fault_triggers.hpp"
#include "sim/kernel/random.hpp"
#include "sim/run/run.hpp"
#include "sim/run/study.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/scenario_under_test.hpp"

using namespace sim;
namespace fs = std::filesystem;

namespace {

const fs::path source_dir = checkout::source_dir;
const fs::path golden_dir = source_dir / "tests" / "golden";

/// Shipped scenarios relative to scenarios/ ("lock/redlock-clock-jump.yaml"), sorted.
std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir / "scenarios"))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml" && !is_study_path(entry.path()))
      files.push_back(fs::relative(entry.path(), source_dir / "scenarios"));
  std::sort(files.begin(), files.end());
  return files;
}

/// tests/golden/lock/redlock-clock-jump.golden for scenarios/lock/redlock-clock-jump.yaml.
fs::path golden_file(const fs::path& scenario) { return golden_dir / fs::path(scenario).replace_extension(".golden"); }

std::string golden_text(const fs::path& scenario, const RunResult& result) {
  std::string report = run_report_json(result);
  return fmt::format(
      "# The replay of scenarios/{} at its own seed. A change here is a decision: rewrite with\n"
      "# scripts/update-golden and say why in the commit.\n"
      "seed {}\ntrace {}\ntrace_records {}\nreport.json fnv1a64 {:016x}\nreport.html fnv1a64 {:016x}\n",
      scenario.generic_string(), result.seed, hash_text(result.trace_hash), result.trace_records,
      fnv1a64(report), fnv1a64(html_of_run_report(report)));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool updating_golden() {
  const char* flag = std::getenv("DESIGNSIM_UPDATE_GOLDEN");  // the test's switch, never read by a run
  return flag != nullptr && std::string(flag) == "1";
}

void check_expectations(const Scenario& scenario, const RunResult& result) {
  for (const std::string& problem : result.expectation_problems) FAIL_CHECK(problem);
  CHECK(result.expectations_met);
  for (const std::string& name : scenario.expect.violated) {
    INFO("expected violated: " << name);
    auto it = std::find_if(result.checks.begin(), result.checks.end(),
                           [&](const CheckOutcome& c) { return c.result.name == name; });
    REQUIRE(it != result.checks.end());
    CHECK_FALSE(it->result.held);  // the failure the scenario exists to show happens
  }
}

}  // namespace

TEST_CASE("there are shipped scenarios, each with its golden replay", "[scenarios]") {
  std::vector<fs::path> scenarios = shipped_scenarios();
  REQUIRE(scenarios.size() >= 8);
  for (const fs::path& scenario : scenarios) {
    INFO("scenario " << scenario.generic_string() << ": record it with scripts/update-golden");
    CHECK(fs::exists(golden_file(scenario)));
  }
  // A golden file whose scenario is gone (renamed, moved, deleted) goes with it.
  for (const auto& entry : fs::recursive_directory_iterator(golden_dir)) {
    if (!entry.is_regular_file()) continue;
    fs::path scenario = fs::relative(entry.path(), golden_dir).replace_extension(".yaml");
    INFO("golden file " << entry.path().string() << " has no scenario");
    CHECK(std::find(scenarios.begin(), scenarios.end(), scenario) != scenarios.end());
  }
}

TEST_CASE("the scenario named by --scenario meets its expect: block and replays its golden file", "[.][golden]") {
  REQUIRE_FALSE(scenario_under_test().empty());
  fs::path file = fs::absolute(scenario_under_test());
  fs::path scenario_path = fs::relative(file, source_dir / "scenarios");
  INFO("scenario " << scenario_path.generic_string());
  Scenario scenario = load_scenario(file.string());
  // Named as from the source folder, as the CLI names it, so that the report (which quotes the
  // file and its replay command) is the same wherever the tree is checked out.
  scenario.file = "scenarios/" + scenario_path.generic_string();
  check_scenario(scenario);
  RunOptions options;
  options.pictures = true;  // as designsim run gathers them, so report.html is pinned too
  options.return_trace = true;
  RunOutput output = run_scenario(scenario, scenario.seed, options);
  const RunResult& result = output.result;
  check_expectations(scenario, result);
  // A fault's `after:` may name any kind a run records; the loader knows them from the sources'
  // literals, so a kind spelt at run time (a prefix plus a word) would be refused there.
  const std::vector<std::string>& kinds = recorded_event_kinds();
  std::set<std::string> unlisted;
  for (const TraceRecord& record : output.trace)
    if (is_event_kind(record.kind) && !std::binary_search(kinds.begin(), kinds.end(), record.kind))
      unlisted.insert(record.kind);
  INFO("trace record kinds the list from cmake/event_kinds.cmake lacks (spell them whole in the source): "
       << fmt::format("{}", fmt::join(unlisted, ", ")));
  CHECK(unlisted.empty());

  std::string replayed = golden_text(scenario_path, result);
  fs::path golden = golden_file(scenario_path);
  if (updating_golden()) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << replayed;
    WARN("rewrote " << golden.string());
    return;
  }
  INFO("golden file " << golden.string() << "; if the change is meant, rewrite it with scripts/update-golden"
                      << " and say why in the commit; replay: "
                      << replay_command("scenarios/" + scenario_path.generic_string(), scenario.seed));
  REQUIRE(fs::exists(golden));
  CHECK(read_file(golden) == replayed);
}
