#include "models/ratelimiter/ratelimiter.hpp"

#include "models/ratelimiter/ratelimiter_model.hpp"

std::unique_ptr<sim::Model> make_ratelimiter_model() { return std::make_unique<ratelimiter::RateLimiterModel>(); }
