// Goal: a scenario is checked completely before anything runs. Every bad input, whatever its
// shape, becomes one ScenarioError that names the file, line and column and says what was
// expected; a good scenario maps key by key onto the option structs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/kernel/random.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/printable.hpp"
#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/suggest.hpp"
#include "sim/scenario/value_text.hpp"
#include "tests/checkout.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

constexpr const char* test_file = "t.yaml";

// The message of the ScenarioError `action` throws, or "no error".
template <class Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const ScenarioError& error) {
    return error.what();
  }
  return "no error";
}

ParamReader reader_of(const std::string& text, const std::string& path = "params") {
  YAML::Node node = YAML::Load(text);
  return ParamReader(node, SourceMark{test_file, 1, 1}, path);
}

// A bad scenario's first line reads "# expect: LINE:COL: MESSAGE-PREFIX", or "# expect: MESSAGE"
// for errors that have no line (an empty file): the error must read FILE:LINE:COL: MESSAGE...
std::string first_line_expectation(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const std::string marker = "# expect: ";
  if (line.rfind(marker, 0) != 0) return {};
  return line.substr(marker.size());
}

const char* const redlock_clock_jump = R"(name: redlock-clock-jump
description: >
  One of five Redis nodes steps its wall clock 15 s forward while client 1 holds a Redlock;
  client 2 then wins a majority too.
model: lock
seed: 7
duration: 60s
params:                 # checked by the model itself
  algorithm: redlock    # redis_single | redlock | consensus
  redis_nodes: 5
  ttl: 10s
  clients: 2
  storage: plain        # plain | fenced | random_cas
network:
  latency: { dist: lognormal, median: 1ms, p99: 5ms }
faults:
  - at: 1s
    clock_step: { node: redis-3, by: +15s }
expect:                 # what this scenario exists to show
  violated: [mutual_exclusion]
requirements:           # from the problem statement, checked against the run
  acquire_latency_p99: "< 50ms"
)";

const char* const every_section = R"(name: every-section
model: lock
duration: 30s
network:
  latency: 2ms
  loss: 0.1%
  duplicate: 1/1000
  fifo: false
  links:
    - { from: role:client, to: "*", latency: { dist: uniform, min: 1ms, max: 3ms }, fifo: true }
    - { from: redis-1, to: redis-2, loss: 0.5 }
faults:
  - at: 0s
    pause: { node: redis-1, duration: 15s }
  - at: 2s
    clock_step: { node: redis-2, by: -3s }
  - at: 3s
    clock_drift: { node: redis-3, ppm: -200 }
  - at: 4s
    crash: { node: redis-4, restart_after: 2s, lose_unsynced: false }
  - at: 5s
    restart: { node: redis-4 }
  - at: 6s
    partition: { groups: [[redis-1, redis-2], [redis-3]], duration: 5s }
  - at: 7s
    partition: { one_way: { from: [role:client], to: redis-1 } }
  - at: 8s
    partition: { isolate: redis-5, duration: 1s }
  - at: 9s
    heal: {}
  - at: 10s
    heal: true
  - at: 11s
    slow_link: { from: role:client, to: role:redis, latency: { dist: exponential, mean: 20ms }, duration: 3s }
  - at: 12s
    loss: { from: redis-1, to: "*", ratio: 1/3 }
  - at: 30s
    duplicate: { from: redis-2, to: redis-3, ratio: 2%, duration: 1s }
  - random: { kind: pause, rate: 1/10s, targets: [role:redis], duration: { dist: pareto, min: 10ms, shape: 1.5 } }
  - random:
      kind: clock_step
      rate: 6/min
      targets: redis-1
      step: { dist: normal, mean: 5s, stddev: 1s }
      direction: backward
      start: 5s
      stop: 25s
  - random: { kind: clock_drift, rate: 1/s, targets: ["*"], ppm: 100 }
  - random: { kind: crash, rate: 1/20s, targets: [redis-1, redis-2], duration: 1s }
  - random: { kind: isolate, rate: 1/20s, targets: [redis-1], duration: 500ms }
  - random: { kind: slow_link, rate: 1/20s, targets: [redis-1], latency: 50ms, duration: 2s }
  - random: { kind: loss, rate: 1/20s, targets: [redis-1], ratio: 0.25, duration: 2s }
