#include "models/etcd/lock_client.hpp"

#include <boost/asio/redirect_error.hpp>

#include "models/etcd/messages.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace etcd {

LockClient::LockClient(sim::World& world, sim::NodeId self, std::vector<sim::NodeId> members, LockOptions options)
    : world_(world),
      self_(self),
      members_(members),
      options_(options),
      proposer_(world, self, std::move(members), raft::ClientOptions{options.request_timeout, options.retry_delay}) {
  SIM_ASSERT(options_.ttl > sim::Duration::zero(), "a lease TTL must be positive");
}

sim::MonoTime LockClient::mono_now() const { return world_.node(self_).clock().mono(world_.now()); }

bool LockClient::believes_held() const { return grant_.has_value() && mono_now() < valid_until_; }

sim::NodeId LockClient::target() {
  if (leader_guess_) return *leader_guess_;
  return members_[rotation_++ % members_.size()];
}

void LockClient::move_past(sim::NodeId failed) {
  leader_guess_.reset();
  for (std::size_t i = 0; i < members_.size(); ++i)
    if (members_[i] == failed) rotation_ = i + 1;
}

sim::Task<std::optional<Grant>> LockClient::acquire(std::string name) {
  sim::MonoTime deadline = mono_now() + options_.acquire_timeout;
  auto remaining = [&] { return std::max(deadline - mono_now(), sim::Duration::zero()); };
  name_ = name;
  // Campaigning again means the last grant has lapsed by this client's clock: it is not believed
  // held again until this acquire wins, whatever lease the acquire is granted on the way.
  grant_.reset();
  std::optional<LeaseId> lease = co_await grant_lease(remaining());
  if (!lease) co_return std::nullopt;
  while (remaining() > sim::Duration::zero() && lease_ == lease) {
    raft::ClientOutcome outcome = co_await proposer_.propose(acquire_command(name, *lease), remaining());
    if (!outcome.committed) break;
    std::optional<AcquireAnswer> answer = decode_acquire(outcome.result);
    if (!answer || !answer->lease_found) break;  // the lease expired while we waited
    if (answer->holds) {
      grant_ = Grant{*lease, answer->key, answer->create_revision};
      co_return grant_;
    }
    // Wait for the key just before ours to go, then ask again (its owner may have released,
    // or its lease expired; either way the order may have changed).
    co_await wait_for_delete(answer->predecessor, std::min(remaining(), options_.ttl));
  }
  co_await abandon(*lease);
  co_return std::nullopt;
}

sim::Task<std::optional<LeaseId>> LockClient::grant_lease(sim::Duration patience) {
  sim::MonoTime sent = mono_now();
  raft::ClientOutcome outcome = co_await proposer_.propose(grant_command(options_.ttl), patience);
  if (!outcome.committed) co_return std::nullopt;
  LeaseId lease = std::stoll(outcome.result);
  lease_ = lease;
  valid_until_ = sent + options_.ttl;
  sim::spawn(world_.executor(self_), keep_alive_loop(lease, ++session_));
  co_return lease;
}

sim::Task<void> LockClient::keep_alive_loop(LeaseId lease, std::uint64_t session) {
  while (session_ == session) {
    co_await sim::sleep(options_.ttl / 3);
    if (session_ != session) co_return;
    bool alive = co_await keep_alive_once(lease);
    if (!alive && session_ == session) {
      // The service no longer knows the lease: whatever we held is gone.
      lease_.reset();
      grant_.reset();
      ++session_;
    }
  }
}

sim::Task<bool> LockClient::keep_alive_once(LeaseId lease) {
  // Tries the members in turn, following leader hints, until the leader renews or the lease
  // has surely expired by this client's clock; past that, still a round or two, since after a
  // pause only the leader's answer tells whether the lease is gone.
  sim::Executor ex = world_.executor(self_);
  sim::Duration attempt_timeout = std::min(options_.request_timeout, options_.ttl / 4);
  std::size_t late_attempts = 2 * members_.size();
  for (std::size_t attempt = 0; mono_now() < valid_until_ || attempt < late_attempts; ++attempt) {
    sim::NodeId to = target();
    auto request = std::make_shared<KeepAliveRequest>();
    request->lease = lease;
    sim::MonoTime sent = mono_now();
    sim::error_code ec;
    sim::MessagePtr body = co_await world_.rpc().call(ex, to, std::move(request), attempt_timeout,
                                                      boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* reply = ec ? nullptr : dynamic_cast<const KeepAliveReply*>(body.get());
    if (reply && reply->status == KeepAliveReply::Status::renewed) {
      leader_guess_ = to;
      valid_until_ = std::max(valid_until_, sent + reply->ttl);
      ++keep_alives_answered_;
      co_return true;
    }
    if (reply && reply->status == KeepAliveReply::Status::lease_not_found) co_return false;
    if (reply && reply->status == KeepAliveReply::Status::not_ready) {
      co_await sim::sleep(options_.retry_delay);  // the right member, a moment too early
      continue;
    }
    if (reply && reply->leader_hint && *reply->leader_hint != to) {
      leader_guess_ = reply->leader_hint;
      continue;
    }
    move_past(to);
    co_await sim::sleep(options_.retry_delay);
  }
  co_return true;  // silence is not a "no": the service may still hold the lease
}

sim::Task<void> LockClient::wait_for_delete(const std::string& key, sim::Duration patience) {
  // Any member will do: it answers once its own applied state has lost the key.
  sim::Executor ex = world_.executor(self_);
  auto request = std::make_shared<WatchDeleteRequest>();
  request->key = key;
  sim::error_code ec;
  sim::NodeId to = target();
  co_await world_.rpc().call(ex, to, std::move(request), std::max(patience, options_.retry_delay),
                             boost::asio::redirect_error(sim::use_awaitable, ec));
  if (!ec) co_return;
  move_past(to);
  co_await sim::sleep(options_.retry_delay);
}

sim::Task<bool> LockClient::guarded_put(Grant grant, std::string tag) {
  raft::ClientOutcome outcome =
      co_await proposer_.propose(guarded_put_command(grant.key, grant.token, tag), options_.acquire_timeout);
  co_return outcome.committed && outcome.result == "accepted";
}

sim::Task<bool> LockClient::release() {
  if (!lease_) co_return false;
  LeaseId lease = *lease_;
  grant_.reset();
  raft::ClientOutcome released = co_await proposer_.propose(release_command(name_, lease), options_.acquire_timeout);
  co_await abandon(lease);
  co_return released.committed && released.result == "ok";
}

sim::Task<void> LockClient::abandon(LeaseId lease) {
  grant_.reset();
  lease_.reset();
  ++session_;
  co_await proposer_.propose(revoke_command(lease), options_.request_timeout * 4);
}

}  // namespace etcd
