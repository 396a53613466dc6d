// Goal: the split brain of Redis under Sentinel, end to end in the lock model: the old master,
// cut off with one client, acknowledges locks that its return as a replica loses, because the
// client keeps the master it knows until it can ask Sentinel again; min-replicas-to-write
// refuses them instead. Clients that learn a failover at once (discovery: instant) hide it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "sim/kernel/fault_spec.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"

namespace {

std::string shipped(const std::string& name) {
  std::ifstream in(std::string(checkout::source_dir) + "/scenarios/lock/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool held(const sim::RunResult& result, const std::string& check) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == check) return c.result.held;
  FAIL("no check " << check);
  return false;
}

sim::RunResult run_text(const std::string& text, std::uint64_t seed) {
  return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result;
}

}  // namespace

TEST_CASE("split brain: the cut-off master's acknowledged locks are lost unless min-replicas refuses them",
          "[redis-server]") {
  std::string split = shipped("redis-split-brain.yaml");
  std::string bounded = shipped("redis-split-brain-min-replicas.yaml");
  for (std::uint64_t seed : {1, 2, 3}) {
    sim::RunResult lost = run_text(split, seed);
    CHECK_FALSE(held(lost, "lost_acknowledged_writes"));
    CHECK_FALSE(held(lost, "overlapping_holders"));
    sim::RunResult refused = run_text(bounded, seed);
    CHECK(held(refused, "lost_acknowledged_writes"));
    CHECK(held(refused, "overlapping_holders"));
  }
  // Clients that learned the failover at once would have left the old master at the promotion.
  std::string instant = split;
  const std::string marker = "    replicas: 1\n";
  REQUIRE(instant.find(marker) != std::string::npos);
  instant.replace(instant.find(marker), marker.size(), marker + "    discovery: instant\n");
  CHECK(held(run_text(instant, 1), "lost_acknowledged_writes"));
}

TEST_CASE("a crash's kind says whether the machine died: kind: process keeps what its kernel had", "[scenario]") {
  auto crash_of = [](const std::string& fields) {
    sim::Scenario scenario = sim::parse_scenario(
        "name: t\nmodel: lock\nduration: 10s\nfaults:\n  - at: 1s\n    crash: { node: redis-0" + fields + " }\n",
        "t.yaml");
    return std::get<sim::CrashFault>(scenario.faults.at(0).action);
  };
  CHECK(crash_of("").lose_unsynced);
  CHECK(crash_of(", kind: machine").lose_unsynced);
  CHECK_FALSE(crash_of(", kind: process").lose_unsynced);
  CHECK_FALSE(crash_of(", lose_unsynced: false").lose_unsynced);
}

TEST_CASE("a random crash is a machine crash unless lose_unsynced: false makes it a process crash", "[scenario]") {
  auto random_crash = [](const std::string& fields) {
    sim::Scenario scenario = sim::parse_scenario("name: t\nmodel: lock\nduration: 10s\nfaults:\n"
                                                 "  - random: { kind: crash, rate: 1/s, targets: [redis-0], "
                                                 "duration: 1s" +
                                                     fields + " }\n",
                                                 "t.yaml");
    return std::get<sim::RandomCrash>(scenario.random_faults.at(0).kind);
  };
  CHECK(random_crash("").lose_unsynced);
  CHECK(random_crash(", lose_unsynced: true").lose_unsynced);
  CHECK_FALSE(random_crash(", lose_unsynced: false").lose_unsynced);
  // The field belongs to crashes: a pause that names it is refused at the field.
  CHECK_THROWS_WITH(sim::parse_scenario("name: t\nmodel: lock\nduration: 10s\nfaults:\n"
                                        "  - random: { kind: pause, rate: 1/s, targets: [redis-0], duration: 1s, "
                                        "lose_unsynced: false }\n",
                                        "t.yaml"),
                    Catch::Contains("lose_unsynced") && Catch::Contains("crash"));
}
