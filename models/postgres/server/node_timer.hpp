// A timer of a server process: work that runs after `delay` on the node's monotonic clock (as
// PostgreSQL's timeouts and sleeps do), dropped with the process when the node crashes.
#pragma once

#include <utility>

#include "sim/kernel/world.hpp"

namespace postgres {

template <class F>
void after_on_node(sim::World& world, sim::NodeId node, std::uint32_t incarnation, sim::Duration delay, F&& f) {
  const sim::Clock& clock = world.node(node).clock();
  sim::Instant now = world.now();
  world.schedule_at(clock.when_mono_reaches(now, clock.mono(now) + delay), node, incarnation, std::forward<F>(f));
}

}  // namespace postgres
