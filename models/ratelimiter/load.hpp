// The clients: requests from `users` users, whose activity is Zipf-skewed (user 0 busiest),
// arriving all together at `rate` (Poisson or evenly spaced), each sent to an API server chosen
// uniformly at random, as a load balancer spreading requests evenly does; plus the scenario's
// bursts. Driven by one chain of plain kernel events for the steady traffic and one per burst,
// never a coroutine per user or per request. Arrivals belong to no node: a request that finds
// its server down is unserved; one that finds it paused waits for it.
//
// Determinism: gaps, users and servers come from the streams "ratelimiter/arrivals",
// "ratelimiter/users" and "ratelimiter/servers"; bursts draw nothing.
#pragma once

#include <cstdint>
#include <memory>

#include "models/ratelimiter/context.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

namespace ratelimiter {

class LoadDriver {
public:
  LoadDriver(std::shared_ptr<Context> context, sim::Duration length);
  /// Queues the first arrival and each burst's first request. Arrivals stop at `length`.
  void start();

private:
  void arrive();
  void burst(std::size_t index, std::int64_t sent);
  void dispatch(std::uint32_t user);
  sim::Instant next_arrival(sim::Instant now);
  sim::Instant burst_time(std::size_t index, std::int64_t k) const;

  std::shared_ptr<Context> context_;
  sim::Instant end_;
  sim::Rng arrivals_;
  sim::Rng users_;
  sim::Rng servers_;
  sim::Zipf zipf_;
  std::int64_t constant_arrivals_ = 0;
};

}  // namespace ratelimiter