expect:
  violated: mutual_exclusion
  held: [fencing_order, liveness]
requirements:
  acquire_latency_p99: "<= 5ms"
  throughput: "> 4000000/s"
  success_ratio: ">= 0.99"
  queue_depth: "< 1000"
  availability: ">= 99.9%"
)";

}  // namespace

// Each is rejected by the loader or, for what only the model knows (its metrics, its nodes), by
// the check that runs before any simulation.
TEST_CASE("every bad scenario file is rejected at the place its first line names", "[scenario]") {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(checkout::source_dir) / "tests" / "bad_scenarios";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 15);
  for (const fs::path& file : files) {
    const std::string expectation = first_line_expectation(file);
    INFO(file.string() << "\n  expected: " << expectation);
    REQUIRE_FALSE(expectation.empty());
    const std::string message = error_of([&] { check_scenario(load_scenario(file.string())); });
    INFO("  got: " << message);
    bool names_place = expectation[0] >= '0' && expectation[0] <= '9';
    const std::string prefix = file.string() + (names_place ? ":" : ": ") + expectation;
    CHECK(message.rfind(prefix, 0) == 0);
  }
}

TEST_CASE("a fault key with no reader is an error at its place, never read as another fault", "[scenario]") {
  // The item reader is asked for a kind it does not know (as a new key listed without its
  // reader would be): it names the key, where it is, and the nearest known one.
  ParamReader item = reader_of("at: 1s\ndupliate: { from: a, to: b, ratio: 0.5 }\n", "faults[0]");
  CHECK(error_of([&] { read_fixed_fault(item, "dupliate", 30_s); }) ==
        "t.yaml:2:1: unknown fault 'dupliate' in faults[0] (did you mean 'duplicate'?)");
}

TEST_CASE("a missing scenario file is reported by name, without a line", "[scenario]") {
  CHECK(error_of([] { load_scenario("no/such/scenario.yaml"); }) ==
        "no/such/scenario.yaml: cannot open scenario file (No such file or directory)");
}

TEST_CASE("the design page's example loads field by field", "[scenario]") {
  Scenario scenario = parse_scenario(redlock_clock_jump, "redlock.yaml");
  CHECK(scenario.file == "redlock.yaml");
  CHECK(scenario.name == "redlock-clock-jump");
  CHECK(scenario.description.rfind("One of five Redis nodes", 0) == 0);
  CHECK(scenario.model == "lock");
  CHECK(scenario.model_where.line == 5);
  CHECK(scenario.seed == 7);
  CHECK(scenario.duration == 60_s);

  REQUIRE(scenario.params.IsMap());
  CHECK(scenario.params_where.line == 9);
  ParamReader params = ParamReader::of_params(scenario);
  CHECK(params.choice("algorithm", {"redis_single", "redlock", "consensus"}) == "redlock");
  CHECK(params.integer("redis_nodes", 1, 1024) == 5);
  CHECK(params.duration("ttl") == 10_s);
  CHECK(params.integer("clients", 1, 100) == 2);
  CHECK(params.choice("storage", {"plain", "fenced", "random_cas"}, "plain") == "plain");
  params.finish();

  const DurationDist& latency = scenario.network.defaults.latency;
  CHECK(latency.kind == DurationDist::Kind::lognormal);
  CHECK(latency.a == 1_ms);
  CHECK(latency.b == 5_ms);
  CHECK(scenario.network.defaults.fifo);

  REQUIRE(scenario.faults.size() == 1);
  CHECK(scenario.faults[0].at == 1_s);
  CHECK(scenario.faults[0].where.line == 17);
  const auto* step = std::get_if<ClockStepFault>(&scenario.faults[0].action);
  REQUIRE(step != nullptr);
  CHECK(step->node.name == "redis-3");
  CHECK(step->node.where.to_string() == "redlock.yaml:18:25");
  CHECK(step->by == 15_s);
  CHECK(fault_name(scenario.faults[0].action) == std::string("clock_step"));

  CHECK(scenario.expect.violated == std::vector<std::string>{"mutual_exclusion"});
  CHECK(scenario.expect.held.empty());
  REQUIRE(scenario.requirements.size() == 1);
  CHECK(scenario.requirements[0].metric == "acquire_latency_p99");
  CHECK(scenario.requirements[0].comparator == "<");
  CHECK(scenario.requirements[0].threshold == "50ms");
  CHECK(scenario.requirements[0].value == 50e6);
}

