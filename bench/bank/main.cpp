// designsim_bank_bench: how fast the bank's transfers run on the simulated PostgreSQL.
//
// The workload (bench/bank/transfers-*.yaml): one server, 64 clients transferring money
// (read-then-write, with retry on 40001 and 40P01) among 1,000 accounts for 60 simulated
// seconds, once at READ COMMITTED and once at SERIALIZABLE, each run in a child process so that
// its peak resident memory is its own (wait4's ru_maxrss).
//
// Reported for each: statements the server ran (its own count, cancelled ones included) per
// second of the run's CPU time (setup, simulation, checks and report together), kernel events
// per statement, and peak memory; then SERIALIZABLE's cost against READ COMMITTED's.
//
// Targets (issue 14): at least 300,000 simulated statements per CPU second at READ COMMITTED;
// SERIALIZABLE within 2x of READ COMMITTED; peak memory under 1 GiB.
//
// Usage: designsim_bank_bench [--seconds S]
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "bench/child.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"

namespace {

constexpr double target_statements_per_cpu_second = 300'000;
constexpr double target_serializable_ratio = 2.0;
constexpr double target_peak_bytes = 1024.0 * 1024 * 1024;

double clock_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// What the child sends back through the pipe.
struct Figures {
  double cpu_s = 0;
  double wall_s = 0;
  double statements = 0;
  double committed = 0;
  double retries = 0;
  std::uint64_t events = 0;
  double peak_bytes = 0;  ///< filled in by the parent
};

Figures run_child(const std::string& file, std::int64_t seconds) {
  sim::Scenario scenario = sim::load_scenario(file);
  if (seconds > 0) scenario.duration = sim::Duration::seconds(seconds);
  double cpu0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  double wall0 = clock_seconds(CLOCK_MONOTONIC);
  sim::RunOutput output = sim::run_scenario(scenario, scenario.seed);
  Figures figures;
  figures.cpu_s = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  figures.wall_s = clock_seconds(CLOCK_MONOTONIC) - wall0;
  figures.events = output.result.events_run;
  figures.statements = output.result.measures["statements"];
  figures.committed = output.result.measures["transfers_committed"];
  figures.retries = output.result.measures["retries"];
  return figures;
}

/// Runs one scenario in a child process; false when it did not finish.
bool measure(const std::string& file, std::int64_t seconds, Figures& figures) {
  bench::ChildUsage usage;
  bool ok = bench::run_in_child([&] { return run_child(file, seconds); }, figures, usage);
  figures.peak_bytes = usage.peak_bytes;
  return ok;
}

void print(const char* level, const Figures& f) {
  double per_cpu_second = f.statements / f.cpu_s;
  fmt::print(
      "  {:<16} {:>11.0f} statements in {:>6.2f} s CPU ({:.2f} s wall): {:>9.0f} a CPU second; {:.0f} "
      "transfers committed, {:.0f} retries; {:.1f} kernel events a statement; peak {:.0f} MiB\n",
      level, f.statements, f.cpu_s, f.wall_s, per_cpu_second, f.committed, f.retries,
      static_cast<double>(f.events) / f.statements, f.peak_bytes / (1024 * 1024));
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t seconds = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      seconds = std::strtoll(argv[++i], &end, 10);
      if (*end != '\0' || seconds <= 0) return 2;
    } else {
      std::fprintf(stderr, "usage: designsim_bank_bench [--seconds S]   (S simulated seconds instead of 60)\n");
      return 2;
    }
  }
  std::string dir = std::string(checkout::source_dir) + "/bench/bank/";
  Figures rc, ser;
  if (!measure(dir + "transfers-read-committed.yaml", seconds, rc) ||
      !measure(dir + "transfers-serializable.yaml", seconds, ser)) {
    std::fprintf(stderr, "designsim_bank_bench: a run did not finish\n");
    return 1;
  }
  fmt::print("designsim_bank_bench: one server, 64 clients, transfers among 1,000 accounts\n");
  print("READ COMMITTED", rc);
  print("SERIALIZABLE", ser);
  double rc_rate = rc.statements / rc.cpu_s;
  double ratio = rc_rate / (ser.statements / ser.cpu_s);
  double peak = std::max(rc.peak_bytes, ser.peak_bytes);
  fmt::print("  statements per CPU second at READ COMMITTED {:.0f}, target >= {:.0f}: {}\n", rc_rate,
             target_statements_per_cpu_second, rc_rate >= target_statements_per_cpu_second ? "met" : "NOT met");
  fmt::print("  SERIALIZABLE's CPU per statement {:.2f}x READ COMMITTED's, target <= {:.0f}x: {}\n", ratio,
             target_serializable_ratio, ratio <= target_serializable_ratio ? "met" : "NOT met");
  fmt::print("  peak memory {:.0f} MiB, target < {:.0f} MiB: {}\n", peak / (1024 * 1024),
             target_peak_bytes / (1024 * 1024), peak < target_peak_bytes ? "met" : "NOT met");
  return 0;
}
