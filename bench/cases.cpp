#include "bench/cases.hpp"

#include <fmt/format.h>

namespace bench {
namespace {

void print_row(const Row& row, ClockKind clock) {
  const Comparison& r = row.result;
  double kernel_ns = r.kernel().on(clock).median_ns;
  double ratio = r.ratio_to_best(clock);
  double heap4_ratio = kernel_ns / r.named(heap4_name).on(clock).median_ns;
  double target_ratio = row.what.target_heap4 ? heap4_ratio : ratio;
  std::string target =
      row.what.target ? fmt::format("{}<={:.1f}", row.what.target_heap4 ? "h" : "b", *row.what.target) : "-";
  std::string met = !row.what.target ? "-" : target_ratio <= *row.what.target ? "yes" : "NO";
  fmt::print(
      "{:<15} | {:>9} | {:>9.1f} | {:>8.1f} | {:>8.1f} | {:>8.1f} | {:>7} | {:>5.2f} | {:>6.2f} | {:>7} | {:>4} | "
      "{:>5.1f}%\n",
      row.what.name, row.what.pending, kernel_ns, r.named(heap4_name).on(clock).median_ns,
      r.named(branchy_name).on(clock).median_ns, r.named(radix_name).on(clock).median_ns, r.best_baseline(clock).name,
      ratio, heap4_ratio, target, met, 100 * r.kernel().on(clock).spread);
}

}  // namespace

std::string Case::id() const { return fmt::format("{}@{}", name, pending); }

std::vector<Case> all_cases() {
  std::vector<Case> list;
  for (std::uint64_t p : {1'000u, 100'000u, 1'000'000u}) list.push_back({"hold", p, 1.2, std::nullopt, std::nullopt});
  for (std::uint64_t p : {100'000u, 1'000'000u})
    list.push_back({pooled_hold_name, p, std::nullopt, std::nullopt, std::nullopt});
  for (std::uint64_t c : {1'000u, 100'000u})
    list.push_back({"sleep", c, 2.0, SleepKind::sim_sleep, std::nullopt, true});
  for (SleepKind kind : {SleepKind::sleep_for, SleepKind::kernel_sleep, SleepKind::callback})
    for (std::uint64_t c : {1'000u, 100'000u})
      list.push_back({std::string(to_string(kind)), c, std::nullopt, kind, std::nullopt});
  for (std::uint64_t p : {1'000u, 100'000u, 1'000'000u})
    list.push_back({"floor:block", p, std::nullopt, std::nullopt, Floor::pooled_block});
  for (std::uint64_t p : {100'000u, 1'000'000u})
    list.push_back({"floor:entry32", p, std::nullopt, std::nullopt, Floor::kernel_sized_entry});
  for (std::uint64_t c : {1'000u, 100'000u})
    list.push_back({"floor:coroutine", c, std::nullopt, std::nullopt, Floor::bare_coroutine});
  return list;
}

bool selected(const Case& c, const std::string& only) { return only.empty() || only == c.name || only == c.id(); }

void print_table(const std::vector<Row>& rows, ClockKind clock) {
  fmt::print("\n{}\n", clock == ClockKind::wall
                           ? "Wall time (std::chrono::steady_clock), median ns per event of the batches:"
                           : "The same batches in this thread's CPU time (not inflated by other load on the machine):");
  fmt::print("{:<15} | {:>9} | {:>9} | {:>8} | {:>8} | {:>8} | {:>7} | {:>5} | {:>6} | {:>7} | {:>4} | {:>6}\n", "case",
             "pending", "kernel", heap4_name, branchy_name, radix_name, "best", "/best", "/heap4", "target", "met",
             "k sprd");
  fmt::print("{}\n", std::string(123, '-'));
  for (const Row& row : rows) print_row(row, clock);
}

void print_legend() {
  fmt::print(
      "\nhold            P events pending in a sim::World; each, when run, schedules one event at now + delay\n"
      "                with world.schedule_at(at, no_node, 0, [this] {{...}}).\n"
      "                The lambda rides in the queue's entry (trivially copyable, 8 bytes).\n"
      "sleep           C coroutines on one node's executor, each looping co_await sim::sleep(delay);\n"
      "                kernel ns is per resume; the sleeper's handler rides in the queue's entry, packed.\n"
      "Diagnostics (no target):\n"
      "diag:pooled     the hold model with work that is not trivially copyable: a pooled block per event.\n"
      "diag:sleep_for  co_await sim::sleep_for(ex, delay, sim::use_awaitable): a use_awaitable frame, a pool block.\n"
      "diag:kernel_ex  co_await sim::sleep(delay) on the kernel's executor: no node clock arithmetic.\n"
      "diag:callback   sim::sleep_for(ex, delay, callback) re-arming itself: a SleepEvent, no coroutine.\n"
      "Floors, in the kernel's column: what any design keeping the same memory per event costs on the radix heap:\n"
      "floor:block     each pending event owns a 64-byte block from a LIFO free list, read when it runs.\n"
      "floor:coroutine minimal C++20 coroutines looping on a sleep that pushes (time, handle) into the radix heap.\n"
      "floor:entry32   the radix baseline with entries of 32 bytes (the kernel's until 2026-12-08; its own and\n"
      "                the kernel's are 24): what the 8 bytes more cost alone.\n"
      "Baselines, each the same pending count and delays; all reach the same final time (checked):\n"
      "heap4           sim::QuadHeap (branch-free sift-down) of {{time, seq, fn, ctx}}: pop, call fn(ctx),\n"
      "                which pushes the next entry.\n"
      "branchy         the same on a textbook 4-ary heap whose sift-down picks the least child with branches.\n"
      "radix           the same on a radix heap of {{time, fn, ctx}} (FIFO buckets: ties need no sequence).\n"
      "/best           kernel ns over the fastest baseline's (named under best).\n"
      "/heap4          kernel ns over heap4's.\n"
      "target          b<=: /best must not exceed it (hold); h<=: /heap4 must not (sleep, set against the plain "
      "heap).\n"
      "k sprd          (max - min) / median of the kernel's batches.\n");
}

}  // namespace bench
