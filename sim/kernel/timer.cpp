#include "sim/kernel/timer.hpp"

#include <boost/asio/this_coro.hpp>

namespace sim {

Task<void> sleep(Duration d) {
  Executor ex = co_await asio::this_coro::executor;
  co_await sleep_for(ex, d, use_awaitable);
}

}  // namespace sim
