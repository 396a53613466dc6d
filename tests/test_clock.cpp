// A node's clocks: skew moves the wall clock only, drift changes the rate of both, a step moves
// only the wall clock, and a timer deadline on the monotonic clock is the first true instant at
// which that clock shows the target.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sim/kernel/clock.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;

namespace {

constexpr WallTime wall_start = default_wall_start;

Instant at(Duration d) { return Instant::zero() + d; }
MonoTime mono(Duration since_boot) { return MonoTime::boot() + since_boot; }

/// Checks that `when` is the least instant at or after `now` at which mono >= target.
void require_first_instant(const Clock& clock, Instant now, MonoTime target, Instant when) {
  INFO("target " << target.since_boot().ns() << " reached at " << when.ns());
  REQUIRE(when >= now);
  REQUIRE(clock.mono(when) >= target);
  if (when > now) REQUIRE(clock.mono(when - 1_ns) < target);
}

Task<void> sleep_and_note(World& world, Duration d, std::vector<Instant>& woke) {
  co_await sleep(d);
  woke.push_back(world.now());
}

}  // namespace

TEST_CASE("skew offsets the wall clock only, the monotonic clock starts at zero", "[clock]") {
  Clock ahead(ClockOptions{.skew = 5_s});
  Clock behind(ClockOptions{.skew = -(250_ms)});

  CHECK(ahead.wall(Instant::zero()) == wall_start + 5_s);
  CHECK(ahead.mono(Instant::zero()) == MonoTime::boot());
  CHECK(ahead.wall(at(2_s)) == wall_start + 7_s);
  CHECK(ahead.mono(at(2_s)) == mono(2_s));
  CHECK(ahead.wall_offset(at(2_s)) == 5_s);
  CHECK(ahead.wall(at(2_s)).unix_ms() == (wall_start + 7_s).unix_ns() / 1'000'000);

  CHECK(behind.wall(at(1_s)) == wall_start + 750_ms);
  CHECK(behind.mono(at(1_s)) == mono(1_s));
  CHECK(behind.wall_offset(at(1_s)) == -(250_ms));
}

TEST_CASE("a drift of +1000ppm makes one second of true time read 1.001 s on both clocks", "[clock]") {
  Clock fast(ClockOptions{.skew = Duration::zero(), .drift_ppm = 1000});
  CHECK(fast.mono(at(1_s)) == mono(1001_ms));
  CHECK(fast.wall(at(1_s)) - fast.wall(Instant::zero()) == 1001_ms);
  CHECK(fast.wall_offset(at(1_s)) == 1_ms);

  Clock slow(ClockOptions{.skew = Duration::zero(), .drift_ppm = -1000});
  CHECK(slow.mono(at(1_s)) == mono(999_ms));
  CHECK(slow.wall(at(1_s)) - slow.wall(Instant::zero()) == 999_ms);
  // Readings round toward negative infinity: 1 ns of true time at -1000ppm reads 0 ns.
  CHECK(slow.mono(at(1_ns)) == MonoTime::boot());
  CHECK(fast.mono(at(999_ns)) == mono(999_ns));
  CHECK(fast.mono(at(1000_ns)) == mono(1001_ns));
}

TEST_CASE("a step moves the wall clock forward or back and leaves the monotonic clock alone", "[clock]") {
  Clock clock;
  clock.step(at(1_s), 15_s);
  CHECK(clock.wall(at(1_s)) == wall_start + 16_s);
  CHECK(clock.mono(at(1_s)) == mono(1_s));
  CHECK(clock.wall_offset(at(2_s)) == 15_s);

  clock.step(at(2_s), -(20_s));
  CHECK(clock.wall(at(2_s)) == wall_start + 2_s - 5_s);
  CHECK(clock.wall_offset(at(3_s)) == -(5_s));
  CHECK(clock.mono(at(3_s)) == mono(3_s));
}

TEST_CASE("World::clock_step steps one node's wall clock and traces it", "[clock]") {
  World world(1);
  NodeId a = world.add_node("a", {});
  NodeId b = world.add_node("b", {});
  world.run_until(at(1_s));
  world.clock_step(a, -(3_s));
  const Node& na = world.node(a);
  const Node& nb = world.node(b);
  CHECK(na.clock().wall(world.now()) == wall_start + 1_s - 3_s);
  CHECK(na.clock().mono(world.now()) == mono(1_s));
  CHECK(nb.clock().wall(world.now()) == wall_start + 1_s);
  CHECK(world.trace().count() == 1);
}