TEST_CASE("defaults fill what a minimal scenario leaves out", "[scenario]") {
  Scenario scenario = parse_scenario("name: minimal\nmodel: idgen\n", "min.yaml");
  CHECK(scenario.seed == 1);
  CHECK(scenario.duration == 10_s);
  CHECK(scenario.params.IsMap());
  CHECK(scenario.params.size() == 0);
  CHECK(scenario.network.defaults == LinkOptions{});
  CHECK(scenario.faults.empty());
  CHECK(scenario.random_faults.empty());
  CHECK(scenario.requirements.empty());
  ParamReader::of_params(scenario).finish();
}

TEST_CASE("every network option, fault shape and random kind maps onto its struct", "[scenario]") {
  Scenario scenario = parse_scenario(every_section, "all.yaml");

  const NetworkOptions& network = scenario.network;
  CHECK(network.defaults.latency == DurationDist::constant(2_ms));
  CHECK(network.defaults.loss == Ratio{1, 1000});
  CHECK(network.defaults.duplicate == Ratio{1, 1000});
  CHECK_FALSE(network.defaults.fifo);
  REQUIRE(network.links.size() == 2);
  CHECK(network.links[0].from == "role:client");
  CHECK(network.links[0].to == "*");
  CHECK(network.links[0].options.latency == DurationDist{DurationDist::Kind::uniform, 1_ms, 3_ms, 0.0});
  CHECK(network.links[0].options.fifo);
  CHECK(network.links[0].options.loss == Ratio{1, 1000});
  CHECK(network.links[1].options.loss == Ratio{5, 10});
  CHECK_FALSE(network.links[1].options.fifo);
  REQUIRE(scenario.link_nodes.size() == 4);
  CHECK(scenario.link_nodes[2].name == "redis-1");
  CHECK(scenario.link_nodes[2].where.line == 11);

  REQUIRE(scenario.faults.size() == 13);
  const auto& faults = scenario.faults;
  CHECK(std::get<PauseFault>(faults[0].action).duration == 15_s);
  CHECK(std::get<ClockStepFault>(faults[1].action).by == -3_s);
  CHECK(std::get<ClockDriftFault>(faults[2].action).ppm == -200);
  const auto& crash = std::get<CrashFault>(faults[3].action);
  CHECK(crash.restart_after == 2_s);
  CHECK_FALSE(crash.lose_unsynced);
  CHECK(std::get<RestartFault>(faults[4].action).node.name == "redis-4");
  const auto& groups = std::get<PartitionFault>(faults[5].action);
  CHECK(groups.shape == PartitionFault::Shape::groups);
  REQUIRE(groups.groups.size() == 2);
  CHECK(groups.groups[0].size() == 2);
  CHECK(groups.groups[1][0].name == "redis-3");
  CHECK(groups.duration == 5_s);
  const auto& one_way = std::get<PartitionFault>(faults[6].action);
  CHECK(one_way.shape == PartitionFault::Shape::one_way);
  CHECK(one_way.from[0].name == "role:client");
  CHECK(one_way.to[0].name == "redis-1");
  CHECK_FALSE(one_way.duration.has_value());
  CHECK(std::get<PartitionFault>(faults[7].action).node.name == "redis-5");
  CHECK(std::holds_alternative<HealFault>(faults[8].action));
  CHECK(std::holds_alternative<HealFault>(faults[9].action));
  const auto& slow = std::get<LinkFault>(faults[10].action);
  CHECK(fault_name(faults[10].action) == std::string("slow_link"));
  CHECK(slow.latency == DurationDist{DurationDist::Kind::exponential, 20_ms, Duration::zero(), 0.0});
  CHECK(std::get<LinkFault>(faults[11].action).ratio == Ratio{1, 3});
  CHECK(fault_name(faults[12].action) == std::string("duplicate"));
  CHECK(std::get<LinkFault>(faults[12].action).ratio == Ratio{2, 100});
  CHECK(faults[12].at == 30_s);

  REQUIRE(scenario.random_faults.size() == 7);
  const auto& random = scenario.random_faults;
  CHECK(random_fault_name(random[0].kind) == std::string("pause"));
  CHECK(random[0].rate == Rate{1, 10_s});
  CHECK(std::get<RandomPause>(random[0].kind).duration.kind == DurationDist::Kind::pareto);
  CHECK(std::get<RandomPause>(random[0].kind).duration.shape == 1.5);
  CHECK_FALSE(random[0].stop.has_value());
  CHECK(random[1].targets[0].name == "redis-1");
  CHECK(std::get<RandomClockStep>(random[1].kind).sign == -1);
  CHECK(std::get<RandomClockStep>(random[1].kind).step.b == 1_s);
  CHECK(random[1].start == 5_s);
  CHECK(random[1].stop == 25_s);
  CHECK(std::get<RandomClockDrift>(random[2].kind).ppm == 100);
  CHECK(random_fault_name(random[3].kind) == std::string("crash"));
  CHECK(std::get<RandomCrash>(random[3].kind).duration == DurationDist::constant(1_s));
  CHECK(std::get<RandomIsolate>(random[4].kind).duration == DurationDist::constant(500_ms));
  CHECK(std::get<RandomSlowLink>(random[5].kind).latency == DurationDist::constant(50_ms));
  CHECK(std::get<RandomSlowLink>(random[5].kind).duration == DurationDist::constant(2_s));
  CHECK(std::get<RandomLoss>(random[6].kind).ratio == Ratio{25, 100});

  CHECK(scenario.expect.violated == std::vector<std::string>{"mutual_exclusion"});
  CHECK(scenario.expect.held == std::vector<std::string>{"fencing_order", "liveness"});
  CHECK(scenario.expect.held_where[1].line == scenario.expect.held_where[0].line);

  const auto& requirements = scenario.requirements;
  REQUIRE(requirements.size() == 5);
  CHECK(requirements[0].comparator == "<=");
  CHECK(requirements[0].value == 5e6);
  CHECK(requirements[1].value == 4e6);
  CHECK(requirements[2].value == 0.99);
  CHECK(requirements[3].value == 1000.0);
  CHECK(requirements[4].value == Approx(0.999));
}

