// designsim_ratelimiter_bench: how fast the rate limiter's large scenario runs.
//
// The scenario (bench/ratelimiter/million-users.yaml): one million users, 200,000 requests a
// second, ten API servers, three Redis Cluster masters, the sliding window counter run by EVAL,
// thirty simulated seconds. The run happens in a child process, so its peak resident memory is
// its own (wait4's ru_maxrss) and not the benchmark's.
//
// Reported: simulated requests decided per second of the run's CPU time (the whole run: setup,
// simulation, checks and report), and peak memory. Beside them, in the same process and the
// same run, the cost of one event of the plain 4-ary heap the kernel benchmark uses as its
// baseline, so the figure can be read as "one simulated request costs N plain heap events" on
// any machine.
//
// Targets (issue 3): at least 500,000 simulated requests per second on one core; peak memory
// under 2 GiB.
//
// Usage: designsim_ratelimiter_bench [--seconds S] [--scenario FILE]
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "bench/delays.hpp"
#include "bench/plain_hold.hpp"
#include "bench/ratelimiter/floors.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace {

constexpr double target_requests_per_cpu_second = 500'000;
constexpr double target_peak_bytes = 2.0 * 1024 * 1024 * 1024;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double wall_seconds() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// What the child sends back through the pipe.
struct Figures {
  double cpu_s = 0;
  double wall_s = 0;
  std::uint64_t requests = 0;
  std::uint64_t events = 0;
  bool expectations_met = false;
};

Figures run_child(const std::string& file, std::int64_t seconds) {
  sim::Scenario scenario = sim::load_scenario(file);
  if (seconds > 0) scenario.duration = sim::Duration::seconds(seconds);
  double cpu0 = cpu_seconds();
  double wall0 = wall_seconds();
  sim::RunOutput output = sim::run_scenario(scenario, scenario.seed);
  Figures figures;
  figures.cpu_s = cpu_seconds() - cpu0;
  figures.wall_s = wall_seconds() - wall0;
  figures.events = output.result.events_run;
  figures.expectations_met = output.result.expectation_problems.empty();
  for (const sim::LatencySummary& latency : output.result.latencies)
    if (latency.name == "limiter_latency" && latency.window == "all") figures.requests = latency.count;
  return figures;
}

