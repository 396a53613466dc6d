// The spec's DistributedLock over the lock service: acquire with retries until a timeout
// (grant a lease, create the lock key under it, wait for the key before it to go), a renewal
// loop every TTL/3, and release.
//
// What the client believes: it holds the lock from the moment "acquire" answers that its key
// is first until its lease could have expired by its own clock, that is TTL after the send of
// the last keep-alive that was answered. That belief is what the lock checks compare with the
// truth: a paused client, or a fast leader clock, makes it wrong, and only the fencing token
// (the key's create revision) lets the storage tell.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/etcd/commands.hpp"
#include "models/raft/client.hpp"

namespace etcd {

struct LockOptions {
  sim::Duration ttl = sim::Duration::seconds(10);             ///< lease TTL; > 0
  sim::Duration acquire_timeout = sim::Duration::seconds(30);  ///< give up acquiring after this
  sim::Duration request_timeout = sim::Duration::milliseconds(500);  ///< one request; > 0
  sim::Duration retry_delay = sim::Duration::milliseconds(100);      ///< between attempts
};

/// A lock held: what the holder sends along with its writes.
struct Grant {
  LeaseId lease = 0;
  std::string key;
  Revision token = 0;  ///< the key's create revision: the fencing token
};

class LockClient {
public:
  LockClient(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, LockOptions options);

  /// Acquires the lock `name`; nullopt after acquire_timeout. Runs on this client's node.
  sim::Task<std::optional<Grant>> acquire(std::string name);
  /// Releases the lock and revokes the lease; true when the service confirmed the release.
  sim::Task<bool> release();

  /// Writes the resource kept in the service's store, guarded by the lock key's revision;
  /// true when it committed and was accepted. `tag` (one word) names the writer.
  sim::Task<bool> guarded_put(Grant grant, std::string tag);

  /// Whether the client, by its own clock, may still believe its lease alive.
  bool believes_held() const;
  /// Until when, on this client's monotonic clock, it may believe its lease alive.
  sim::MonoTime valid_until() const { return valid_until_; }
  const std::optional<Grant>& grant() const { return grant_; }
  std::uint64_t keep_alives_answered() const { return keep_alives_answered_; }

private:
  sim::Task<std::optional<LeaseId>> grant_lease(sim::Duration patience);
  sim::Task<void> keep_alive_loop(LeaseId lease, std::uint64_t session);
  sim::Task<bool> keep_alive_once(LeaseId lease);
  sim::Task<void> wait_for_delete(const std::string& key, sim::Duration patience);
  sim::Task<void> abandon(LeaseId lease);
  sim::MonoTime mono_now() const;
  sim::NodeId target();
  /// Forgets the leader guess and tries the member after `failed` next.
  void move_past(sim::NodeId failed);

  sim::World& world_;
  sim::NodeId self_;
  std::vector<sim::NodeId> members_;
  LockOptions options_;
  raft::Client proposer_;
  std::optional<sim::NodeId> leader_guess_;
  std::size_t rotation_ = 0;
  std::string name_;
  std::optional<Grant> grant_;
  std::optional<LeaseId> lease_;
  std::uint64_t session_ = 0;       // bumped when a lease is given up: stops its keep-alive loop
  sim::MonoTime valid_until_;       // on this client's monotonic clock: the lease may have expired after this
  std::uint64_t keep_alives_answered_ = 0;
};

}  // namespace etcd
