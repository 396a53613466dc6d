// The lock model (problem 2): clients client-1 .. client-N take turns at a lock and, holding
// it, do read-modify-write work on a storage node. The lock is a single Redis ("redis-0",
// optionally with a replica and Sentinel), Redlock over N independent masters ("redis-0" ..
// "redis-<N-1>"), or the etcd-like service on a Raft group ("etcd-1" .. "etcd-N"); every node
// of the lock service also has the role "lock-service", for faults aimed at it whatever it is; fencing tokens, when
// asked for, come from INCR on the lock's Redis or on a separate counter ("counter-0", appendfsync always). After the
// run the checkers in checks.hpp judge what the recorder saw.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/lock/context.hpp"
#include "models/lock/options.hpp"
#include "models/model.hpp"
#include "models/raft/pictures.hpp"
#include "models/redis/pictures.hpp"

namespace lock {

class LockModel final : public sim::Model {
public:
  void configure(sim::ParamReader& params) override;
  std::vector<std::pair<std::string, std::string>> options() const override { return describe(options_); }
  std::vector<std::string> check_names() const override;
  std::vector<std::string> latency_names() const override { return {std::string(acquire_latency)}; }
  void build(sim::World& world, sim::Duration length) override;
  sim::Findings finish(sim::World& world, const sim::FaultActivity& faults) override;
  /// Samples who leads the consensus service, or the Redis replicas' lag, for the pictures.
  void sample_for_pictures(sim::World& world) override;

  const Observations& observations() const { return context_->recorder->observations(); }

private:
  void build_redis(sim::World& world);
  void build_consensus(sim::World& world);
  sim::Table client_table() const;

  void add_pictures(sim::Findings& findings) const;

  LockOptions options_;
  std::shared_ptr<Context> context_;
  std::shared_ptr<raft::LeadershipSampler> leadership_;        ///< consensus, when sampled
  std::vector<std::shared_ptr<redis::ReplicationSampler>> replication_;  ///< Redis, when sampled
};

/// What would have prevented the first violation in `findings`, for this design and storage.
std::string prevention(const LockOptions& options, const sim::Findings& findings);

}  // namespace lock
