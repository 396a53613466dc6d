// designsim_study_bench: what a study costs, and how it scales with threads.
//
//   per run    the Redlock-versus-fencing study (scenarios/studies/redlock-vs-fencing.yaml) run
//              by sim::run_study on one thread: process CPU time over the number of runs, in
//              milliseconds and in events of the kernel benchmark's plain 4-ary heap holding 10^5
//              (measured in the same process, so the figure reads the same on any machine).
//   sandbox    building one Redis server's Lua state (a LuaHost's first SCRIPT LOAD) against
//              a SCRIPT LOAD on a host that already has one: what a server that never sees a
//              script no longer pays since the state is built when the first script arrives.
//   floors     what a run costs that no change to the models' own work removes: the kernel
//              events a run executes, at the kernel's own cost per event (its hold model at
//              10^3 pending, measured in the same process), and a run's fixed part, the fault
//              class "none" run for 1 ms of simulated time instead of the scenario's 10 s
//              (building the world, its servers and checks, and judging), against the same
//              cells run whole.
//   --jobs     the same study with jobs = 1 and jobs = 2, alternating, wall time each: the
//              speed-up of a second thread, one ratio per pair.
//
// Usage: designsim_study_bench [--seeds N] [--pairs P]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/hold_cost.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "sim/run/study.hpp"
#include "tests/checkout.hpp"

namespace {

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);  // allowed: benchmark timing
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double wall_seconds() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();  // allowed: benchmark timing
  return std::chrono::duration<double>(now).count();
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

struct StudyTiming {
  double wall_s = 0;
  double cpu_s = 0;
  std::uint64_t runs = 0;
  std::uint64_t events = 0;
};

StudyTiming time_study(const sim::Study& study, std::uint64_t seeds, unsigned jobs) {
  sim::StudyOptions options;
  options.seeds = seeds;
  options.jobs = jobs;
  double wall0 = wall_seconds();
  double cpu0 = process_cpu_seconds();
  sim::StudyResult result = sim::run_study(study, options);
  StudyTiming t{wall_seconds() - wall0, process_cpu_seconds() - cpu0, 0};
  t.runs = seeds * study.rows.size() * study.columns.size() * study.faults.size();
  for (const sim::CellResult& cell : result.cells) t.events += cell.sweep.total_events;
  return t;
}

