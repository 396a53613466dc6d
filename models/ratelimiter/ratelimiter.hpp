// The distributed rate limiter (Problem 1): 100 requests per user per minute across
// horizontally scaled API servers, under 5 ms of added latency, for millions of users. The
// registry lists it.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_ratelimiter_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& ratelimiter_docs();
