// The lock service's commands as they travel through the Raft log, and the answers the state
// machine gives, as text (the log is stored as text on the node's disk). Keys and prefixes
// hold no spaces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/kernel/time.hpp"

namespace etcd {

using LeaseId = std::int64_t;
using Revision = std::int64_t;

/// "grant <ttl_ns>": a new lease; answers its id.
std::string grant_command(sim::Duration ttl);
/// "revoke <lease>": deletes the lease and every key attached to it; answers "ok" or "no_lease".
/// The leader proposes it itself when a lease expires.
std::string revoke_command(LeaseId lease);
/// "acquire <name> <lease>": etcd's mutex. Creates the key <name>/<lease> under the lease if it
/// is not there, and answers who holds the lock.
std::string acquire_command(const std::string& name, LeaseId lease);
/// "release <name> <lease>": deletes the key <name>/<lease>; answers "ok" or "absent".
std::string release_command(const std::string& name, LeaseId lease);

/// "guarded_put <key> <revision> <tag>": etcd's Txn(If CreateRevision(key) == revision,
/// Put(resource)): a write to the resource kept in the same store, committed only while the
/// lock key still exists with that create revision. Answers "accepted" or "refused". The tag
/// (one word) names the writer, for observers.
std::string guarded_put_command(const std::string& key, Revision revision, const std::string& tag);

/// The key a lease's lock request lives at.
std::string lock_key(const std::string& name, LeaseId lease);
/// The lease a lock key belongs to (0 if `key` is no lock key).
LeaseId lease_of_key(const std::string& key);

/// The answer to "acquire".
struct AcquireAnswer {
  bool lease_found = false;
  std::string key;
  Revision create_revision = 0;  ///< this request's key: the fencing token once it holds
  bool holds = false;            ///< its key has the lowest create revision under the name
  std::string predecessor;       ///< the key just before it (empty when it holds)
};
std::string encode(const AcquireAnswer& answer);
std::optional<AcquireAnswer> decode_acquire(const std::string& text);

}  // namespace etcd
