// Goal: designsim shrink turns a scenario and a seed that violate a check into a smaller
// scenario that still violates it at that seed: valid (check accepts it), led by the schema
// line, replayed by run, with no more faults than the original and never longer. Random faults
// become the fixed faults that fired; the same input shrinks to the same bytes; a check that
// holds is refused with status 2. CTest runs the first case once per shipped scenario whose
// expect: block names a violated check (shrink:<model>/<name>).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/cli_support.hpp"
#include "tests/scenario_under_test.hpp"

using namespace sim;
namespace fs = std::filesystem;
using test_support::designsim;


namespace {

/// Runs per shrink in the per-scenario tests: enough for every shipped scenario to lose what
/// it can, few enough that all of them take a few minutes on two cores.
constexpr int test_budget = 40;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

bool violates(const RunResult& run, const std::string& check) {
  return std::any_of(run.checks.begin(), run.checks.end(),
                     [&](const CheckOutcome& c) { return c.result.name == check && !c.result.held; });
}

/// The schema line's path resolves, from the shrunk file's folder, to scenarios/schema.json.
void check_schema_line(const fs::path& shrunk) {
  std::string text = read_text(shrunk);
  const std::string prefix = "# yaml-language-server: $schema=";
  REQUIRE(text.rfind(prefix, 0) == 0);
  std::string path = text.substr(prefix.size(), text.find('\n') - prefix.size());
  CHECK(fs::equivalent(shrunk.parent_path() / path, fs::path(checkout::source_dir) / "scenarios" / "schema.json"));
}

/// Shrinks `file` for `check` at `seed` into `out` and checks everything a shrunk scenario
/// promises against the original's run.
void check_shrinks(const std::string& file, const std::string& check, std::uint64_t seed, const fs::path& out,
                   int budget) {
  Scenario original = load_scenario(file);
  test_support::Outcome o = designsim(
      fmt::format("shrink {} --seed {} --check {} --budget {} --out {}", file, seed, check, budget, out.string()));
  INFO(o.out);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("replay: designsim run " + out.generic_string()) != std::string::npos);
  check_schema_line(out);
  test_support::Outcome checked = designsim("check " + out.string());
  INFO(checked.out);
  CHECK(checked.status == 0);

  Scenario shrunk = load_scenario(out.string());
  CHECK(shrunk.seed == seed);
  RunOutput before = run_scenario(original, seed);
  RunOutput after = run_scenario(shrunk, shrunk.seed);
  CHECK(violates(after.result, check));
  CHECK(shrunk.duration <= original.duration);
  CHECK(after.result.faults.size() <= before.result.faults.size());
  CHECK(shrunk.random_faults.size() <= original.random_faults.size());
  CHECK(shrunk.faults.size() <= original.faults.size() + before.random_fired.size());
  // It replays from the command line too, at its own seed: status 1, the check violated.
  test_support::Outcome replay =
      designsim("run " + out.string() + " -q --out " + (out.parent_path() / "replay").string());
  INFO(replay.out);
  CHECK(replay.status == 1);
  CHECK(replay.out.find(check) != std::string::npos);
}

}  // namespace

TEST_CASE("the scenario named by --scenario shrinks to a smaller one that still violates its check", "[.][shrink]") {
  REQUIRE_FALSE(scenario_under_test().empty());
  fs::path file = fs::relative(fs::absolute(scenario_under_test()), checkout::source_dir);
  Scenario scenario = load_scenario((fs::path(checkout::source_dir) / file).string());
  REQUIRE_FALSE(scenario.expect.violated.empty());
  std::string name = file.generic_string();
  std::replace(name.begin(), name.end(), '/', '-');
  fs::path out = test_support::scratch("shrink", name) / "shrunk.yaml";
  check_shrinks(file.generic_string(), scenario.expect.violated.front(), scenario.seed, out, test_budget);
}

