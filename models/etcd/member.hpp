// One member of the lock service: a Raft server whose state machine is the lock state, plus
// the leader's lessor (lease expiry), keep-alives, and watches for a key's deletion. Built by
// the node's boot code: a crash loses the lessor and the watches, a restart rebuilds the state
// by applying the log again.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/etcd/lessor.hpp"
#include "models/etcd/messages.hpp"
#include "models/raft/server.hpp"

namespace etcd {

/// etcd's defaults: heartbeats every 100 ms, elections after 1 to 2 s of silence, and
/// check_quorum on, so a deposed leader stops renewing leases within a minimum election
/// timeout of losing its majority.
inline raft::RaftOptions etcd_raft_defaults() {
  raft::RaftOptions options;
  options.election_timeout_min = sim::Duration::seconds(1);
  options.election_timeout_max = sim::Duration::seconds(2);
  options.heartbeat_interval = sim::Duration::milliseconds(100);
  options.rpc_timeout = sim::Duration::milliseconds(500);
  options.check_quorum = true;
  return options;
}

struct ServiceOptions {
  raft::RaftOptions raft = etcd_raft_defaults();
  /// How often the leader looks for expired leases (etcd checks every 500 ms); > 0.
  sim::Duration expiry_check_interval = sim::Duration::milliseconds(100);
};

class Member {
public:
  Member(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, const ServiceOptions& options,
         std::shared_ptr<raft::Observer> observer);
  Member(const Member&) = delete;
  Member& operator=(const Member&) = delete;

  void start();

  raft::Server& server() { return server_; }
  const raft::RaftNode& raft() const { return server_.raft(); }
  const LockState& state() const { return *state_; }

private:
  bool receive(const sim::RpcRequest& request, sim::Responder& responder);
  void on_keep_alive(const KeepAliveRequest& request, sim::Responder responder);
  void on_watch(const WatchDeleteRequest& request, sim::Responder responder);
  void on_change(const Change& change);
  void on_role(raft::Role role);
  sim::MonoTime mono_now() const;
  sim::Task<void> run_expiry();
  sim::Task<void> revoke_expired(LeaseId lease);

  sim::World& world_;
  sim::NodeId self_;
  ServiceOptions options_;
  LockState* state_;  // owned by server_
  raft::Server server_;
  Lessor lessor_;
  std::map<std::string, std::vector<sim::Responder>> watchers_;  // by key
};

/// Installs the boot code of each member. Call before World::boot_all().
void install_service(sim::World& world, const std::vector<sim::NodeId>& members, const ServiceOptions& options,
                     std::shared_ptr<raft::Observer> observer);
/// The running member on `node`; nullptr while it is crashed.
Member* member_of(sim::World& world, sim::NodeId node);

}  // namespace etcd
