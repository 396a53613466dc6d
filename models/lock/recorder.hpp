// The recorder: the model's observer. Clients and the storage report to it as things happen;
// it stamps true time and the grant epoch, and, for the checkers, looks at what became of each
// believed grant's keys on the Redis servers (there, expired by the server's clock, or lost to a
// restart or a failover). It watches the lock's Redis servers run commands, so that a key's
// deadline is the one the server set (its clock when it ran the SET, plus the TTL) and a grant's
// place is when its SET ran. It never influences the run.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
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

  /// The Redis deployments the lock lives on, to examine grants' keys and to see when each
  /// server runs a lock command (`ttl`: what SET ... PX and the renewal set).
  void watch(std::vector<std::shared_ptr<redis::Deployment>> deployments, sim::Duration ttl);
  /// What became of a lock held outside Redis: ("expired" | "lost", words), or ("", "") while it
  /// stands.
  using Probe = std::function<std::pair<std::string, std::string>(const Grant&)>;
  void watch(Probe probe) { probe_ = std::move(probe); }

  std::size_t attempt_started(int client);
  void attempt_gave_up(std::size_t attempt);
  /// The acquire call returned the lock (after any later step, such as fetching a token).
  void attempt_acquired(std::size_t attempt);
  /// A client now believes it holds the lock: it has just had the answer that says so. Returns
  /// the grant's epoch. `token_follows`: its fencing token is still to be fetched.
  std::uint64_t granted(std::size_t attempt, Grant grant, bool token_follows = false);
  /// The fencing token a grant's client fetched after the grant.
  void token_fetched(std::uint64_t epoch, std::int64_t token);
  void extended(std::uint64_t epoch, sim::Instant valid_until, const std::vector<Holder>& holders);
  void ended(std::uint64_t epoch, std::string reason);
  void client_crashed(int client);
  void storage_decided(WriteRecord write);
  /// Records the end of the run: open beliefs end now, keys are examined a last time.
  void settle();

  /// Reads a holder node's wall clock now, in ms.
  std::int64_t wall_ms(sim::NodeId node) const;
  /// When the Redis server on `node` last ran a lock command that left the key holding `value`
  /// (a SET, a renewal), and the deadline it set; nullopt if it never did.
  struct Execution {
    sim::Instant at;
    std::int64_t deadline_wall_ms = 0;
  };
  std::optional<Execution> execution(sim::NodeId node, const std::string& value) const;
  Observations& observations() { return observations_; }
  const Observations& observations() const { return observations_; }

private:
  /// Looks at each believed grant's keys, recording the first fate of each (expired, lost).
  void examine_open_grants();
  void examine(Grant& grant);
  void examine(const Grant& grant, Holder& holder);
  sim::NodeId client_node(int client) const;
  /// A server of deployment `deployment` has run `argv`: notes a lock command that left its value.
  void command_run(std::size_t deployment, sim::NodeId node, const std::vector<std::string>& argv);

  sim::World& world_;
  std::vector<std::shared_ptr<redis::Deployment>> deployments_;
  Probe probe_;
  std::int64_t ttl_ms_ = 0;
  std::map<std::pair<sim::NodeId, std::string>, Execution> executions_;  // by (server, value)
  Observations observations_;
};

}  // namespace lock
