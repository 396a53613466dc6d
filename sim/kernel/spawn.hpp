// Starting coroutines on a node. A coroutine that throws stops the run (the exception leaves
// World::step), so a failed assertion inside protocol code is never silently swallowed, as it
// would be with asio::detached.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <exception>

#include "sim/kernel/timer.hpp"

namespace sim {

/// Completion handler for a spawned coroutine: rethrows what escaped it.
struct Rethrow {
  void operator()(std::exception_ptr e) const {
    if (e) std::rethrow_exception(e);
  }
};

/// Runs `task` on the executor's node from the next event on.
inline void spawn(Executor ex, Task<void> task) { asio::co_spawn(ex, std::move(task), Rethrow{}); }

}  // namespace sim
