#include "models/etcd/state.hpp"

#include <sstream>

#include "sim/kernel/assert.hpp"

namespace etcd {

std::string LockState::apply(raft::Index index, const std::string& command) {
  std::istringstream in(command);
  std::string verb;
  in >> verb;
  if (verb == "grant") {
    std::int64_t ttl_ns = 0;
    in >> ttl_ns;
    return grant(index, sim::Duration::nanoseconds(ttl_ns));
  }
  if (verb == "guarded_put") {
    std::string key;
    Revision revision = 0;
    in >> key >> revision;
    return guarded_put(key, revision);
  }
  LeaseId lease = 0;
  if (verb == "revoke") {
    in >> lease;
    return revoke(lease);
  }
  std::string name;
  in >> name >> lease;
  if (verb == "acquire") return acquire(name, lease);
  if (verb == "release") return release(name, lease);
  SIM_ASSERT(false, "an unknown lock command: " + command);
  return {};
}

std::string LockState::guarded_put(const std::string& key, Revision revision) {
  if (!guarded_put_allowed(key, revision)) return "refused";
  ++revision_;  // the resource's put is a change to the store like any other
  return "accepted";
}

bool LockState::guarded_put_allowed(const std::string& key, Revision revision) const {
  auto it = keys_.find(key);
  return it != keys_.end() && it->second.create_revision == revision;
}

std::optional<std::string> LockState::holder(const std::string& name) const {
  std::optional<std::string> best;
  Revision lowest = 0;
  std::string prefix = name + "/";
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    if (!best || it->second.create_revision < lowest) {
      best = it->first;
      lowest = it->second.create_revision;
    }
  }
  return best;
}

std::string LockState::grant(raft::Index index, sim::Duration ttl) {
  // The log index is unique and the same on every member: a deterministic lease id.
  auto lease = static_cast<LeaseId>(index);
  leases_[lease] = Lease{ttl, {}};
  notify(Change::Kind::lease_granted, lease, {});
  return std::to_string(lease);
}

std::string LockState::revoke(LeaseId lease) {
  auto it = leases_.find(lease);
  if (it == leases_.end()) return "no_lease";
  std::set<std::string> keys = std::move(it->second.keys);
  leases_.erase(it);
  // One revision for the whole revocation, as etcd's single transaction does.
  if (!keys.empty()) ++revision_;
  for (const std::string& key : keys) erase_key(key);
  notify(Change::Kind::lease_revoked, lease, {});
  return "ok";
}

std::string LockState::acquire(const std::string& name, LeaseId lease) {
  AcquireAnswer answer;
  auto owner = leases_.find(lease);
  if (owner == leases_.end()) return encode(answer);
  answer.lease_found = true;
  answer.key = lock_key(name, lease);
  auto [it, created] = keys_.try_emplace(answer.key);
  if (created) {
    it->second = KeyValue{++revision_, lease};
    owner->second.keys.insert(answer.key);
    notify(Change::Kind::key_created, lease, answer.key);
  }
  answer.create_revision = it->second.create_revision;
  // The waiter watches only the key just before its own, so a release wakes one waiter.
  Revision best = 0;
  std::string prefix = name + "/";
  for (auto k = keys_.lower_bound(prefix); k != keys_.end() && k->first.compare(0, prefix.size(), prefix) == 0; ++k) {
    Revision r = k->second.create_revision;
    if (r < answer.create_revision && r > best) {
      best = r;
      answer.predecessor = k->first;
    }
  }
  answer.holds = answer.predecessor.empty();
  return encode(answer);
}

std::string LockState::release(const std::string& name, LeaseId lease) {
  std::string key = lock_key(name, lease);
  auto it = keys_.find(key);
  if (it == keys_.end()) return "absent";
  if (auto owner = leases_.find(it->second.lease); owner != leases_.end()) owner->second.keys.erase(key);
  ++revision_;
  erase_key(key);
  return "ok";
}

void LockState::erase_key(const std::string& key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  LeaseId lease = it->second.lease;
  keys_.erase(it);
  notify(Change::Kind::key_deleted, lease, key);
}

void LockState::notify(Change::Kind kind, LeaseId lease, std::string key) {
  if (listener_) listener_(Change{kind, lease, std::move(key), revision_});
}

}  // namespace etcd
