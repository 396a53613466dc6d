#include "sim/kernel/timer.hpp"

#include <boost/asio/this_coro.hpp>

namespace sim {

Task<void> sleep(Duration d) {
  // Not a coroutine: one frame fewer per sleep. The coroutine's executor is the handler's.
  return asio::async_initiate<const asio::use_awaitable_t<Executor>&, void(error_code)>(
      [d](auto handler) {
        Executor ex = asio::get_associated_executor(handler);
        sleep_for(ex, d, std::move(handler));
      },
      use_awaitable);
}

}  // namespace sim
