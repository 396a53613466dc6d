// The lock service's replicated state, as etcd keeps it: a key space with one global revision
// counter, each key with the revision that created it (the fencing token of a lock) and the
// lease it is attached to, and leases with a TTL. Every member applies the same committed
// commands in the same order, so every member holds the same state at a given index.
//
// What is NOT here: when a lease expires. Deadlines live in the leader's memory only (the
// lessor, lessor.hpp), as in etcd; expiry reaches this state as a "revoke" the leader proposed.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "models/etcd/commands.hpp"
#include "models/raft/state_machine.hpp"

namespace etcd {

struct KeyValue {
  Revision create_revision = 0;
  LeaseId lease = 0;
};

struct Lease {
  sim::Duration ttl;
  std::set<std::string> keys;
};

/// One change to the state, for watchers and the lessor.
struct Change {
  enum class Kind { lease_granted, lease_revoked, key_created, key_deleted };
  Kind kind = Kind::key_created;
  LeaseId lease = 0;
  std::string key;
  Revision revision = 0;  ///< the store's revision after the change
};

class LockState final : public raft::StateMachine {
public:
  using Listener = std::function<void(const Change& change)>;

  std::string apply(raft::Index index, const std::string& command) override;
  /// Told of every change as it is applied (on this member only).
  void set_listener(Listener listener) { listener_ = std::move(listener); }

  Revision revision() const { return revision_; }
  const std::map<std::string, KeyValue>& keys() const { return keys_; }
  const std::map<LeaseId, Lease>& leases() const { return leases_; }
  bool has_key(const std::string& key) const { return keys_.count(key) != 0; }
  /// Whether a guarded put on `key` at `revision` would commit now.
  bool guarded_put_allowed(const std::string& key, Revision revision) const;
  /// The key holding the lock `name` (the lowest create revision under it), if any.
  std::optional<std::string> holder(const std::string& name) const;

private:
  std::string grant(raft::Index index, sim::Duration ttl);
  std::string revoke(LeaseId lease);
  std::string acquire(const std::string& name, LeaseId lease);
  std::string release(const std::string& name, LeaseId lease);
  std::string guarded_put(const std::string& key, Revision revision);
  void erase_key(const std::string& key);
  void notify(Change::Kind kind, LeaseId lease, std::string key);

  Revision revision_ = 0;
  std::map<std::string, KeyValue> keys_;
  std::map<LeaseId, Lease> leases_;
  Listener listener_;
};

}  // namespace etcd
