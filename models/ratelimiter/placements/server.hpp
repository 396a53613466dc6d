// One API server's running process: the rate limiter in front of its API. Built by the node's
// boot code, so a crash loses its memory (local counts, queued requests, calls awaiting Redis)
// and a restart starts it empty.
//
// A request is decided where the placement says: in the server's memory (local), by one EVALSHA
// per key (EVAL after a NOSCRIPT; redis: the user's key, then the IP's when the user's admits), or by local counts
// synced every sync_interval (hybrid). When Redis fails or does not answer in redis_timeout,
// the failure policy decides: fail_open admits, fail_closed rejects, local_fallback decides in
// memory with each server's share of the limit (limit / servers, rounded up), since the load
// balancer spreads each user over all servers.
//
// A leaky bucket's admitted request waits in the server for its slot; a crash loses it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/ratelimiter/context.hpp"
#include "models/ratelimiter/placements/hybrid.hpp"
#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/script_call.hpp"
#include "models/redis/engine/reply.hpp"

namespace ratelimiter {

/// A server's share of `limit` when each of `servers` enforces it alone, rounded up.
Limit share_of_limit(const Limit& limit, int servers);

class ApiServer {
public:
  ApiServer(std::shared_ptr<Context> context, std::uint32_t index);
  /// Whatever it still held is lost with it.
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /// A request arrives (called by the load driver, or posted to the node while it was paused).
  void handle(const Request& request);
  std::size_t keys_held() const;

private:
  /// A request on its way through the keys: which key is next, the wait so far.
  struct Pending {
    Request request;
    bool ip_stage = false;
    sim::Duration wait = sim::Duration::zero();
  };

  // --- in memory (server.cpp) --------------------------------------------------------------
  void decide_in_memory(const Pending& pending, LocalAlgorithm& memory, Path path, bool shared);
  void finish(const Pending& pending, Path path, RejectedBy rejected_by, sim::Duration cost);
  void release_later(const Request& request, Path path, sim::Instant decided, sim::Duration after);

  // --- Redis (central.cpp) ----------------------------------------------------------------
  void ask_redis(const Pending& pending, ScriptBy by = ScriptBy::sha);
  void on_reply(const Pending& pending, sim::error_code ec, const redis::Reply& reply);
  void redis_failed(const Pending& pending, const std::string& why);
  void redis_answered();

  // --- hybrid (hybrid_sync.cpp) -----------------------------------------------------------
  void decide_hybrid(const Request& request);
  void schedule_sync();
  void sync();
  void send_sync(std::vector<SyncEntry> entries, sim::NodeId master);
  void on_synced(const std::vector<SyncEntry>& entries, sim::error_code ec, const redis::Reply& reply);

  Key key_of(const Pending& pending) const;
  sim::WallTime wall_now() const;
  /// The true time after `d` of this node's monotonic clock, as a sleep would wake.
  sim::Instant after_mono(sim::Duration d) const;

  std::shared_ptr<Context> context_;
  sim::World& world_;
  std::uint32_t index_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  std::unique_ptr<LocalAlgorithm> memory_;    // placement local, or local_fallback's
  std::unique_ptr<HybridCounters> hybrid_;    // placement hybrid
  std::uint64_t in_flight_ = 0;               // awaiting Redis or a leaky bucket's slot
  std::uint64_t scripts_sent_ = 0;            // numbers this incarnation's request ids (member: request_id)
  bool redis_failing_ = false;                // in a streak of failed calls or syncs
  std::uint64_t decided_without_redis_ = 0;   // in the current streak
  bool sync_failed_ = false;                  // hybrid: the last sync failed
  std::size_t syncs_outstanding_ = 0;         // hybrid: batches of the current sync awaiting Redis
  bool round_failed_ = false;                 // hybrid: a batch of the current sync failed
};

}  // namespace ratelimiter
