// The failover manager's key service (Patroni's DCS), as one node, "dcs-1": a leader key with a
// TTL and a key per member with its last published WAL position, both expiring on the service's
// monotonic clock. A member asks in one request to publish its position and to read the key,
// to acquire it (only when no one holds it) or to update it (only the holder, which pushes its
// expiry a full TTL out). The key starts held by the first primary, as Patroni's bootstrap
// leaves it.
//
// A simplification, stated in the README: Patroni keeps these keys in etcd, Consul or ZooKeeper,
// a replicated store; here one node that answers at once stands in for it, with nothing durable
// (a crash of dcs-1 loses the keys). The store's own failures are not what this model is about;
// the agents' view of it (a partition, a pause) is.
//
// Determinism: members in an ordered map; expiry read on the node's monotonic clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "models/postgres/server/options.hpp"
#include "sim/kernel/clock_reading.hpp"
#include "sim/kernel/rpc.hpp"

namespace postgres {

struct DcsRequest final : sim::MessageBody {
  enum class Action { read, acquire, update };
  Action action = Action::read;
  std::string member;
  std::uint64_t position = 0;  ///< the member's WAL position, bytes
  std::string describe() const override;
};

struct DcsReply final : sim::MessageBody {
  bool done = false;   ///< the acquire or update took effect (a read is always done)
  std::string leader;  ///< who holds the leader key; empty: no one (it expired)
  std::uint64_t leader_position = 0;
  std::map<std::string, std::uint64_t> members;  ///< live members' positions
  std::string describe() const override;
};

class KeyService {
public:
  KeyService(sim::World& world, sim::NodeId self, sim::Duration ttl, std::string first_leader);
  static void boot(sim::World& world, sim::NodeId node, sim::Duration ttl, std::string first_leader);

  void on_request(const sim::RpcRequest& request, sim::Responder responder);

private:
  struct Entry {
    std::string value;
    std::uint64_t position = 0;
    sim::MonoTime expires;
  };
  void expire(sim::MonoTime now);

  sim::World& world_;
  sim::NodeId self_;
  sim::Duration ttl_;
  std::optional<Entry> leader_;
  std::map<std::string, Entry> members_;
};

}  // namespace postgres
