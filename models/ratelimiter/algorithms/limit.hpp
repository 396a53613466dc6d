// What one rate-limit key may do: `count` requests in any `window`, as the problem states it
// ("100 requests per user per minute"), and the algorithm shape derived from it for the bucket
// algorithms. One Limit per tier and one for IP keys, resolved when the options are read.
#pragma once

#include <cstdint>

#include "sim/kernel/time.hpp"

namespace ratelimiter {

struct Limit {
  std::int64_t count = 100;                          ///< requests admitted per window; >= 1
  sim::Duration window = sim::Duration::minutes(1);  ///< >= 1 ms
  /// token_bucket: tokens the bucket holds (its burst); leaky_bucket: requests it queues.
  std::int64_t capacity = 25;
  /// token_bucket: tokens added per window. capacity + refill <= count keeps every window of
  /// the limit's length at or under `count`.
  std::int64_t refill = 75;

  /// leaky_bucket: the gap between two releases, rounded up so a window never holds more
  /// than `count`.
  sim::Duration interval() const {
    return sim::Duration::nanoseconds((window.ns() + count - 1) / count);
  }
};

}  // namespace ratelimiter
