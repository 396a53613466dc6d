// The kernel contestant of the hold model: P events pending in a sim::World; each, when run,
// schedules one new event at now + delay through World::schedule_at, as a lambda capturing one
// pointer. This is how load generators drive the kernel.
#pragma once

#include <cstdint>
#include <memory>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "sim/kernel/world.hpp"

namespace bench {

class WorldHold final : public Contestant {
public:
  WorldHold(std::size_t pending, std::shared_ptr<const DelayTable> table);
  void run(std::uint64_t events) override;
  std::int64_t now_ns() const override { return world_.now().ns(); }

private:
  void schedule_next();
  void fire();

  sim::World world_{1};
  DelayCursor delays_;
  std::uint64_t remaining_ = 0;
};

}  // namespace bench
