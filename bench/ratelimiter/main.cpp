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
// Then peak memory at several simulated lengths (30 s, 60 s, 300 s and 600 s by default), each a child
// of its own, and a real redis-server (Debian's, started and stopped by the benchmark) fed the
// same decision stream as the floors below: designsim's CPU per simulated request over the
// server's CPU per decision, both measured in this run.
//
// Targets (issue 19): that ratio at most 0.67; peak memory under 1 GiB at every length, not
// growing with it (the longest run within 10% of the one before, the working set filled).
//
// Usage: designsim_ratelimiter_bench [--seconds S] [--memory-at S,S,...] [--scenario FILE]
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
#include <utility>
#include <vector>

#include "bench/hold_cost.hpp"
#include "bench/ratelimiter/floors.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"

namespace {

/// designsim's CPU per simulated request over the real server's CPU per decision (issue 19).
constexpr double target_ratio = 0.67;
/// The peak of a 10-minute run, and of every length, at a steady load (issue 19).
constexpr double target_peak_bytes = 1.0 * 1024 * 1024 * 1024;
/// How much more the longest run may peak than the one before it and still count as not growing.
constexpr double growth_allowed = 1.10;
constexpr double mib = 1024.0 * 1024.0;

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

// The yardsticks at about the number of events the scenario keeps pending (10^5).
double heap_ns_per_event() { return bench::plain_heap_ns_per_event(100'000, 20'000'000); }
double kernel_ns_per_event() { return bench::kernel_ns_per_event(100'000, 20'000'000); }

int usage() {
  std::fprintf(stderr,
               "usage: designsim_ratelimiter_bench [--seconds S] [--memory-at S,S,...] [--scenario FILE]\n"
               "  --seconds    simulated seconds of the speed run instead of the scenario's 30 (e.g. 3 for a smoke run)\n"
               "  --memory-at  simulated lengths whose peak memory is measured, each in a child of its own\n"
               "               (default 30,60,300,600; the speed run's length is reused, not run again)\n"
               "  --scenario   another scenario file (default: bench/ratelimiter/million-users.yaml)\n");
  return 2;
}

/// The scenario run for `seconds` (0: its own length) in a child process: its figures, and its
/// peak resident memory in bytes (wait4's ru_maxrss). Exits the benchmark when the run fails.
std::pair<Figures, double> run_in_child(const std::string& file, std::int64_t seconds) {
  int channel[2];
  if (pipe(channel) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) {
    std::perror("fork");
    std::exit(1);
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
    std::exit(WIFEXITED(status) && WEXITSTATUS(status) == 2 ? 2 : 1);
  }
  return {figures, static_cast<double>(usage_of_child.ru_maxrss) * 1024.0};  // Linux: kilobytes
}

std::vector<std::int64_t> parse_lengths(const char* text) {
  std::vector<std::int64_t> lengths;
  const char* at = text;
  while (*at != '\0') {
    char* end = nullptr;
    std::int64_t seconds = std::strtoll(at, &end, 10);
    if (end == at || seconds <= 0 || (*end != ',' && *end != '\0')) return {};
    lengths.push_back(seconds);
    at = *end == ',' ? end + 1 : end;
  }
  return lengths;
}

void print_run(const std::string& file, std::int64_t seconds, const Figures& figures, double peak_bytes,
               double heap_ns) {
  double request_ns = figures.cpu_s * 1e9 / static_cast<double>(figures.requests);
  fmt::print("designsim_ratelimiter_bench: {}, {} simulated seconds\n", file, seconds);
  fmt::print("  simulated requests   {:>14}   ({} kernel events, expectations {})\n", figures.requests, figures.events,
             figures.expectations_met ? "met" : "NOT met");
  fmt::print("  run time             {:>12.2f} s CPU, {:.2f} s wall\n", figures.cpu_s, figures.wall_s);
  fmt::print("  requests per CPU-s   {:>14.0f}\n", static_cast<double>(figures.requests) / figures.cpu_s);
  fmt::print("  peak memory          {:>12.0f} MiB\n", peak_bytes / mib);
  fmt::print("  one request costs    {:>14.1f}   plain 4-ary heap events ({:.1f} ns each, measured in this run)\n",
             request_ns / heap_ns, heap_ns);
}

// Peak memory at each length, each run in a child of its own (the speed run's is reused).
void print_memory(const std::string& file, std::int64_t seconds, double speed_run_peak,
                  const std::vector<std::int64_t>& lengths) {
  fmt::print("peak memory by simulated length (target < {:.0f} MiB at every length, not growing with it: the\n"
             "longest within {:.0f}% of the one before, once the keys' working set (live two windows after their\n"
             "last admission) has filled)\n",
             target_peak_bytes / mib, 100 * (growth_allowed - 1));
  double first = 0;
  double before = 0;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    std::int64_t length = lengths[i];
    double peak = length == seconds ? speed_run_peak : run_in_child(file, length).second;
    if (first == 0) first = peak;
    std::string growth = before == 0 ? "" : fmt::format("   {:.2f}x the one before", peak / before);
    bool flat = i + 1 < lengths.size() || before == 0 || peak <= growth_allowed * before;
    fmt::print("  {:>5} s   {:>8.0f} MiB   {:.2f}x the first{}   < {:.0f} MiB: {}{}\n", length, peak / mib,
               peak / first, growth, target_peak_bytes / mib, peak < target_peak_bytes ? "met" : "NOT met",
               i + 1 < lengths.size() || before == 0 ? "" : flat ? "; not growing: met" : "; not growing: NOT met");
    before = peak;
  }
}

void print_floors(const Figures& figures, double heap_ns, double kernel_ns, double request_ns, double real_ns) {
  // The parts of one decision, measured alone in this process (floors.hpp), against what the
  // target leaves for a whole simulated request.
  bench::DecisionFloors floors = bench::measure_decision_floors(1'000'000);
  double budget_ns = target_ratio * real_ns;
  double events_per_request = static_cast<double>(figures.events) / static_cast<double>(figures.requests);
  auto admitted = [](const bench::DecisionCost& cost) { return 100 * cost.admitted_share; };
  auto share = [budget_ns](double ns) { return 100 * ns / budget_ns; };
  fmt::print("where a request's time goes (ns of CPU per decision; {} decisions replayed, {} on one master)\n",
             floors.decisions, floors.engine_decisions);
  fmt::print("  whole simulated request {:>8.0f}   the run above ({:.0f}% of the budget)\n", request_ns,
             share(request_ns));
  fmt::print("  target's budget         {:>8.0f}   {:.2f} x the real server's CPU per decision\n", budget_ns,
             target_ratio);
  fmt::print("  bare Lua 5.1            {:>8.0f}   the script in a bare Lua state, redis.call a C stub ({:.0f}% of the "
             "budget; {:.0f}% admitted)\n",
             floors.bare_lua.ns, share(floors.bare_lua.ns), admitted(floors.bare_lua));
  fmt::print("  script through the host {:>8.0f}   LuaHost's EVALSHA, redis.call answered by a stub ({:.0f}%; {:.0f}% "
             "admitted)\n",
             floors.script_alone.ns, share(floors.script_alone.ns), admitted(floors.script_alone));
  fmt::print("  script on an engine     {:>8.0f}   EVALSHA on one master's share of the keys and requests ({:.0f}%; "
             "{:.0f}% admitted)\n",
             floors.on_engine.ns, share(floors.on_engine.ns), admitted(floors.on_engine));
  fmt::print("  kernel events           {:>8.0f}   {:.1f} events a request at the plain heap's cost ({:.0f}%)\n",
             events_per_request * heap_ns, events_per_request, share(events_per_request * heap_ns));
  fmt::print("  kernel events, kernel   {:>8.0f}   the same at the kernel's own cost, its hold model at 10^5 pending "
             "({:.1f} ns; {:.0f}%)\n",
             events_per_request * kernel_ns, kernel_ns, share(events_per_request * kernel_ns));
}

}  // namespace

int main(int argc, char** argv) {
  std::string file = std::string(checkout::source_dir) + "/bench/ratelimiter/million-users.yaml";
  std::int64_t seconds = 30;
  std::vector<std::int64_t> memory_at{30, 60, 300, 600};
  bool anchor_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--anchor-only") == 0) {
      anchor_only = true;
      continue;
    }
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      seconds = std::strtoll(argv[++i], &end, 10);
      if (*end != '\0' || seconds <= 0) return usage();
    } else if (std::strcmp(argv[i], "--memory-at") == 0 && i + 1 < argc) {
      memory_at = parse_lengths(argv[++i]);
      if (memory_at.empty()) return usage();
    } else if (std::strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
      file = argv[++i];
    } else {
      return usage();
    }
  }
  if (anchor_only) {  // the real server and the floors alone, for a run measured before
    bench::RealServerCost real = bench::measure_real_server(1'000'000);
    fmt::print("redis-server {}: {:.0f} ns of CPU per decision ({} measured, {:.0f}% admitted)\n", real.version, real.ns,
               real.decisions, 100 * real.admitted_share);
    print_floors(Figures{1, 1, 1, 6, true}, heap_ns_per_event(), kernel_ns_per_event(), 0, real.ns);
    return 0;
  }
  auto [figures, peak_bytes] = run_in_child(file, seconds);
  double heap_ns = heap_ns_per_event();
  double request_ns = figures.cpu_s * 1e9 / static_cast<double>(figures.requests);
  print_run(file, seconds, figures, peak_bytes, heap_ns);
  print_memory(file, seconds, peak_bytes, memory_at);

  // The real server on the same decisions, in this run: the anchor of the speed figure.
  bench::RealServerCost real = bench::measure_real_server(1'000'000);
  fmt::print("against a real redis-server {} (the same script and arguments, pipelined 512 at a time)\n",
             real.version);
  fmt::print("  redis-server CPU per decision {:>8.0f} ns   ({} decisions measured, {:.0f}% admitted)\n", real.ns,
             real.decisions, 100 * real.admitted_share);
  fmt::print("  designsim CPU per request     {:>8.0f} ns   the whole simulated deployment, the run above\n",
             request_ns);
  double ratio = request_ns / real.ns;
  fmt::print("  ratio                         {:>8.2f}      target <= {:.2f}: {}\n", ratio, target_ratio,
             ratio <= target_ratio ? "met" : "NOT met");
  print_floors(figures, heap_ns, kernel_ns_per_event(), request_ns, real.ns);
  return 0;
}