/// Nanoseconds of CPU per event of the plain heap, holding 10^5 events (about the number the
/// scenario keeps pending).
double plain_heap_ns_per_event() {
  auto table = std::make_shared<const bench::DelayTable>(20260101, 1 << 16, 1e6);
  bench::PlainHold heap(100'000, table);
  heap.run(1'000'000);  // warm up
  constexpr std::uint64_t events = 20'000'000;
  double cpu0 = cpu_seconds();
  heap.run(events);
  return (cpu_seconds() - cpu0) * 1e9 / static_cast<double>(events);
}

int usage() {
  std::fprintf(stderr,
               "usage: designsim_ratelimiter_bench [--seconds S] [--scenario FILE]\n"
               "  --seconds   simulated seconds to run instead of the scenario's 30 (e.g. 3 for a smoke run)\n"
               "  --scenario  another scenario file (default: bench/ratelimiter/million-users.yaml)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file = std::string(DESIGNSIM_SOURCE_DIR) + "/bench/ratelimiter/million-users.yaml";
  std::int64_t seconds = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      seconds = std::strtoll(argv[++i], &end, 10);
      if (*end != '\0' || seconds <= 0) return usage();
    } else if (std::strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
      file = argv[++i];
    } else {
      return usage();
    }
  }

  int channel[2];
  if (pipe(channel) != 0) {
    std::perror("pipe");
    return 1;
  }
  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    return 1;
  }
  if (child == 0) {
    close(channel[0]);
    int status = 0;
    try {
      Figures figures = run_child(file, seconds);
      status = write(channel[1], &figures, sizeof figures) == static_cast<ssize_t>(sizeof figures) ? 0 : 1;
    } catch (const sim::ScenarioError& e) {
      std::fprintf(stderr, "%s\n", e.what());
      status = 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "the run failed: %s\n", e.what());
      status = 1;
    }
    _exit(status);
  }
  close(channel[1]);
  Figures figures;
  ssize_t got = read(channel[0], &figures, sizeof figures);
  close(channel[0]);
  int status = 0;
  rusage usage_of_child{};
  while (wait4(child, &status, 0, &usage_of_child) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof figures) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "designsim_ratelimiter_bench: the run did not finish\n");
    return WIFEXITED(status) && WEXITSTATUS(status) == 2 ? 2 : 1;
  }
  double peak_bytes = static_cast<double>(usage_of_child.ru_maxrss) * 1024.0;  // Linux: kilobytes
  double heap_ns = plain_heap_ns_per_event();

  double per_cpu_second = static_cast<double>(figures.requests) / figures.cpu_s;
  double request_ns = figures.cpu_s * 1e9 / static_cast<double>(figures.requests);
  fmt::print("designsim_ratelimiter_bench: {}\n", file);
  fmt::print("  simulated requests   {:>14}   ({} kernel events, expectations {})\n", figures.requests, figures.events,
             figures.expectations_met ? "met" : "NOT met");
  fmt::print("  run time             {:>12.2f} s CPU, {:.2f} s wall\n", figures.cpu_s, figures.wall_s);
  fmt::print("  requests per CPU-s   {:>14.0f}   target >= {:.0f}: {}\n", per_cpu_second, target_requests_per_cpu_second,
             per_cpu_second >= target_requests_per_cpu_second ? "met" : "NOT met");
  fmt::print("  peak memory          {:>12.0f} MiB   target < {:.0f} MiB: {}\n", peak_bytes / (1024 * 1024),
             target_peak_bytes / (1024 * 1024), peak_bytes < target_peak_bytes ? "met" : "NOT met");
  fmt::print("  one request costs    {:>14.1f}   plain 4-ary heap events ({:.1f} ns each, measured in this run)\n",
             request_ns / heap_ns, heap_ns);

  // The parts of one decision, measured alone in this process (floors.hpp), against what the
  // target leaves for a whole simulated request.
  bench::DecisionFloors floors = bench::measure_decision_floors(1'000'000);
  double budget_ns = 1e9 / target_requests_per_cpu_second;
  double events_per_request = static_cast<double>(figures.events) / static_cast<double>(figures.requests);
  auto admitted = [](const bench::DecisionCost& cost) { return 100 * cost.admitted_share; };
  fmt::print("where a request's time goes (ns of CPU per decision; {} decisions replayed, {} on one master)\n",
             floors.decisions, floors.engine_decisions);
  fmt::print("  whole simulated request {:>8.0f}   the run above\n", request_ns);
  fmt::print("  target's budget         {:>8.0f}   1 s / {:.0f}\n", budget_ns, target_requests_per_cpu_second);
  fmt::print("  bare Lua 5.1            {:>8.0f}   the script in a bare Lua state, redis.call a C stub ({:.0f}% of the budget; {:.0f}% admitted)\n",
             floors.bare_lua.ns, 100 * floors.bare_lua.ns / budget_ns, admitted(floors.bare_lua));
  fmt::print("  script through the host {:>8.0f}   LuaHost's EVALSHA, redis.call answered by a stub ({:.0f}% admitted)\n",
             floors.script_alone.ns, admitted(floors.script_alone));
  fmt::print("  script on an engine     {:>8.0f}   EVALSHA on one master's share of the keys and requests ({:.0f}% admitted)\n",
             floors.on_engine.ns, admitted(floors.on_engine));
  fmt::print("  kernel events           {:>8.0f}   {:.1f} events a request at the plain heap's cost\n",
             events_per_request * heap_ns, events_per_request);
  return 0;
}
