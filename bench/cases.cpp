#include "bench/cases.hpp"

#include <fmt/format.h>

namespace bench {
namespace {

const Timing& kernel_timing(const Comparison& r, ClockKind clock) {
  return clock == ClockKind::wall ? r.kernel : r.kernel_cpu;
}
const Timing& baseline_timing(const Comparison& r, ClockKind clock) {
  return clock == ClockKind::wall ? r.baseline : r.baseline_cpu;
}

void print_row(const Row& row, ClockKind clock) {
  const Timing& k = kernel_timing(row.result, clock);
  const Timing& b = baseline_timing(row.result, clock);
  double ratio = k.median_ns / b.median_ns;
  std::string target = row.what.target ? fmt::format("<={:.1f}", *row.what.target) : "-";
  std::string met = !row.what.target ? "-" : ratio <= *row.what.target ? "yes" : "NO";
  fmt::print("{:<15} | {:>9} | {:>9.1f} | {:>9.1f} | {:>5.2f} | {:>6} | {:>4} | {:>9.2f} | {:>9.2f} | {:>5.1f}% | {:>5.1f}%\n",
             row.what.name, row.what.pending, k.median_ns, b.median_ns, ratio, target, met, 1e3 / k.median_ns,
             1e3 / b.median_ns, 100 * k.spread, 100 * b.spread);
}

}  // namespace

std::string Case::id() const { return fmt::format("{}@{}", name, pending); }

std::vector<Case> all_cases() {
  std::vector<Case> list;
  for (std::uint64_t p : {1'000u, 100'000u, 1'000'000u}) list.push_back({"hold", p, 1.3, std::nullopt});
  list.push_back({"sleep", 1'000, 2.0, SleepKind::sim_sleep});
  list.push_back({"sleep", 100'000, std::nullopt, SleepKind::sim_sleep});
  for (SleepKind kind : {SleepKind::sleep_for, SleepKind::kernel_sleep, SleepKind::callback})
    for (std::uint64_t c : {1'000u, 100'000u}) list.push_back({std::string(to_string(kind)), c, std::nullopt, kind});
  return list;
}

bool selected(const Case& c, const std::string& only) { return only.empty() || only == c.name || only == c.id(); }

void print_table(const std::vector<Row>& rows, ClockKind clock) {
  fmt::print("\n{}\n", clock == ClockKind::wall
                           ? "Wall time (std::chrono::steady_clock), median of the batches:"
                           : "The same batches in this thread's CPU time (not inflated by other load on the machine):");
  fmt::print("{:<15} | {:>9} | {:>9} | {:>9} | {:>5} | {:>6} | {:>4} | {:>9} | {:>9} | {:>6} | {:>6}\n", "case",
             "pending", "kernel ns", "base ns", "ratio", "target", "met", "kernel/s", "base/s", "k sprd",
             "b sprd");
  fmt::print("{}\n", std::string(114, '-'));
  for (const Row& row : rows) print_row(row, clock);
}

void print_legend() {
  fmt::print(
      "\nhold            P events pending in a sim::World; each, when run, schedules one event at now + delay\n"
      "                with world.schedule_at(at, no_node, 0, [this] {{...}}).\n"
      "sleep           C coroutines on one node's executor, each looping co_await sim::sleep(delay);\n"
      "                kernel ns is per resume.\n"
      "Diagnostics that split the cost of a resume (no target):\n"
      "diag:sleep_for  co_await sim::sleep_for(ex, delay, sim::use_awaitable): a use_awaitable frame, a pool block.\n"
      "diag:kernel_ex  co_await sim::sleep(delay) on the kernel's executor: no node clock arithmetic.\n"
      "diag:callback   sim::sleep_for(ex, delay, callback) re-arming itself: a SleepEvent, no coroutine.\n"
      "base            a plain sim::QuadHeap of {{time, seq, fn, ctx}}: pop, call fn(ctx), which pushes the\n"
      "                next entry; same pending count and delays; both reach the same final time (checked).\n"
      "kernel/s        million events (resumes) a second; base/s likewise.\n"
      "k sprd, b sprd  (max - min) / median over the batches.\n");
}

}  // namespace bench
