// Invariants that stay checked in every build: a failed one is an internal error that names the
// broken condition and its place, and the World refuses to move time back.
#include <catch2/catch.hpp>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/world.hpp"

using namespace sim;
using namespace sim::literals;

TEST_CASE("a failed SIM_ASSERT throws InternalError naming the condition, the message and the place", "[world]") {
  int term = 3;
  auto step_back = [&] { SIM_ASSERT(term >= 4, "term " + std::to_string(term) + " after 4"); };
  REQUIRE_THROWS_AS(step_back(), InternalError);
  REQUIRE_THROWS_WITH(step_back(), Catch::Contains("assertion failed: term >= 4 (term 3 after 4)") &&
                                       Catch::Contains("tests/test_assert.cpp:"));
  term = 4;
  REQUIRE_NOTHROW(step_back());
}

TEST_CASE("the World refuses to run until a time already past", "[world]") {
  World world(1);
  world.schedule_at(Instant::zero() + 5_ms, no_node, 0, [] {});
  world.run_until(Instant::zero() + 10_ms);
  REQUIRE(world.now() == Instant::zero() + 10_ms);
  REQUIRE_THROWS_WITH(world.run_until(Instant::zero() + 5_ms), Catch::Contains("time never moves back"));
}
