#include "bench/measure.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#include "sim/kernel/assert.hpp"

namespace bench {
namespace {

struct Seconds {
  double wall;
  double cpu;
};

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);  // allowed: benchmark timing
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

Seconds seconds_to_run(Contestant& contestant, std::uint64_t events) {
  double cpu_start = thread_cpu_seconds();
  auto start = std::chrono::steady_clock::now();  // allowed: benchmark timing
  contestant.run(events);
  auto stop = std::chrono::steady_clock::now();  // allowed: benchmark timing
  double cpu_stop = thread_cpu_seconds();
  return Seconds{std::chrono::duration<double>(stop - start).count(), cpu_stop - cpu_start};
}

Timing summarize(std::vector<double> ns_per_event) {
  std::sort(ns_per_event.begin(), ns_per_event.end());
  double median = ns_per_event[ns_per_event.size() / 2];
  return Timing{median, (ns_per_event.back() - ns_per_event.front()) / median};
}

std::uint64_t batch_size(const std::vector<Entrant>& entrants, const Plan& plan) {
  double slowest_s = 0;
  for (const Entrant& e : entrants)
    slowest_s = std::max(slowest_s, seconds_to_run(*e.contestant, plan.calibration_events).cpu);
  double per_event_s = slowest_s / static_cast<double>(plan.calibration_events);
  return std::max<std::uint64_t>(10'000, static_cast<std::uint64_t>(plan.seconds_per_batch / per_event_s));
}

}  // namespace

const Result& Comparison::best_baseline(ClockKind clock) const {
  SIM_ASSERT(results.size() >= 2, "a comparison needs a baseline");
  const Result* best = &results[1];
  for (std::size_t i = 2; i < results.size(); ++i)
    if (results[i].on(clock).median_ns < best->on(clock).median_ns) best = &results[i];
  return *best;
}

const Result& Comparison::named(const std::string& name) const {
  for (const Result& r : results)
    if (r.name == name) return r;
  SIM_ASSERT(false, "no contestant named " + name);
  return results.front();
}

Comparison compare(const std::vector<Entrant>& entrants, std::uint64_t pending, const Plan& plan) {
  std::uint64_t warmup = std::max<std::uint64_t>(plan.warmup_events, 2 * pending);
  for (const Entrant& e : entrants) e.contestant->run(warmup);
  std::uint64_t batch = batch_size(entrants, plan);

  auto per_event_ns = [batch](double seconds) { return seconds * 1e9 / static_cast<double>(batch); };
  std::vector<std::vector<double>> wall_ns(entrants.size()), cpu_ns(entrants.size());
  for (int round = 0; round < plan.batches; ++round) {
    for (std::size_t i = 0; i < entrants.size(); ++i) {
      Seconds s = seconds_to_run(*entrants[i].contestant, batch);
      wall_ns[i].push_back(per_event_ns(s.wall));
      cpu_ns[i].push_back(per_event_ns(s.cpu));
    }
  }
  Comparison comparison;
  comparison.events_per_batch = batch;
  for (std::size_t i = 0; i < entrants.size(); ++i) {
    SIM_ASSERT(entrants[i].contestant->now_ns() == entrants[0].contestant->now_ns(),
               "the contestants ran different events: their simulated times differ (" + entrants[i].name + ")");
    comparison.results.push_back(Result{entrants[i].name, summarize(wall_ns[i]), summarize(cpu_ns[i])});
  }
  return comparison;
}

}  // namespace bench