TEST_CASE("when_mono_reaches returns the first true instant at which the drifted clock shows the target",
          "[clock]") {
  for (std::int64_t ppm : {0, 1, 1000, -1000, 333, -777, 250'000, -500'000, 999'999, -999'999}) {
    INFO("drift " << ppm << "ppm");
    Clock clock(ClockOptions{.skew = 2_s, .drift_ppm = ppm});
    for (Instant now : {Instant::zero(), at(1_ns), at(7_ms), at(3_s + 17_ns)}) {
      MonoTime mono_now = clock.mono(now);
      for (Duration ahead : {0_ns, 1_ns, 2_ns, 999_ns, 1_ms, 1_s + 1_ns, 10_s}) {
        MonoTime target = mono_now + ahead;
        require_first_instant(clock, now, target, clock.when_mono_reaches(now, target));
      }
      // A target already passed is now.
      CHECK(clock.when_mono_reaches(now, mono_now - 5_ns) == now);
    }
  }
  // Exact where the rate is a simple fraction: at +250000ppm, 1 s of monotonic time is 0.8 s.
  Clock quick(ClockOptions{.skew = Duration::zero(), .drift_ppm = 250'000});
  CHECK(quick.when_mono_reaches(Instant::zero(), mono(1_s)) == at(800_ms));
  Clock half(ClockOptions{.skew = Duration::zero(), .drift_ppm = -500'000});
  CHECK(half.when_mono_reaches(at(1_s), half.mono(at(1_s)) + 1_s) == at(3_s));
}

TEST_CASE("changing the drift mid-run keeps both readings continuous", "[clock]") {
  Clock clock(ClockOptions{.skew = 1_s, .drift_ppm = 1000});
  Instant change = at(10_s);
  WallTime wall_before = clock.wall(change);
  MonoTime mono_before = clock.mono(change);
  CHECK(mono_before == mono(10010_ms));

  clock.set_drift(change, -2000);
  CHECK(clock.drift_ppm() == -2000);
  CHECK(clock.wall(change) == wall_before);
  CHECK(clock.mono(change) == mono_before);
  // From here on the clocks run 0.2% slow: 1 s of true time reads 998 ms.
  CHECK(clock.mono(change + 1_s) == mono_before + 998_ms);
  CHECK(clock.wall(change + 1_s) == wall_before + 998_ms);
  CHECK(clock.wall_offset(change + 1_s) == 1_s + 10_ms - 2_ms);
  // A deadline computed after the change uses the new rate.
  require_first_instant(clock, change, mono_before + 998_ms, clock.when_mono_reaches(change, mono_before + 998_ms));
  CHECK(clock.when_mono_reaches(change, mono_before + 998_ms) == change + 1_s);
}

TEST_CASE("a node's sleep runs on its drifted monotonic clock", "[clock]") {
  World world(1);
  NodeId fast = world.add_node("fast", {}, ClockOptions{.skew = Duration::zero(), .drift_ppm = 250'000});
  NodeId slow = world.add_node("slow", {}, ClockOptions{.skew = Duration::zero(), .drift_ppm = -500'000});
  std::vector<Instant> fast_woke;
  std::vector<Instant> slow_woke;
  spawn(world.executor(fast), sleep_and_note(world, 1_s, fast_woke));
  spawn(world.executor(slow), sleep_and_note(world, 1_s, slow_woke));
  world.run();
  CHECK(fast_woke == std::vector<Instant>{at(800_ms)});
  CHECK(slow_woke == std::vector<Instant>{at(2_s)});
}

TEST_CASE("World::clock_drift changes a node's rate from now on", "[clock]") {
  World world(1);
  NodeId n = world.add_node("n", {});
  world.run_until(at(1_s));
  world.clock_drift(n, 250'000);
  std::vector<Instant> woke;
  spawn(world.executor(n), sleep_and_note(world, 1_s, woke));
  world.run();
  CHECK(world.node(n).clock().drift_ppm() == 250'000);
  CHECK(woke == std::vector<Instant>{at(1800_ms)});
}
