// fsync as an asynchronous operation: the node's writes so far become durable after the disk's
// sync latency. Accepts any completion token, like every simulated operation.
//
// Fault model: a crash before the sync completes loses the writes (the continuation is
// destroyed with the node, and the sync never happens); a pause delays it.
#pragma once

#include <boost/asio/bind_cancellation_slot.hpp>

#include "sim/kernel/timer.hpp"

namespace sim {

/// Completion signature: void(error_code). Only writes made before the call are promised
/// durable; the whole disk is synced when the wait ends (as fsync of one file on a journaling
/// file system often does).
template <class Token>
auto sync_disk(Executor ex, Token&& token) {
  return asio::async_initiate<Token, void(error_code)>(
      [ex](auto handler) {
        Duration latency = ex.world().node(ex.node()).disk().sync_latency();
        auto slot = asio::get_associated_cancellation_slot(handler);
        sleep_for(ex, latency, asio::bind_cancellation_slot(slot, [ex, h = std::move(handler)](error_code ec) mutable {
                    if (!ec) ex.world().node(ex.node()).disk().sync();
                    std::move(h)(ec);
                  }));
      },
      token);
}

}  // namespace sim
