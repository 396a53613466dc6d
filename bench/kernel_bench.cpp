// designsim_bench: the kernel's cost against the cheapest honest heap-based event loop.
//
//   hold model   P events pending in a sim::World; each schedules the next at now + delay.
//   sleepers     C coroutines looping on co_await sim::sleep(delay); one resume per event.
// Both are timed against plain queues of (time, sequence, fn, ctx) entries holding the same
// number pending and drawing the same delays, in the same binary and run: the branch-free 4-ary
// heap, a branchy 4-ary heap and a radix heap (plain_queues.hpp). Targets read the best of them.
//
// Usage: designsim_bench [--quick] [--only CASE[@PENDING]]
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/cases.hpp"
#include "bench/delays.hpp"
#include "bench/kernel_floors.hpp"
#include "bench/measure.hpp"
#include "bench/plain_hold.hpp"
#include "bench/queue_hold.hpp"
#include "bench/sleepers.hpp"
#include "bench/world_hold.hpp"

namespace bench {
namespace {

constexpr std::uint64_t delay_seed = 20260101;
constexpr std::size_t delay_table_size = 1 << 16;
constexpr double delay_mean_ns = 1e6;  // exponential, mean 1 ms

struct Options {
  bool quick = false;
  std::string only;
};

Plan plan_for(const Options& options) {
  Plan plan;
  if (options.quick) {
    plan.seconds_per_batch = 0.05;
    plan.batches = 3;
    plan.warmup_events = 20'000;
    plan.calibration_events = 20'000;
  }
  return plan;
}

Comparison measure(const Case& c, const Plan& plan, const std::shared_ptr<const DelayTable>& table) {
  std::unique_ptr<Contestant> kernel;
  if (c.floor == Floor::pooled_block)
    kernel = std::make_unique<PooledBlockHold>(c.pending, table);
  else if (c.floor == Floor::kernel_sized_entry)
    kernel = std::make_unique<KernelSizedRadixHold>(c.pending, table);
  else if (c.floor == Floor::bare_coroutine)
    kernel = std::make_unique<BareCoroutines>(c.pending, table);
  else if (c.name == pooled_hold_name)
    kernel = std::make_unique<WorldHold>(c.pending, table, WorkPlace::pooled_block);
  else if (c.sleep)
    kernel = std::make_unique<Sleepers>(*c.sleep, c.pending, table);
  else
    kernel = std::make_unique<WorldHold>(c.pending, table);
  PlainHold heap4(c.pending, table);
  BranchyHold branchy(c.pending, table);
  RadixHold radix(c.pending, table);
  return compare({{"kernel", kernel.get()}, {heap4_name, &heap4}, {branchy_name, &branchy}, {radix_name, &radix}},
                 c.pending, plan);
}

void print_header(const Options& options, const Plan& plan) {
  fmt::print(
      "designsim_bench{}: per case, {} timed batches of ~{:.2f} s CPU per contestant, alternating; "
      "medians reported.\nDelays: exponential, mean {:.0f} us, from sim::Rng, the same sequence for "
      "every contestant.\n",
      options.quick ? " --quick" : "", plan.batches, plan.seconds_per_batch, delay_mean_ns / 1e3);
}

int run(const Options& options) {
  std::vector<Case> chosen;
  for (const Case& c : all_cases())
    if (selected(c, options.only)) chosen.push_back(c);
  if (chosen.empty()) {
    fmt::print(stderr, "no case named {}\n", options.only);
    return 2;
  }
  Plan plan = plan_for(options);
  print_header(options, plan);
  auto table = std::make_shared<const DelayTable>(delay_seed, delay_table_size, delay_mean_ns);
  std::vector<Row> rows;
  for (const Case& c : chosen) {
    rows.push_back(Row{c, measure(c, plan, table)});
    const Comparison& r = rows.back().result;
    fmt::print("  {:<20} {:>9} events a batch, kernel / best baseline {:.2f} (CPU time {:.2f}, best {})\n", c.id(),
               r.events_per_batch, r.ratio_to_best(ClockKind::wall), r.ratio_to_best(ClockKind::cpu),
               r.best_baseline(ClockKind::cpu).name);
    std::fflush(stdout);
  }
  print_table(rows, ClockKind::wall);
  print_table(rows, ClockKind::cpu);
  print_legend();
  return 0;
}

void print_usage() {
  fmt::print(stderr,
             "usage: designsim_bench [--quick] [--only CASE[@PENDING]]\n"
             "  --quick  short batches: a smoke run of a few seconds\n"
             "  --only   one case, for profiling: hold, sleep, diag:pooled, diag:sleep_for, diag:kernel_ex,\n"
             "           diag:callback, floor:block, floor:entry32, floor:coroutine, optionally with @PENDING\n"
             "           (hold@100000)\n");
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  bench::Options options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      options.quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      options.only = argv[++i];
    } else {
      bench::print_usage();
      return 2;
    }
  }
  return bench::run(options);
}
