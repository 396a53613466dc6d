// The kernel contestant with awaitables: C live coroutines, each looping on a simulated sleep of
// a random delay. One resume is one event. Variants split the cost of a resume:
//   sim_sleep       co_await sim::sleep(d) on a node's executor: what protocol code writes.
//   sleep_for       co_await sim::sleep_for(ex, d, use_awaitable): no nested sim::sleep frame.
//   kernel_sleep    co_await sim::sleep(d) on the kernel's executor: no node clock arithmetic.
//   callback        sleep_for(ex, d, callback) re-arming itself: a SleepEvent, no coroutine.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "bench/contestant.hpp"
#include "bench/delays.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

namespace bench {

enum class SleepKind { sim_sleep, sleep_for, kernel_sleep, callback };
std::string_view to_string(SleepKind kind);

class Sleepers final : public Contestant {
public:
  /// Starts `count` sleepers of `kind`; they take their first sleep in the first run.
  Sleepers(SleepKind kind, std::size_t count, std::shared_ptr<const DelayTable> table);
  void run(std::uint64_t resumes) override;
  std::int64_t now_ns() const override { return world_.now().ns(); }

  sim::Duration next_delay() { return sim::Duration::nanoseconds(delays_.next()); }
  /// Called once per resume.
  void on_resume() {
    if (--remaining_ == 0) world_.stop();
  }
  void sleep_then_call_back(sim::Executor ex);

private:
  sim::World world_{1};
  DelayCursor delays_;
  std::uint64_t remaining_ = 0;
};

}  // namespace bench