TEST_CASE("shrink removes what the violation does not need, and shrinks one input to the same bytes",
          "[cli][shrink-cli]") {
  fs::path dir = test_support::scratch("shrink", "determinism");
  // One long pause in a run that goes on well past the violation it causes.
  const std::string file = "scenarios/lock/redis-gc-pause-plain.yaml";
  test_support::Outcome first = designsim("shrink " + file + " --budget 80 --out " + (dir / "a.yaml").string());
  INFO(first.out);
  REQUIRE(first.status == 0);
  std::string a = read_text(dir / "a.yaml");
  test_support::Outcome second = designsim("shrink " + file + " --budget 80 --out " + (dir / "a.yaml").string());
  REQUIRE(second.status == 0);
  CHECK(a == read_text(dir / "a.yaml"));  // the header names the file, so the same one, written again
  Scenario original = load_scenario(file);
  Scenario shrunk = load_scenario((dir / "a.yaml").string());
  CHECK(shrunk.duration < original.duration);  // the run was shortened
  CHECK(a.find("# Removed or made smaller") != std::string::npos);
  CHECK(a.find("#   - duration ") != std::string::npos);
  CHECK(first.out.find("kept: ") != std::string::npos);
}

TEST_CASE("random faults become the fixed faults that fired, and the shrunk scenario still violates",
          "[cli][shrink-cli]") {
  fs::path dir = test_support::scratch("shrink", "random");
  // A cell of the Redlock-versus-fencing study: random GC pauses of the clients.
  const std::string text = R"(# yaml-language-server: $schema=../../scenarios/schema.json
name: random-pauses
model: lock
duration: 10s
params: { clients: 3, ttl: 2s, work: 1s, think: 200ms, stagger: 50ms, design: redis, storage: plain }
faults:
  - random: { kind: pause, rate: 1/2s, targets: [role:client], duration: { dist: uniform, min: 1s, max: 4s }, stop: 7s }
)";
  fs::path file = dir / "random-pauses.yaml";
  std::ofstream(file) << text;
  Scenario scenario = load_scenario(file.string());
  RunOptions quick;
  quick.trace_records_kept = 0;
  std::uint64_t seed = 1;
  while (seed < 100 && !violates(run_scenario(scenario, seed, quick).result, "overlapping_holders")) ++seed;
  REQUIRE(seed < 100);
  check_shrinks(file.string(), "overlapping_holders", seed, dir / "shrunk.yaml", 60);
  Scenario shrunk = load_scenario((dir / "shrunk.yaml").string());
  CHECK(shrunk.random_faults.empty());
  CHECK_FALSE(shrunk.faults.empty());
  CHECK(read_text(dir / "shrunk.yaml").find("random fault entry became the") != std::string::npos);
}

TEST_CASE("shrink refuses a check that holds, an unknown check and bad input with status 2", "[cli][shrink-cli]") {
  fs::path dir = test_support::scratch("shrink", "refused");
  test_support::Outcome holding =
      designsim("shrink scenarios/snowflake/healthy.yaml --out " + (dir / "a.yaml").string());
  INFO(holding.out);
  CHECK(holding.status == 2);
  CHECK(holding.out.find("every check holds at seed") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "a.yaml"));
  test_support::Outcome named = designsim(
      "shrink scenarios/lock/redis-gc-pause-fenced.yaml --check stale_writes --out " + (dir / "b.yaml").string());
  INFO(named.out);
  CHECK(named.status == 2);
  CHECK(named.out.find("stale_writes holds at seed") != std::string::npos);
  test_support::Outcome unknown = designsim(
      "shrink scenarios/lock/redis-gc-pause-plain.yaml --check no_such_check --out " + (dir / "c.yaml").string());
  CHECK(unknown.status == 2);
  CHECK(unknown.out.find("unknown check 'no_such_check'") != std::string::npos);
  CHECK(designsim("shrink /nonexistent.yaml").status == 2);
  CHECK(designsim("shrink").status == 2);
  CHECK(designsim("shrink scenarios/lock/redis-gc-pause-plain.yaml --budget 1").status == 2);
}
