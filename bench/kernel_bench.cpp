// designsim_bench: the kernel's cost against the cheapest honest heap-based event loop.
//
//   hold model     P events pending in a sim::World; each schedules the next at now + delay.
//   sleepers       C coroutines looping on co_await sim::sleep(delay); one resume per event.
// Both are timed against a plain 4-ary heap of (time, sequence, fn, ctx) entries holding the
// same number pending and drawing the same delays, in the same binary and run.
//
// Usage: designsim_bench [--quick] [--only CASE[@PENDING]]
#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/delays.hpp"
#include "bench/measure.hpp"
#include "bench/plain_hold.hpp"
#include "bench/sleepers.hpp"
#include "bench/world_hold.hpp"

namespace bench {
namespace {

constexpr std::uint64_t delay_seed = 20260101;
constexpr std::size_t delay_table_size = 1 << 16;
constexpr double delay_mean_ns = 1e6;  // exponential, mean 1 ms

struct Case {
  std::string name;
  std::uint64_t pending;
  std::optional<double> target;  // ratio kernel / baseline; none for diagnostic rows
  std::optional<SleepKind> sleep; // none: the hold model with posted events
};

struct Row {
  Case what;
  Comparison result;
};

std::string id_of(const Case& c) { return fmt::format("{}@{}", c.name, c.pending); }

std::vector<Case> cases() {
  std::vector<Case> list;
  for (std::uint64_t p : {1'000u, 100'000u, 1'000'000u}) list.push_back({"hold", p, 1.3, std::nullopt});
  list.push_back({"sleep", 1'000, 2.0, SleepKind::sim_sleep});
  list.push_back({"sleep", 100'000, std::nullopt, SleepKind::sim_sleep});
  for (SleepKind kind : {SleepKind::sleep_for, SleepKind::kernel_sleep, SleepKind::callback})
    for (std::uint64_t c : {1'000u, 100'000u}) list.push_back({std::string(to_string(kind)), c, std::nullopt, kind});
  return list;
}

/// Whether `c` is selected by `--only` (a case name, or name@pending); empty selects all.
bool selected(const Case& c, const std::string& only) { return only.empty() || only == c.name || only == id_of(c); }

void print_legend() {
  fmt::print(
      "\nhold            P events pending in a sim::World; each runs and schedules one event at now + delay\n"
      "                with world.schedule_at(at, no_node, 0, [this] {{...}}).\n"
      "sleep           C coroutines on one node's executor, each looping co_await sim::sleep(delay);\n"
      "                kernel ns = ns per resume.\n"
      "Diagnostics, to split the cost of a resume (no target):\n"
      "diag:sleep_for  co_await sim::sleep_for(ex, delay, sim::use_awaitable): no nested sim::sleep frame.\n"
      "diag:kernel_ex  co_await sim::sleep(delay) on the kernel executor: no node clock arithmetic.\n"
      "diag:callback   sim::sleep_for(ex, delay, callback) that re-arms itself: a SleepEvent, no coroutine.\n"
      "base            a plain sim::QuadHeap of {{time, seq, fn, ctx}}: pop, call fn(ctx), which pushes\n"
      "                the next entry; same pending count, same delays; both reach the same final time.\n"
      "k sprd, b sprd  (max - min) / median over the batches. M/s: million events (resumes) a second.\n");
}

Comparison measure(const Case& c, const Plan& plan, const std::shared_ptr<const DelayTable>& table) {
  PlainHold baseline(c.pending, table);
  std::unique_ptr<Contestant> kernel;
  if (c.sleep) kernel = std::make_unique<Sleepers>(*c.sleep, c.pending, table);
  else kernel = std::make_unique<WorldHold>(c.pending, table);
  return compare(*kernel, baseline, c.pending, plan);
}

/// Which clock a table reads.
enum class Clock { wall, cpu };

const Timing& kernel_timing(const Comparison& r, Clock clock) { return clock == Clock::wall ? r.kernel : r.kernel_cpu; }
const Timing& baseline_timing(const Comparison& r, Clock clock) {
  return clock == Clock::wall ? r.baseline : r.baseline_cpu;
}

void print_table(const std::vector<Row>& rows, Clock clock) {
  fmt::print("\n{}\n", clock == Clock::wall ? "Wall time (std::chrono::steady_clock), median of the batches:"
                                             : "The same batches, this thread's CPU time (unaffected by other load):");
  fmt::print("{:<16} | {:>9} | {:>10} | {:>10} | {:>6} | {:>6} | {:>4} | {:>10} | {:>10} | {:>7} | {:>7}\n",
             "case", "pending", "kernel ns", "base ns", "ratio", "target", "met", "kernel M/s",
             "base M/s", "k sprd", "b sprd");
  fmt::print("{}\n", std::string(124, '-'));
  for (const Row& row : rows) {
    const Timing& k = kernel_timing(row.result, clock);
    const Timing& b = baseline_timing(row.result, clock);
    double ratio = k.median_ns / b.median_ns;
    std::string target = row.what.target ? fmt::format("<={:.1f}", *row.what.target) : "-";
    std::string met = !row.what.target ? "-" : ratio <= *row.what.target ? "yes" : "NO";
    fmt::print("{:<16} | {:>9} | {:>10.1f} | {:>10.1f} | {:>6.2f} | {:>6} | {:>4} | {:>10.2f} | {:>10.2f} | {:>6.1f}% | {:>6.1f}%\n",
               row.what.name, row.what.pending, k.median_ns, b.median_ns, ratio, target, met, 1e3 / k.median_ns,
               1e3 / b.median_ns, 100 * k.spread, 100 * b.spread);
  }
}

int run_all(bool quick, const std::string& only) {
  Plan plan;
  if (quick) {
    plan.seconds_per_batch = 0.05;
    plan.batches = 3;
    plan.warmup_events = 20'000;
    plan.calibration_events = 20'000;
  }
  auto table = std::make_shared<const DelayTable>(delay_seed, delay_table_size, delay_mean_ns);
  fmt::print("designsim_bench{}: {} timed batches of ~{:.2f} s per contestant, median reported; "
             "delays exponential, mean {:.0f} us, from sim::Rng\n",
             quick ? " --quick" : "", plan.batches, plan.seconds_per_batch, delay_mean_ns / 1e3);
  fmt::print("ns = ns per event (hold) or per coroutine resume (sleepers); base = plain 4-ary heap of "
             "(time, seq, fn, ctx) with the same pending count and delays\n");
  std::vector<Row> rows;
  for (const Case& c : cases()) {
    if (!selected(c, only)) continue;
    rows.push_back(Row{c, measure(c, plan, table)});
    const Comparison& r = rows.back().result;
    fmt::print("  measured {}: {} events a batch, ratio {:.2f} (cpu {:.2f})\n", id_of(c),
               r.events_per_batch, r.ratio(), r.cpu_ratio());
    std::fflush(stdout);
  }
  if (rows.empty()) {
    fmt::print(stderr, "no case named {}\n", only);
    return 2;
  }
  print_table(rows, Clock::wall);
  print_table(rows, Clock::cpu);
  print_legend();
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  bool quick = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      fmt::print(stderr, "usage: designsim_bench [--quick] [--only CASE[@PENDING]]\n"
                         "  --quick  short batches, for a smoke run\n"
                         "  --only   one case, for profiling: hold, sleep, diag:sleep_for, diag:kernel_ex, diag:callback\n");
      return 2;
    }
  }
  return bench::run_all(quick, only);
}
