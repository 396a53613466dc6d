// The recorder: the model's observer. Clients and the storage report to it as things happen;
// it stamps true time and the grant epoch, and, for the checkers, looks at what became of each
// believed grant's keys on the Redis servers (there, expired by the server's clock, or lost to a
// restart or a failover). It never influences the run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/lock/record.hpp"
#include "models/redis/server/deployment.hpp"
#include "sim/kernel/world.hpp"

namespace lock {

/// The histogram of how long an acquire took, from the first try to the grant.
inline constexpr std::string_view acquire_latency = "acquire_latency";

class Recorder {
public:
  Recorder(sim::World& world, std::vector<std::string> client_names, int quorum, sim::Duration liveness_bound);

  /// The Redis deployments the lock lives on, to examine grants' keys.
  void watch(std::vector<std::shared_ptr<redis::Deployment>> deployments) { deployments_ = std::move(deployments); }
  /// What became of a lock held outside Redis: ("expired" | "lost", words), or ("", "") while it
  /// stands.
  using Probe = std::function<std::pair<std::string, std::string>(const Grant&)>;
  void watch(Probe probe) { probe_ = std::move(probe); }

  std::size_t attempt_started(int client);
  void attempt_gave_up(std::size_t attempt);
  /// A client now believes it holds the lock. Returns the grant's epoch.
  std::uint64_t granted(std::size_t attempt, Grant grant);
  void extended(std::uint64_t epoch, sim::Instant valid_until, const std::vector<Holder>& holders);
  void ended(std::uint64_t epoch, std::string reason);
  void client_crashed(int client);
  void storage_decided(WriteRecord write);
  /// Records the end of the run: open beliefs end now, keys are examined a last time.
  void settle();

  /// Reads a holder node's wall clock now, in ms (for the deadline its SET set).
  std::int64_t wall_ms(sim::NodeId node) const;
  Observations& observations() { return observations_; }
  const Observations& observations() const { return observations_; }

private:
  /// Looks at each believed grant's keys, recording the first fate of each (expired, lost).
  void examine_open_grants();
  void examine(Grant& grant);

  sim::World& world_;
  std::vector<std::shared_ptr<redis::Deployment>> deployments_;
  Probe probe_;
  Observations observations_;
};

}  // namespace lock
