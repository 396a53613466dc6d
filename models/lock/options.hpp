// The lock model's options: which lock design guards which storage, how clients use it, and
// the parameters of each design, with the defaults of the sources (reference section 4.0):
// single Redis PX 30000; Redlock N=5, TTL 10 s, drift 0.01 TTL + 2 ms, per-node timeout 50 ms,
// 3 retries after U[0, 200) ms.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/redis/options.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace lock {

/// `design`: the lock service.
enum class Design {
  redis,      ///< one Redis (optionally with a replica and Sentinel): SET NX PX, release by script
  redlock,    ///< N independent Redis masters, majority, validity = TTL - elapsed - drift
  consensus,  ///< an etcd-like lock service on Raft: leases, revisions as fencing tokens
};

/// `storage`: the protected resource.
enum class StorageKind {
  plain,   ///< accepts every write
  fenced,  ///< accepts a token >= the highest seen (FencedMax)
  cas,     ///< antirez's random check-and-set: claim(value) sets the owner; a write needs owner == value
  txn,     ///< etcd's transaction guard: the resource lives in the lock service's store, and a write
           ///< commits only while the lock key still exists with the writer's revision
};

/// `token`: where a fencing token comes from.
enum class TokenSource {
  none,     ///< no token (fenced storage then has nothing to check: refused at configuration)
  incr,     ///< INCR on the lock's own Redis (design: redis)
  counter,  ///< INCR on a separate Redis with appendfsync always: a durable, linearizable counter
};

struct RedlockOptions {
  int nodes = 5;                                                ///< `nodes`: independent masters
  sim::Duration node_timeout = sim::Duration::milliseconds(50);  ///< `node_timeout`: per SET
  /// `drift_factor` and `drift_min`: drift = TTL x factor + min (redlock-rb: 0.01 and 2 ms).
  double drift_factor = 0.01;
  sim::Duration drift_min = sim::Duration::milliseconds(2);
  /// `naive`: skip the elapsed-time check (a majority of SETs is taken as the lock, for the TTL).
  bool naive = false;
};

struct ConsensusOptions {
  int members = 3;  ///< `members`: the Raft group, etcd-1 .. etcd-N (3 or 5 usually)
  /// `request_timeout`: one request to a member before trying the next (etcd's client: 500 ms).
  sim::Duration request_timeout = sim::Duration::milliseconds(500);
};

struct LockOptions {
  Design design = Design::redis;
  StorageKind storage = StorageKind::plain;
  TokenSource token = TokenSource::none;
  int clients = 2;  ///< `clients`: client-1 .. client-N
  sim::Duration ttl = sim::Duration::seconds(30);  ///< `ttl`: the lock's expiry (PX)
  /// `work`: time spent between reading and writing the storage while holding the lock.
  sim::DurationDist work = sim::DurationDist::constant(sim::Duration::milliseconds(10));
  /// `think`: time between a release and the next acquisition attempt.
  sim::DurationDist think = sim::DurationDist::constant(sim::Duration::milliseconds(100));
  /// `start`: when each client makes its first attempt: client i at start + (i-1) x stagger.
  sim::Duration start = sim::Duration::zero();
  sim::Duration stagger = sim::Duration::milliseconds(100);
  std::optional<int> operations;  ///< `operations`: lock-work-unlock rounds per client (default: until the end)
  sim::Duration acquire_timeout = sim::Duration::seconds(60);  ///< `acquire_timeout`: give up acquiring after this
  sim::Duration retry_delay = sim::Duration::milliseconds(200);  ///< `retry_delay`: retry after U[0, this)
  int retries = 3;  ///< `retries`: redlock attempts per acquisition (the single lock retries until acquire_timeout)
  sim::Duration redis_timeout = sim::Duration::milliseconds(50);  ///< `redis_timeout`: per command
  sim::Duration storage_timeout = sim::Duration::seconds(1);     ///< `storage_timeout`: per storage call
  /// `check_validity`: before writing, the client checks on its own clock that its lock is still
  /// valid and gives up the round if not (a mitigation that a pause after the check defeats).
  bool check_validity = false;
  /// `extend`: renew the lock every TTL/3 of work by script (compare-and-pexpire), at most
  /// `max_extensions` times; a failed renewal ends the round before the write.
  bool extend = false;
  int max_extensions = 3;
  /// `liveness_bound`: after the last fault, a waiting client must acquire within this.
  std::optional<sim::Duration> liveness_bound;
  redis::RedisOptions redis;  ///< `redis:` the lock's Redis (for redlock: each node's)
  RedlockOptions redlock;     ///< `redlock:`
  ConsensusOptions consensus;  ///< `consensus:`

  std::string client_name(int index) const { return "client-" + std::to_string(index + 1); }
  sim::Duration liveness() const {
    return liveness_bound.value_or(ttl * 2 + retry_delay * 4 + sim::Duration::seconds(1));
  }
  /// Redlock's drift allowance for the TTL.
  sim::Duration drift() const;
};

LockOptions read_options(sim::ParamReader& params);
std::vector<std::pair<std::string, std::string>> describe(const LockOptions& options);

const char* to_string(Design design);
const char* to_string(StorageKind storage);
const char* to_string(TokenSource token);

}  // namespace lock
