// The failover monitor: one Sentinel on its own node, watching every server of the deployment.
//
// It probes each server with ROLE every ping_period (Sentinel sends PING every second and INFO
// for offsets; ROLE answers both). A server whose oldest unanswered probe is older than
// down_after on the Sentinel's wall clock (mstime(), as Sentinel measures) is subjectively down;
// with one Sentinel the quorum is one, so a master down is objectively down and the Sentinel
// fails it over at once: it picks the replica with the highest replication offset among those
// that answered recently (ties: the lower node), sends it REPLICAOF NO ONE, switches the shard's
// master in the topology (what it answers clients that ask), and sends REPLICAOF to the others.
// A server that later answers with the wrong role (the old master, back from a crash or a
// partition) is converted into a replica of the current master, losing what it alone had: the
// merge rule is "last failover wins".
//
// TILT: if two timer runs (every 100 ms) are more than 2 s apart on the wall clock, or the clock
// went backwards (a pause, a clock step), the Sentinel stops judging and acting for 30 s, as
// real Sentinel does.
//
// Simplifications: one Sentinel instead of a quorum of them (no leader election, no epochs),
// and it also stands in for Redis Cluster's own failure detection when there are several
// shards. A failed attempt waits twice failover_timeout before the next.
//
// Determinism: instances are kept in deployment order; every decision reads only the
// Sentinel's clock and the replies it got.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/server/client.hpp"
#include "models/redis/server/cluster_topology.hpp"
#include "sim/kernel/world.hpp"

namespace redis {

class Sentinel {
public:
  /// Builds the monitor on `node` and starts its timer. The node's boot code.
  static void boot(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology);

  Sentinel(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology);

  bool in_tilt() const { return tilt_since_ms_.has_value(); }
  /// Whether the Sentinel currently holds `server` subjectively down.
  bool is_down(sim::NodeId server) const;
  /// A client's question: SENTINEL GET-MASTER-ADDR-BY-NAME <name> answers the current master of
  /// the shard first built with master <name> (its host; every port is 6379), or nil.
  Reply answer(const std::vector<std::string>& argv) const;

private:
  struct Instance {
    sim::NodeId node = 0;
    int shard = 0;
    std::int64_t act_ping_ms = 0;   // when the oldest unanswered probe was sent; 0: none
    std::int64_t last_probe_ms = 0;
    std::int64_t last_reply_ms = 0;
    bool probing = false;
    bool down = false;              // subjectively down
    bool reconfiguring = false;     // a REPLICAOF is on its way
    bool says_master = false;       // from its last ROLE reply
    std::string says_master_of;
    std::int64_t offset = -1;
  };
  struct ShardState {
    bool failing_over = false;
    std::optional<std::int64_t> last_attempt_ms;
  };

  void tick();
  void check_tilt(std::int64_t now_ms);
  void probe(std::size_t index);
  void on_probe(std::size_t index, const sim::error_code& ec, const Reply& reply);
  void check_down(Instance& instance, std::int64_t now_ms);
  void converge(std::size_t index);
  void maybe_fail_over(int shard, std::int64_t now_ms);
  std::optional<std::size_t> select_replica(int shard, std::int64_t now_ms) const;
  void on_promoted(int shard, std::size_t chosen, const sim::error_code& ec, const Reply& reply);
  void reconfigure(std::size_t index, sim::NodeId master, std::string_view event);

  /// Sends a command on one of the Sentinel's two connections to `to` (probes or commands).
  void send(sim::NodeId to, std::uint64_t connection, std::vector<std::string> argv, sim::Duration timeout,
            std::function<void(const sim::error_code&, const Reply&)> done);
  sim::WallTime wall_now() const;
  const std::string& name_of(sim::NodeId node) const { return world_.node(node).name(); }
  void note(std::string_view event, const std::string& detail);

  sim::World& world_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  std::shared_ptr<Topology> topology_;
  const FailoverOptions& options_;
  std::vector<Instance> instances_;
  std::vector<ShardState> shards_;
  std::optional<std::int64_t> previous_tick_ms_;
  std::optional<std::int64_t> tilt_since_ms_;
};

}  // namespace redis
