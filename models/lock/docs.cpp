// What each of the lock model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/lock/lock.hpp"
#include "models/redis/docs.hpp"

namespace {

std::vector<sim::OptionDoc> lock_option_docs() {
  std::vector<sim::OptionDoc> docs{
      {"design", "the lock service: one Redis (SET NX PX), Redlock over N masters, or an etcd-like lock on Raft"},
      {"storage", "the protected resource: plain, fenced (refuses older tokens), cas (random check-and-set), txn"},
      {"token", "where a fencing token comes from: none, INCR on the lock's Redis, or a separate durable counter"},
      {"ttl", "the lock's expiry (PX; the lease TTL for consensus)"},
      {"clients", "clients, client-1 .. client-N, each in a lock-work-unlock loop"},
      {"work", "time spent between reading and writing the storage while holding the lock"},
      {"think", "time between a release and the next acquisition attempt"},
      {"start", "when client 1 makes its first attempt"},
      {"stagger", "client i starts at start + (i-1) x stagger"},
      {"operations", "lock-work-unlock rounds per client (absent: until the run ends)"},
      {"acquire_timeout", "a client gives up acquiring after this"},
      {"retry_delay", "a failed attempt is retried after a delay uniform in [0, this)"},
      {"retries", "Redlock attempts per acquisition (the single lock retries until acquire_timeout)"},
      {"redis_timeout", "timeout of one Redis command"},
      {"storage_timeout", "timeout of one storage call"},
      {"check_validity", "before writing, check on the client's own clock that the lock is still valid"},
      {"extend", "renew the lock every ttl/3 of work by script; a failed renewal ends the round"},
      {"max_extensions", "at most this many renewals per round (with extend: true)"},
      {"liveness_bound", "after the last fault, a waiting client must acquire within this (default 2 ttl + 4 "
                         "retry_delay + 1s)"},
      {"redlock", "Redlock's own parameters (design: redlock)"},
      {"redlock.nodes", "independent Redis masters; a lock needs a majority"},
      {"redlock.node_timeout", "timeout of the SET on one node"},
      {"redlock.drift_factor", "clock drift allowance as a share of the TTL (validity = ttl - elapsed - drift)"},
      {"redlock.drift_min", "drift allowance added to ttl x drift_factor"},
      {"redlock.naive", "skip the elapsed-time check: a majority of SETs is taken as the lock, for the full TTL"},
      {"consensus", "the etcd-like lock service's parameters (design: consensus)"},
      {"consensus.members", "members of the Raft group, etcd-1 .. etcd-N"},
      {"consensus.request_timeout", "one request to a member before trying the next"},
  };
  for (sim::OptionDoc& doc : redis::option_docs_under("redis.", "the lock's Redis (for redlock: each node's)"))
    docs.push_back(std::move(doc));
  return docs;
}

}  // namespace

const sim::ModelDocs& lock_docs() {
  static const sim::ModelDocs docs{
      "design",
      {},
      lock_option_docs(),
      {
          {"overlapping_holders", "no two clients believe they hold the lock at the same time",
           "pairs of grants that overlapped, and their total overlap in time"},
          {"stale_writes", "the storage accepts no write from a grant older than one it already saw",
           "accepted writes that came from an older grant, out of all accepted"},
          {"lost_acknowledged_writes", "no storage write acknowledged to a client is lost",
           "acknowledged writes missing at the end of the run"},
          {"liveness", "after the last fault, every waiting client acquires within liveness_bound",
           "waits after the last fault that ended without a grant in time"},
      },
  };
  return docs;
}
