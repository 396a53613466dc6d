// What one event costs in the hold model, as a yardstick for the benchmarks of whole models:
// the plain 4-ary heap (the kernel benchmark's baseline) and the kernel's own World, each holding
// a given number of events, timed in this process's CPU time after a warm-up.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench {

/// Nanoseconds of process CPU per event of the plain 4-ary heap holding `pending` events.
double plain_heap_ns_per_event(std::size_t pending, std::uint64_t events);
/// Nanoseconds of process CPU per event of the kernel's hold model (a sim::World, work riding in
/// the queue's entries) holding `pending` events.
double kernel_ns_per_event(std::size_t pending, std::uint64_t events);

}  // namespace bench
