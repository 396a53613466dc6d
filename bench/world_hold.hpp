// The kernel contestant of the hold model: P events pending in a sim::World; each, when run,
// schedules one new event at now + delay through World::schedule_at, as a lambda capturing one
// pointer. This is how load generators drive the kernel: such work rides in the queue's entry.
// A diagnostic variant posts the same work as a callable that is not trivially copyable, which
// the World keeps in a pooled block, as it keeps any larger work of the models.
#pragma once

#include <cstdint>
#include <memory>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "sim/kernel/world.hpp"

namespace bench {

/// Where the World keeps each event's work.
enum class WorkPlace { in_entry, pooled_block };

class WorldHold final : public Contestant {
public:
  WorldHold(std::size_t pending, std::shared_ptr<const DelayTable> table, WorkPlace place = WorkPlace::in_entry);
  void run(std::uint64_t events) override;
  std::int64_t now_ns() const override { return world_.now().ns(); }

private:
  struct PooledFire;
  void schedule_next();
  void fire();

  WorkPlace place_;
  sim::World world_{1};
  DelayCursor delays_;
  std::uint64_t remaining_ = 0;
};

}  // namespace bench
