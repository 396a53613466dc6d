#include "bench/hold_cost.hpp"

#include <ctime>
#include <memory>

#include "bench/delays.hpp"
#include "bench/plain_hold.hpp"
#include "bench/world_hold.hpp"

namespace bench {
namespace {

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);  // allowed: benchmark timing
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

template <class Hold>
double ns_per_event(Hold& hold, std::uint64_t events) {
  hold.run(1'000'000);  // warm up
  double cpu0 = process_cpu_seconds();
  hold.run(events);
  return (process_cpu_seconds() - cpu0) * 1e9 / static_cast<double>(events);
}

std::shared_ptr<const DelayTable> delays() {
  return std::make_shared<const DelayTable>(20260101, 1 << 16, 1e6);
}

}  // namespace

double plain_heap_ns_per_event(std::size_t pending, std::uint64_t events) {
  PlainHold heap(pending, delays());
  return ns_per_event(heap, events);
}

double kernel_ns_per_event(std::size_t pending, std::uint64_t events) {
  WorldHold hold(pending, delays());
  return ns_per_event(hold, events);
}

}  // namespace bench
