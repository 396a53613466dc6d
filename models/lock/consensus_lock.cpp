// The consensus lock: the spec's DistributedLock (etcd/lock_client.hpp) over the etcd-like lock
// service on Raft. Acquire grants a lease and creates the lock key under it, then waits for the
// key before it; the client renews its lease every TTL/3 in the background and believes the lock
// valid until a TTL after its last answered renewal was sent; the fencing token is the key's
// create revision.
#include <fmt/format.h>

#include <cstdio>

#include "models/lock/context.hpp"
#include "models/lock/design.hpp"
#include "models/etcd/lock_client.hpp"

namespace lock {
namespace {

const std::string lock_name = "/lock/resource";

etcd::LockOptions client_options(const LockOptions& options) {
  etcd::LockOptions o;
  o.ttl = options.ttl;
  o.acquire_timeout = options.acquire_timeout;
  o.request_timeout = options.consensus.request_timeout;
  o.retry_delay = options.retry_delay;
  return o;
}

class ConsensusLock final : public LockDesign {
public:
  ConsensusLock(const Context& context, sim::NodeId node)
      : client_(context.world, node, context.members, client_options(context.options)) {}

  sim::Task<std::optional<Acquired>> try_acquire(ClientIo& io) override {
    std::optional<etcd::Grant> grant = co_await client_.acquire(lock_name);
    if (!grant) co_return std::nullopt;
    Acquired lock;
    lock.token = grant->token;
    lock.value = grant->key;
    lock.valid_until = io.mono_now() + io.context.options.ttl;
    io.believe(lock, grant->token);  // the service orders grants by the key's create revision
    co_return lock;
  }

  // Renewal runs in the background; the lock is kept while the client may believe its lease.
  sim::Task<bool> extend(ClientIo&, Acquired&) override { co_return client_.believes_held(); }

  sim::Task<void> release(ClientIo&, const Acquired&) override { co_await client_.release(); }

  bool still_valid(const ClientIo&, const Acquired&) const override { return client_.believes_held(); }

  sim::Task<void> guarded_write(ClientIo& io, const Acquired& lock, std::uint64_t epoch) override {
    etcd::Grant grant;
    grant.key = lock.value;
    grant.token = lock.token;
    co_await client_.guarded_put(grant, txn_tag(io.index, epoch));
  }

private:
  etcd::LockClient client_;
};

}  // namespace

std::string txn_tag(int client, std::uint64_t epoch) { return fmt::format("c{}e{}", client, epoch); }

std::optional<std::pair<int, std::uint64_t>> read_txn_tag(const std::string& tag) {
  int client = 0;
  unsigned long long epoch = 0;
  if (std::sscanf(tag.c_str(), "c%de%llu", &client, &epoch) != 2) return std::nullopt;
  return std::pair<int, std::uint64_t>{client, epoch};
}

std::unique_ptr<LockDesign> make_consensus_design(const Context& context, sim::NodeId node) {
  return std::make_unique<ConsensusLock>(context, node);
}

}  // namespace lock
