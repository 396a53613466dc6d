// Every shipped scenario does what its expect: block says, and replays byte for byte: one seed
// twice gives the same trace hash and the same report.json; another seed another trace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

#include "reports/json_report.hpp"
#include "sim/run/run.hpp"
#include "sim/run/study.hpp"
#include "sim/scenario/loader.hpp"

using namespace sim;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(DESIGNSIM_SOURCE_DIR) / "scenarios"))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml" && !is_study_path(entry.path()))
      files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string failures_text(const RunResult& r) {
  std::string text;
  for (const auto& p : r.expectation_problems) text += p + "\n";
  return text;
}

}  // namespace

TEST_CASE("there are shipped scenarios to verify", "[scenarios]") {
  REQUIRE(shipped_scenarios().size() >= 8);
}

TEST_CASE("each shipped scenario meets its expect: block and replays exactly", "[scenarios][determinism]") {
  // A scenario with constant arrivals and latencies draws nothing at random, so another seed
  // may replay it exactly; but every model must have scenarios whose trace the seed changes.
  std::map<std::string, bool> seed_changes_trace;
  for (const std::string& file : shipped_scenarios()) {
    INFO("scenario " << file);
    {
      Scenario scenario = load_scenario(file);
      check_scenario(scenario);
      RunOutput first = run_scenario(scenario, scenario.seed);
      INFO(failures_text(first.result));
      CHECK(first.result.expectations_met);
      for (const std::string& name : scenario.expect.violated) {
        auto it = std::find_if(first.result.checks.begin(), first.result.checks.end(),
                               [&](const CheckOutcome& c) { return c.result.name == name; });
        REQUIRE(it != first.result.checks.end());
        CHECK_FALSE(it->result.held);  // the failure the scenario exists to show happens
      }

      RunOutput again = run_scenario(scenario, scenario.seed);
      CHECK(again.result.trace_hash == first.result.trace_hash);
      CHECK(run_report_json(again.result) == run_report_json(first.result));

      RunOutput other = run_scenario(scenario, scenario.seed + 1);
      seed_changes_trace[scenario.model] |= other.result.trace_hash != first.result.trace_hash;
    }
  }
  for (const auto& [model, changed] : seed_changes_trace) {
    INFO("model " << model);
    CHECK(changed);
  }
}
