// What the bank's nodes share: the World, the options, the PostgreSQL deployment, the client
// nodes, and the history the checkers read.
#pragma once

#include <memory>
#include <vector>

#include "models/bank/history.hpp"
#include "models/bank/options.hpp"
#include "models/postgres/server/deployment.hpp"
#include "sim/kernel/world.hpp"

namespace bank {

/// From a transfer's first BEGIN to its acknowledged COMMIT, retries included.
inline constexpr std::string_view transfer_latency = "transfer_latency";

struct Context {
  sim::World& world;
  BankOptions options;
  std::shared_ptr<postgres::Deployment> database;
  History history;
};

}  // namespace bank
