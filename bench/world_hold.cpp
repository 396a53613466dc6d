#include "bench/world_hold.hpp"

#include "sim/kernel/assert.hpp"

namespace bench {

WorldHold::WorldHold(std::size_t pending, std::shared_ptr<const DelayTable> table)
    : delays_(std::move(table)) {
  for (std::size_t i = 0; i < pending; ++i) schedule_next();
}

void WorldHold::schedule_next() {
  sim::Instant at = world_.now() + sim::Duration::nanoseconds(delays_.next());
  world_.schedule_at(at, sim::no_node, 0, [this] { fire(); });
}

void WorldHold::fire() {
  if (--remaining_ == 0) world_.stop();
  schedule_next();
}

void WorldHold::run(std::uint64_t events) {
  SIM_ASSERT(events > 0, "a run needs at least one event");
  remaining_ = events;
  world_.run();
  SIM_ASSERT(remaining_ == 0, "the world stopped before running every event");
}

}  // namespace bench
