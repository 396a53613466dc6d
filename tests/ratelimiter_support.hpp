// What the rate limiter's tests share: a hand-built run, a watcher that keeps every decision,
// and limits written in one line.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/ratelimiter/ratelimiter_model.hpp"
#include "sim/kernel/network.hpp"
#include "sim/scenario/param_reader.hpp"

namespace ratelimiter_test {

using namespace sim::literals;
using sim::Duration;
using sim::Instant;

// One hand-built run: params as a scenario writes them, faults as World verbs at fixed times.
class LimiterRun {
public:
  explicit LimiterRun(const std::string& params, std::uint64_t seed = 1) : world(seed) {
    sim::ParamReader reader(YAML::Load(params), sim::SourceMark{"test", 1, 1}, "params");
    model.configure(reader);
  }

  void build(Duration length, Duration one_way = 200_us) {
    length_ = length;
    model.build(world, length);
    sim::NetworkOptions network;
    network.defaults.latency = sim::DurationDist::constant(one_way);
    world.start_network(network);
    world.boot_all();
  }
  sim::NodeId node(const std::string& name) const { return *world.find_node(name); }
  void at(Duration time, std::function<void()> fault) {
    world.schedule_at(Instant::zero() + time, sim::no_node, 0, std::move(fault));
  }
  sim::Findings run() {
    world.run_until(Instant::zero() + length_);
    return model.finish(world, sim::FaultActivity{});
  }

  sim::World world;
  ratelimiter::RateLimiterModel model;

private:
  Duration length_;
};

// Keeps every decision of a run, as the checks no longer do.
class Collected final : public ratelimiter::DecisionObserver {
public:
  void observe(const ratelimiter::Decided& decision, Instant, Instant) override { decisions.push_back(decision); }
  std::vector<ratelimiter::Decided> decisions;
};

inline ratelimiter::Limit limit_of(std::int64_t count, Duration window, std::int64_t capacity = 0,
                                   std::int64_t refill = 0) {
  ratelimiter::Limit limit;
  limit.count = count;
  limit.window = window;
  limit.capacity = capacity;
  limit.refill = refill;
  return limit;
}

}  // namespace ratelimiter_test
