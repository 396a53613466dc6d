// What every API server process, the load driver and the model share for one run: the World,
// the options, the users, the record keeper and (unless state is local) the Redis deployment.
// Held by shared pointer, so it outlives whichever of the model and the World goes first.
#pragma once

#include <memory>
#include <vector>

#include "models/ratelimiter/options.hpp"
#include "models/ratelimiter/population.hpp"
#include "models/ratelimiter/recorder.hpp"
#include "models/redis/server/deployment.hpp"
#include "sim/kernel/world.hpp"

namespace ratelimiter {

struct Context {
  sim::World& world;
  RateLimiterOptions options;
  std::shared_ptr<const Population> population;
  std::shared_ptr<Recorder> recorder;
  std::shared_ptr<redis::Deployment> redis;  ///< null for placement: local
};

}  // namespace ratelimiter
