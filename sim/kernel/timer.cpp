#include "sim/kernel/timer.hpp"

#include <boost/version.hpp>

namespace sim {

// sim::sleep is what protocol code awaits most. Awaited directly, it is an asynchronous
// operation that Boost 1.81's awaitables run without a frame of their own, and the handler Asio
// gives it is the suspended coroutine. Only the name of that handler's type is an Asio detail
// (timer.hpp); these checks make another Boost fail to compile here rather than take the
// general path unnoticed.
static_assert(BOOST_VERSION / 100 == 1081, "sim::sleep's awaited path was written against Boost 1.81's awaitables");
static_assert(asio::is_async_operation<Sleep>::value, "co_await sim::sleep(d) must await the operation directly");
static_assert(std::is_nothrow_move_constructible_v<detail::AwaitedSleepHandler>,
              "the wake-up moves the sleeper's handler onto the C++ stack");
static_assert(QueuedEvent::packs_inline<detail::AwaitedSleepHandler>,
              "a sleeper's handler rides in the queue's entry, packed: a pointer to its stack and one to its result");

void Sleep::start_awaited(detail::AwaitedSleepHandler handler) const {
  Executor ex = handler.get_executor();
  if (asio::get_associated_cancellation_slot(handler).is_connected()) {
    // Something may cancel it (`||`, a bound slot): the general operation handles that.
    sleep_for(ex, d_, std::move(handler));
    return;
  }
  World& world = ex.world();
  Instant at = detail::wake_time(world, ex.node(), d_);
  // A node that crashed under the sleeper: the handler, dropped there, destroys its stack.
  world.schedule_call<detail::WakeSleeper>(at, ex.node(), ex.incarnation(), std::move(handler));
}

Task<void> sleep_task(Duration d) { co_await Sleep(d); }

}  // namespace sim