TEST_CASE("no input, however malformed, escapes as anything but a ScenarioError", "[scenario]") {
  const std::string base = every_section;
  static const char raw_alphabet[] = "{}[]:,-#&*!|>'\"%@` \n\t\0\x7f\xc3" "abz019./";
  const std::string alphabet(raw_alphabet, sizeof raw_alphabet - 1);
  Rng rng(42);
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng.below(text.size());
      char c = alphabet[rng.below(alphabet.size())];
      switch (rng.below(3)) {
        case 0: text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: text.erase(at, 1 + rng.below(8)); break;
      }
    }
    try {
      parse_scenario(text, "fuzz.yaml");
    } catch (const ScenarioError& error) {
      ++rejected;
      CHECK(std::string(error.what()).rfind("fuzz.yaml", 0) == 0);
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("parameter readers return typed values and name the place of a bad one", "[scenario][params]") {
  SECTION("durations, with bounds") {
    ParamReader params = reader_of("ttl: 1.5s\nlease: 10 parsecs\ngrace: -5s\n");
    CHECK(params.duration("ttl") == 1500_ms);
    CHECK(params.duration("missing", 3_s) == 3_s);
    CHECK_FALSE(params.optional_duration("absent").has_value());
    CHECK(error_of([&] { params.duration("lease"); }) ==
          "t.yaml:2:8: params.lease: expected a duration such as 250ms or 10s, got \"10 parsecs\" "
          "(unknown unit 'parsecs'; expected ns, us, ms, s, m, h or d)");
    CHECK(error_of([&] { params.duration("grace"); }) == "t.yaml:3:8: params.grace must be at least 0s, got -5s");
    CHECK(params.duration("grace", DurationRange::any()) == -5_s);
    CHECK(error_of([&] { params.duration("ttl", {1_ms, 1_s}); }) ==
          "t.yaml:1:6: params.ttl must be between 1ms and 1s, got 1.5s");
    CHECK(error_of([&] { params.duration("missing"); }) == "t.yaml:1:1: params: missing required key 'missing'");
  }
  SECTION("integers, in an inclusive range") {
    ParamReader params = reader_of("node_count: 1099511627776\nclients: 4\nlimit: 1_000_000\nneg: -3\nhalf: 1.5\n");
    CHECK(error_of([&] { params.integer("node_count", 1, 1024); }) ==
          "t.yaml:1:13: params.node_count must be between 1 and 1024, got 1099511627776");
    CHECK(params.integer("clients", 1, 4) == 4);
    CHECK(params.integer<std::uint64_t>("limit", 0, UINT64_MAX) == 1'000'000);
    CHECK(params.integer("neg", 0, -10, 10) == -3);
    CHECK(error_of([&] { params.integer<std::uint64_t>("neg", 0, 100); }) ==
          "t.yaml:4:6: params.neg must be between 0 and 100, got -3");
    CHECK(error_of([&] { params.integer("half", 0, 10); }) ==
          "t.yaml:5:7: params.half: expected a whole number, got \"1.5\"");
    CHECK(params.integer("absent", 7, 0, 10) == 7);
    ParamReader huge = reader_of("seed: 99999999999999999999\n");
    CHECK(error_of([&] { huge.integer<std::uint64_t>("seed", 0, UINT64_MAX); }) ==
          "t.yaml:1:7: params.seed must be between 0 and 18446744073709551615, got 99999999999999999999");
  }
  SECTION("choices list what is allowed") {
    ParamReader params = reader_of("storage: fencd\nmode: fast\n");
    CHECK(error_of([&] { params.choice("storage", {"plain", "fenced", "random_cas"}); }) ==
          "t.yaml:1:10: params.storage: expected one of plain, fenced or random_cas, got \"fencd\" "
          "(did you mean 'fenced'?)");
    CHECK(params.choice("mode", {"fast", "slow"}, "slow") == "fast");
    CHECK(params.choice("other", {"fast", "slow"}, "slow") == "slow");
  }
  SECTION("ratios are exact") {
    ParamReader params = reader_of("a: 0.1%\nb: 1/1000\nc: 0.001\nd: 0\ne: 1\nf: 1.01\ng: 100%\n");
    CHECK(params.ratio("a") == Ratio{1, 1000});
    CHECK(params.ratio("b") == Ratio{1, 1000});
    CHECK(params.ratio("c") == Ratio{1, 1000});
    CHECK(params.ratio("d") == Ratio{0, 1});
    CHECK(params.ratio("e") == Ratio{1, 1});
    CHECK(error_of([&] { params.ratio("f"); }) == "t.yaml:6:4: params.f must be between 0 and 1, got 1.01");
    CHECK(params.ratio("g") == Ratio{1, 1});
  }
  SECTION("other scalar kinds") {
    ParamReader params = reader_of("on: yes\nrate: 100/min\nweight: 0.25\nname: redis\nnode: role:redis\n");
    CHECK(params.boolean("on"));
    CHECK(params.boolean("off", false) == false);
    CHECK(params.rate("rate") == Rate{100, Duration::minutes(1)});
    CHECK(params.real("weight", 0.0, 1.0) == 0.25);
    CHECK(params.string("name") == "redis");
    CHECK(params.node_ref("node").name == "role:redis");
    CHECK(params.node_ref("node").where.to_string() == "t.yaml:5:7");
    params.finish();
  }
  SECTION("wrong shapes are errors") {
    ParamReader params = reader_of("ttl: [1s]\nclients: {n: 2}\nflag:\n");
    CHECK(error_of([&] { params.duration("ttl"); }) ==
          "t.yaml:1:6: params.ttl: expected a duration such as 250ms or 10s, got a list");
    CHECK(error_of([&] { params.integer("clients", 0, 9); }) ==
          "t.yaml:2:10: params.clients: expected a whole number, got a mapping");
    CHECK(error_of([&] { params.boolean("flag", true); }) ==
          "t.yaml:3:1: params.flag: expected true or false, got nothing");
  }
  SECTION("duration distributions") {
    ParamReader params = reader_of(
        "a: 2ms\n"
        "b: { dist: lognormal, median: 1ms, p99: 5ms }\n"
        "c: { dist: uniform, min: 3ms, max: 1ms }\n"
        "d: { dist: exponential, mean: 1ms, mena: 2ms }\n"
        "e: { dist: pareto, min: 1ms, shape: 0 }\n");
    CHECK(params.duration_dist("a") == DurationDist::constant(2_ms));
    CHECK(params.duration_dist("b") == DurationDist{DurationDist::Kind::lognormal, 1_ms, 5_ms, 0.0});
    CHECK(error_of([&] { params.duration_dist("c"); }) == "t.yaml:3:36: params.c.max must be at least 3ms, got 1ms");
    CHECK(error_of([&] { params.duration_dist("d"); }) ==
          "t.yaml:4:36: unknown key 'mena' in params.d (did you mean 'mean'?)");
    CHECK(error_of([&] { params.duration_dist("e"); }) == "t.yaml:5:37: params.e.shape must be more than 0, got 0");
  }
  SECTION("lists") {
    ParamReader params = reader_of("names: [a, b]\none: c\ntargets: []\n");
    CHECK(params.string_list("names") == std::vector<std::string>{"a", "b"});
    CHECK(params.string_list("one") == std::vector<std::string>{"c"});
    CHECK(params.string_list("none", {"x"}) == std::vector<std::string>{"x"});
    CHECK(error_of([&] { params.node_refs("targets"); }) ==
          "t.yaml:3:10: params.targets: expected at least one node, got an empty list");
  }
  SECTION("nested mappings and lists of mappings carry their path") {
    ParamReader params = reader_of("storage:\n  kind: fenced\n  tokens: two\nshards:\n  - { id: 1 }\n  - { id: x }\n");
    ParamReader storage = params.section("storage");
    CHECK(storage.string("kind") == "fenced");
    CHECK(error_of([&] { storage.integer("tokens", 0, 9); }) ==
          "t.yaml:3:11: params.storage.tokens: expected a whole number, got \"two\"");
    std::vector<ParamReader> shards = params.section_list("shards");
    REQUIRE(shards.size() == 2);
    CHECK(shards[0].integer("id", 0, 9) == 1);
    CHECK(error_of([&] { shards[1].integer("id", 0, 9); }) ==
          "t.yaml:6:11: params.shards[1].id: expected a whole number, got \"x\"");
    CHECK(params.section("absent").keys().empty());
  }
}

TEST_CASE("finish() rejects the first key nothing read, suggesting the nearest known one", "[scenario][params]") {
  SECTION("a typo gets a suggestion, even when the key was absent") {
    ParamReader params = reader_of("algorithm: redlock\ntll: 10s\n");
    params.choice("algorithm", {"redlock"});
    params.duration("ttl", 5_s);
    CHECK(error_of([&] { params.finish(); }) == "t.yaml:2:1: unknown key 'tll' in params (did you mean 'ttl'?)");
  }
  SECTION("a stranger gets the list of known keys") {
    ParamReader params = reader_of("ttl: 1s\ncolour: blue\n");
    params.duration("ttl");
    params.integer("clients", 2, 1, 9);
    CHECK(error_of([&] { params.finish(); }) ==
          "t.yaml:2:1: unknown key 'colour' in params (expected ttl or clients)");
  }
  SECTION("keys left in a child reader are found from the parent, in document order") {
    ParamReader params = reader_of("storage: { kind: plain, knd: x }\nzzz: 1\n");
    params.section("storage").string("kind");
    CHECK(error_of([&] { params.finish(); }) ==
          "t.yaml:1:25: unknown key 'knd' in params.storage (did you mean 'kind'?)");
  }
  SECTION("a misspelt required key is reported as the misspelling") {
    ParamReader params = reader_of("redis_nodse: 5\n");
    CHECK(error_of([&] { params.integer("redis_nodes", 1, 9); }) ==
          "t.yaml:1:1: unknown key 'redis_nodse' in params (did you mean 'redis_nodes'?)");
  }
  SECTION("everything read: nothing to report") {
    ParamReader params = reader_of("ttl: 1s\n");
    params.duration("ttl");
    params.finish();
  }
  SECTION("a duplicate key is an error") {
    CHECK(error_of([] { reader_of("ttl: 1s\nttl: 2s\n"); }) ==
          "t.yaml:2:1: duplicate key 'ttl' in params (first written at 1:1)");
  }
  SECTION("params that are not a mapping") {
    CHECK(error_of([] { reader_of("[1, 2]"); }) == "t.yaml:1:1: params: expected a mapping, got a list");
  }
}

TEST_CASE("suggestions and exact number texts", "[scenario][params]") {
  CHECK(edit_distance("tll", "ttl") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(closest_match("tll", {"algorithm", "ttl"}) == std::optional<std::string>("ttl"));
  CHECK_FALSE(closest_match("x", {"at"}).has_value());
  CHECK_FALSE(closest_match("zebra", {"algorithm", "ttl"}).has_value());
  Ratio ratio;
  CHECK(parse_ratio("0.50", ratio) == NumberStatus::ok);
  CHECK(ratio == Ratio{5, 10});
  CHECK(parse_ratio("1/0", ratio) == NumberStatus::malformed);
  CHECK(parse_ratio("-0.1", ratio) == NumberStatus::out_of_range);
  CHECK(parse_ratio("0.0000000000000000001", ratio) == NumberStatus::malformed);
  std::int64_t n = 0;
  CHECK(parse_int64("-9223372036854775808", n) == NumberStatus::ok);
  CHECK(n == INT64_MIN);
  CHECK(parse_int64("9223372036854775808", n) == NumberStatus::out_of_range);
  CHECK(parse_int64("1__0", n) == NumberStatus::malformed);
  CHECK_FALSE(parse_real("nan").has_value());
  CHECK(parse_real("+.5") == 0.5);
}

TEST_CASE("text from a scenario is shown with its control characters and invalid UTF-8 escaped", "[scenario]") {
  CHECK(printable("latency\r") == "latency\\r");
  CHECK(printable("a\x1b[2Jb\tc\x7f") == "a\\x1b[2Jb\\tc\\x7f");
  CHECK(printable("caf\xc3\xa9 \xe2\x86\x92 ok") == "caf\xc3\xa9 \xe2\x86\x92 ok");  // valid UTF-8 stays
  CHECK(printable("bad \xff\xc3(") == "bad \\xff\\xc3(");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");  // an overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(printable("\xc2\x85") == "\\u0085");  // a C1 control
  CHECK(printable("one\ntwo", true) == "one\ntwo");
  CHECK(printable("one\ntwo") == "one\\ntwo");
}

TEST_CASE("a scenario file past the size bound is refused before it is parsed", "[scenario]") {
  std::filesystem::path file = std::filesystem::temp_directory_path() / "designsim-too-large.yaml";
  {
    std::ofstream out(file);
    out << "name: too-large\nmodel: lock\n";
    std::string comment = "# " + std::string(1000, 'x') + "\n";
    for (int i = 0; i < 1100; ++i) out << comment;
  }
  CHECK(error_of([&] { load_scenario(file.string()); }) == file.string() + ": not a scenario file: larger than 1 MiB");
  std::filesystem::remove(file);
}
