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

}  // namespace

Comparison compare(Contestant& kernel, Contestant& baseline, std::uint64_t pending, const Plan& plan) {
  std::uint64_t warmup = std::max<std::uint64_t>(plan.warmup_events, 2 * pending);
  kernel.run(warmup);
  baseline.run(warmup);

  double slower_s = std::max(seconds_to_run(kernel, plan.calibration_events).cpu,
                             seconds_to_run(baseline, plan.calibration_events).cpu);
  double per_event_s = slower_s / static_cast<double>(plan.calibration_events);
  auto batch = std::max<std::uint64_t>(10'000, static_cast<std::uint64_t>(plan.seconds_per_batch / per_event_s));

  auto per_event_ns = [batch](double seconds) { return seconds * 1e9 / static_cast<double>(batch); };
  std::vector<double> kernel_ns, baseline_ns, kernel_cpu_ns, baseline_cpu_ns;
  for (int i = 0; i < plan.batches; ++i) {
    Seconds k = seconds_to_run(kernel, batch);
    Seconds b = seconds_to_run(baseline, batch);
    kernel_ns.push_back(per_event_ns(k.wall));
    kernel_cpu_ns.push_back(per_event_ns(k.cpu));
    baseline_ns.push_back(per_event_ns(b.wall));
    baseline_cpu_ns.push_back(per_event_ns(b.cpu));
  }
  SIM_ASSERT(kernel.now_ns() == baseline.now_ns(),
             "the kernel and the baseline ran different events: their simulated times differ");
  return Comparison{summarize(kernel_ns), summarize(baseline_ns), summarize(kernel_cpu_ns),
                    summarize(baseline_cpu_ns), batch};
}

}  // namespace bench
