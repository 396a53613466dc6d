#include "models/etcd/lessor.hpp"

namespace etcd {

void Lessor::on_granted(LeaseId lease, sim::Duration ttl, sim::MonoTime now_mono) {
  deadline_[lease] = now_mono + ttl;
}

void Lessor::on_revoked(LeaseId lease) {
  deadline_.erase(lease);
  revoking_.erase(lease);
}

void Lessor::promote(const LockState& state, sim::MonoTime now_mono) {
  deadline_.clear();
  revoking_.clear();
  for (const auto& [lease, info] : state.leases()) deadline_[lease] = now_mono + info.ttl;
}

bool Lessor::renew(const LockState& state, LeaseId lease, sim::MonoTime now_mono) {
  auto it = state.leases().find(lease);
  if (it == state.leases().end()) return false;
  // Past its deadline a lease is as good as revoked (its revocation may be in flight): it is
  // never brought back, or a lock could outlive the expiry another client was told of.
  if (auto d = deadline_.find(lease); d != deadline_.end() && d->second <= now_mono) return false;
  deadline_[lease] = now_mono + it->second.ttl;
  return true;
}

std::vector<LeaseId> Lessor::take_expired(sim::MonoTime now_mono) {
  std::vector<LeaseId> expired;
  for (const auto& [lease, deadline] : deadline_) {
    if (deadline > now_mono || revoking_.count(lease)) continue;
    revoking_.insert(lease);
    expired.push_back(lease);
  }
  return expired;
}

std::optional<sim::MonoTime> Lessor::deadline(LeaseId lease) const {
  auto it = deadline_.find(lease);
  if (it == deadline_.end()) return std::nullopt;
  return it->second;
}

}  // namespace etcd
