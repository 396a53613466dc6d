// The lock service's requests that do not go through the Raft log: lease keep-alives (served
// by the leader from its lessor, as etcd does) and watches for a key's deletion (served by any
// member from the state it has applied).
#pragma once

#include <optional>
#include <string>

#include "models/etcd/commands.hpp"
#include "sim/kernel/network.hpp"

namespace etcd {

struct KeepAliveRequest final : sim::MessageBody {
  LeaseId lease = 0;
  std::string describe() const override { return "KeepAlive " + std::to_string(lease); }
};

struct KeepAliveReply final : sim::MessageBody {
  /// not_ready: the leader has not yet applied what was committed before its term.
  enum class Status { renewed, lease_not_found, not_leader, not_ready };
  Status status = Status::not_leader;
  sim::Duration ttl;  ///< renewed: the TTL the deadline was pushed out by
  std::optional<sim::NodeId> leader_hint;
  std::string describe() const override;
};

/// Answered once `key` is absent from the member's applied state (at once if it already is).
struct WatchDeleteRequest final : sim::MessageBody {
  std::string key;
  std::string describe() const override { return "WatchDelete " + key; }
};

struct WatchDeleteReply final : sim::MessageBody {
  Revision revision = 0;  ///< the member's revision when it saw the key gone
  std::string describe() const override { return "Deleted at " + std::to_string(revision); }
};

}  // namespace etcd
