#include "bench/world_hold.hpp"

#include "sim/kernel/assert.hpp"

namespace bench {

/// The same work as the in-entry lambda, made not trivially copyable by a copy constructor of
/// its own, so that the World keeps it in a pooled block.
struct WorldHold::PooledFire {
  explicit PooledFire(WorldHold* h) : hold(h) {}
  PooledFire(const PooledFire& other) : hold(other.hold) {}
  void operator()() const { hold->fire(); }
  WorldHold* hold;
};

WorldHold::WorldHold(std::size_t pending, std::shared_ptr<const DelayTable> table, WorkPlace place)
    : place_(place), delays_(std::move(table)) {
  for (std::size_t i = 0; i < pending; ++i) schedule_next();
}

void WorldHold::schedule_next() {
  static_assert(!sim::QueuedEvent::holds_inline<PooledFire>, "the diagnostic's work must take a pooled block");
  sim::Instant at = world_.now() + sim::Duration::nanoseconds(delays_.next());
  if (place_ == WorkPlace::pooled_block)
    world_.schedule_at(at, sim::no_node, 0, PooledFire(this));
  else
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
