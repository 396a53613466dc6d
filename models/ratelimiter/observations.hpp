// What the rate limiter model saw during a run, for its checkers. The model writes these and
// never reads them back; the checkers read only these (and the population, to know each key's
// limit). Decisions are not kept: a run makes millions, so each is handed as it is made to the
// DecisionObservers watching the run (the checkers among them), which keep what their verdicts
// need.
//
// Determinism: decisions are observed in event order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/ratelimiter/population.hpp"
#include "sim/kernel/time.hpp"

namespace ratelimiter {

/// How a request was decided.
enum class Path : std::uint8_t {
  local,         ///< placement local: the server's own memory
  redis,         ///< a Redis script decided
  hybrid,        ///< hybrid: local counts, the last sync with Redis succeeded
  hybrid_stale,  ///< hybrid: local counts, the last sync with Redis failed
  fallback,      ///< local_fallback: Redis failed, the server's memory decided
  fail_open,     ///< Redis failed, admitted unchecked
  fail_closed,   ///< Redis failed, rejected unchecked
};
const char* to_string(Path path);
/// Whether the decision was made without Redis because Redis failed.
bool without_redis(Path path);

/// Which key turned the request away.
enum class RejectedBy : std::uint8_t { none, user_key, ip_key, no_redis };
const char* to_string(RejectedBy by);

/// One request the limiter answered.
struct Decided {
  std::uint32_t user = 0;
  std::uint16_t server = 0;
  Path path = Path::local;
  RejectedBy rejected_by = RejectedBy::none;
  sim::Instant arrived;   ///< true time the request reached its API server
  sim::Instant decided;   ///< true time the limiter answered
  sim::Instant released;  ///< admitted: true time it went on to the API (after a leaky bucket's wait)

  bool admitted() const { return rejected_by == RejectedBy::none; }
};

/// Figures of one API server.
struct ServerTally {
  std::string name;
  std::uint64_t requests = 0;
  std::uint64_t admitted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t unserved = 0;  ///< arrived while the server was down
  std::uint64_t lost = 0;      ///< admitted into a queue or awaiting Redis when the server crashed
  std::uint64_t without_redis = 0;
  std::uint64_t redis_timeouts = 0;  ///< calls that got no answer in redis_timeout
  std::uint64_t redis_errors = 0;    ///< calls answered with an error reply
  std::uint64_t syncs = 0;           ///< hybrid: syncs that succeeded
  std::uint64_t keys_held = 0;       ///< keys with state in the server's memory at the end
  sim::Duration wall_offset_end;     ///< wall clock minus true wall time, at the end
  sim::Duration configured_skew;     ///< wall clock minus true wall time as configured (`skew`, `skew_spread`)
};

/// One Redis server's memory, as the deployment reports it.
struct RedisMemory {
  std::string name;
  std::uint64_t peak_bytes = 0;  ///< the largest of the samples taken each second and at the end
  std::uint64_t end_bytes = 0;
  std::uint64_t end_keys = 0;
  std::uint32_t boots = 0;  ///< times the server process started: more than one, it restarted
};

/// Watches the decisions of a run as they are made (the checkers, through the Recorder).
class DecisionObserver {
public:
  virtual ~DecisionObserver() = default;
  /// `decision` was recorded at true time `now`. Every decision recorded from now on was
  /// released at or after `now` and arrived at or after `horizon` (<= now), and every request
  /// that arrived before `horizon` has been recorded already or was lost: what a check
  /// counts up to a moment before `horizon` is final. Neither ever moves back.
  virtual void observe(const Decided& decision, sim::Instant now, sim::Instant horizon) = 0;
};

struct Observations {
  std::vector<ServerTally> servers;
  std::vector<RedisMemory> redis;  ///< empty for placement: local
  std::shared_ptr<const Population> population;
  sim::Duration length;  ///< the scenario's duration, for rates
  /// The resolution of the timestamps the limiter compares (1 ns for memory, the now unit for
  /// Redis scripts): checks forgive what truncating `now` to it can cause, and no more.
  sim::Duration granularity = sim::Duration::nanoseconds(1);
};

}  // namespace ratelimiter
