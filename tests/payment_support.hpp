// Payment tests' shared helpers: the error a scenario with the given params: lines is refused with, and a
// hand-built run that keeps the model's observations.
#pragma once

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/payment/payment_model.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"
#include "tests/checkout.hpp"

namespace payment_support {

/// The ScenarioError a five-second payment run with `params` (lines under params:) is refused
/// with; empty when it runs.
inline std::string refusal(const std::string& params) {
  try {
    sim::run_scenario(sim::parse_scenario("name: t\nmodel: payment\nduration: 5s\nparams:\n" + params, "t.yaml"), 1);
  } catch (const sim::ScenarioError& e) {
    return std::string(e.what());
  }
  return std::string();
}

/// The end of a hand-built payment run: its observations and its findings.
struct Ran {
  payment::Observations observations;
  sim::Findings findings;
};

/// A hand-built run of `params` (as a scenario writes them) for 20 s, links of 1 ms.
inline Ran run_payment(const std::string& params, sim::Duration duration = sim::Duration::seconds(20)) {
  sim::World world(1);
  payment::PaymentModel model;
  sim::ParamReader reader(YAML::Load(params), sim::SourceMark{"test", 1, 1}, "params");
  model.configure(reader);
  model.build(world, duration);
  sim::NetworkOptions network;
  network.defaults.latency = sim::DurationDist::constant(sim::Duration::milliseconds(1));
  world.start_network(network);
  world.boot_all();
  world.run_until(sim::Instant::zero() + duration);
  sim::Findings findings = model.finish(world, sim::FaultActivity{});
  return Ran{model.observations(), std::move(findings)};
}

/// A check's detail of that name ("" when it has none).
inline std::string detail(const sim::CheckResult& check, const std::string& key) {
  for (const auto& [name, value] : check.details)
    if (name == key) return value;
  return "";
}

/// A shipped payment scenario's text, to run a variant of it.
inline std::string shipped_text(const std::string& name) {
  std::ifstream in(std::string(checkout::source_dir) + "/scenarios/payment/" + name + ".yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A scenario given as text, run at `seed`.
inline sim::RunResult run_text(const std::string& text, std::uint64_t seed = 1) {
  return sim::run_scenario(sim::parse_scenario(text, "test.yaml"), seed).result;
}

/// The trace hash of the scenario `text` at `seed`.
inline std::uint64_t trace_hash(const std::string& text, std::uint64_t seed) { return run_text(text, seed).trace_hash; }

/// The determinism check every payment model test makes: the scenario `text` run twice at `seed`
/// gives one trace, and at the next seed another.
inline void require_one_trace_per_seed(const std::string& text, std::uint64_t seed) {
  std::uint64_t first = trace_hash(text, seed);
  REQUIRE(trace_hash(text, seed) == first);
  REQUIRE(trace_hash(text, seed + 1) != first);
}

/// A shipped payment scenario run at seed 1.
inline sim::RunResult run_file(const std::string& name) {
  return sim::run_scenario(sim::load_scenario("scenarios/payment/" + name + ".yaml"), 1).result;
}

/// The statuses the actors committed for payment `id`, in order.
inline std::vector<std::string> statuses_of(const payment::Observations& o, std::int64_t id) {
  std::vector<std::string> statuses;
  for (const payment::Transition& t : o.transitions)
    if (t.payment_id == id && !t.status.empty()) statuses.push_back(t.status);
  return statuses;
}

/// The check of that name among a run's findings.
inline const sim::CheckResult& check_named(const sim::Findings& findings, const std::string& name) {
  for (const sim::CheckResult& check : findings.checks)
    if (check.name == name) return check;
  throw std::runtime_error("no check " + name);
}

/// The check of that name among a scenario run's results.
inline const sim::CheckResult& check_named(const sim::RunResult& result, const std::string& name) {
  for (const sim::CheckOutcome& c : result.checks)
    if (c.result.name == name) return c.result;
  throw std::runtime_error("no check " + name);
}

}  // namespace payment_support