/// Microseconds of CPU for `count` hosts to answer one SCRIPT LOAD each: with `fresh`, each host
/// is new (its first script builds the Lua state); without, one host answers them all.
double script_load_us(bool fresh, int count) {
  const std::vector<std::string> load{"LOAD", "return 1"};
  auto kept = redis::make_lua_host(redis::Version::v7_0);
  auto* kept_host = static_cast<redis::LuaHost*>(kept.get());
  kept_host->run_script(load);
  double cpu0 = process_cpu_seconds();
  for (int i = 0; i < count; ++i) {
    if (fresh) {
      redis::LuaHost host(redis::Version::v7_0);
      host.run_script(load);
    } else {
      kept_host->run_script(load);
    }
  }
  return (process_cpu_seconds() - cpu0) * 1e6 / count;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double per_run(const sim::Study& study, std::uint64_t seeds) {
  double heap_ns = bench::plain_heap_ns_per_event(100'000, 10'000'000);
  std::vector<double> ms;
  for (int i = 0; i < 3; ++i) {
    StudyTiming t = time_study(study, seeds, 1);
    ms.push_back(t.cpu_s * 1e3 / static_cast<double>(t.runs));
  }
  double heap_after_ns = bench::plain_heap_ns_per_event(100'000, 10'000'000);
  double run_ms = median(ms);
  fmt::print("per run      {:.3f} ms CPU (median of 3 studies of {} seeds a cell; {:.3f} to {:.3f})\n", run_ms, seeds,
             *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()));
  fmt::print("             = {:.0f} plain heap events (heap: {:.1f} ns an event before, {:.1f} after)\n",
             run_ms * 1e6 / heap_ns, heap_ns, heap_after_ns);
  double fresh_us = script_load_us(true, 300);
  double kept_us = script_load_us(false, 300);
  fmt::print(
      "sandbox      {:.1f} us CPU for a new host's first SCRIPT LOAD, {:.1f} us on a host with a state:\n"
      "             building one Lua state costs {:.1f} us = {:.2f} of a run\n",
      fresh_us, kept_us, fresh_us - kept_us, (fresh_us - kept_us) / (run_ms * 1e3));
  return run_ms;
}

/// The study's fault class "none" alone, each run `duration` long (null: the scenario's).
sim::Study quiet_cells(const sim::Study& study, const char* duration) {
  sim::Study quiet = study;
  quiet.scenario.reset(YAML::Clone(study.scenario));  // assigning a Node would write through to the study's
  if (duration) quiet.scenario["duration"] = duration;
  quiet.faults.assign(study.faults.begin(), study.faults.begin() + 1);
  return quiet;
}

void floors(const sim::Study& study, std::uint64_t seeds, double run_ms) {
  double kernel_ns = bench::kernel_ns_per_event(1'000, 10'000'000);
  StudyTiming whole = time_study(study, seeds, 1);
  double events = static_cast<double>(whole.events) / static_cast<double>(whole.runs);
  double events_ms = events * kernel_ns * 1e-6;
  fmt::print("floors       {:.0f} kernel events a run, at the kernel's {:.1f} ns an event (hold, 10^3 pending): "
             "{:.3f} ms, {:.2f} of a run\n",
             events, kernel_ns, events_ms, events_ms / run_ms);
  StudyTiming full = time_study(quiet_cells(study, nullptr), seeds, 1);
  StudyTiming brief = time_study(quiet_cells(study, "1ms"), seeds, 1);
  double full_ms = full.cpu_s * 1e3 / static_cast<double>(full.runs);
  double fixed_ms = brief.cpu_s * 1e3 / static_cast<double>(brief.runs);
  fmt::print("             fault class none: {:.3f} ms a run of 10 s, {:.3f} ms a run of 1 ms (its fixed part: "
             "building, judging, reporting), {:.2f} of it\n",
             full_ms, fixed_ms, fixed_ms / full_ms);
}

void jobs_scaling(const sim::Study& study, std::uint64_t seeds, int pairs) {
  fmt::print("--jobs       load average before: {}\n", load_average());
  std::vector<double> ratios;
  for (int i = 0; i < pairs; ++i) {
    StudyTiming one = time_study(study, seeds, 1);
    StudyTiming two = time_study(study, seeds, 2);
    ratios.push_back(one.wall_s / two.wall_s);
    fmt::print(
        "             pair {}: jobs 1 {:.2f} s wall ({:.2f} s CPU), jobs 2 {:.2f} s wall ({:.2f} s CPU): {:.2f}x\n",
        i + 1, one.wall_s, one.cpu_s, two.wall_s, two.cpu_s, ratios.back());
    std::fflush(stdout);
  }
  fmt::print("             median speed-up {:.2f}x over {} pairs; load average after: {}\n", median(ratios), pairs,
             load_average());
}

int usage() {
  std::fprintf(stderr,
               "usage: designsim_study_bench [--seeds N] [--pairs P]\n"
               "  --seeds  seeds a cell (default 20; the study has 54 cells)\n"
               "  --pairs  jobs 1 / jobs 2 pairs (default 5)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 20;
  int pairs = 5;
  for (int i = 1; i < argc; ++i) {
    bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--seeds") == 0 && has_value) {
      seeds = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--pairs") == 0 && has_value) {
      pairs = std::atoi(argv[++i]);
    } else {
      return usage();
    }
  }
  if (seeds == 0 || pairs <= 0) return usage();
  sim::Study study = sim::load_study(std::string(checkout::source_dir) + "/scenarios/studies/redlock-vs-fencing.yaml");
  fmt::print("designsim_study_bench: {} ({} cells), {} seeds a cell\n", study.name,
             study.rows.size() * study.columns.size() * study.faults.size(), seeds);
  double run_ms = per_run(study, seeds);
  floors(study, seeds, run_ms);
  jobs_scaling(study, seeds, pairs);
  return 0;
}
