// The options of a simulated Redis deployment: one field per key of a scenario's `redis:`
// section. Models that stand on Redis (the rate limiter, the lock service) embed the section
// in their own params and read it with read_redis_options.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/redis/engine/engine.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/time.hpp"

namespace sim {
class ParamReader;
}

namespace redis {

/// What a write has to reach before the server answers, as `appendonly` + `appendfsync` say.
enum class Persistence {
  none,      ///< appendonly no: a restart starts empty
  everysec,  ///< fsync once a second: a machine crash loses up to the last second of writes
  always,    ///< fsync before every reply: nothing acknowledged is lost
};
const char* to_string(Persistence persistence);

/// How clients find a shard's master after a failover.
enum class Discovery { sentinel, instant };
const char* to_string(Discovery discovery);

/// Automatic failover by a monitor standing in for Sentinel (or, with masters > 1, for Redis
/// Cluster's own failure detection).
struct FailoverOptions {
  bool enabled = false;  ///< `enabled`: needs replicas >= 1
  /// `down_after`: a master that answers no probe for this long (on the monitor's wall clock,
  /// as Sentinel's mstime()) is down. Sentinel's default; scenarios often use 1s to 5s. > 0.
  sim::Duration down_after = sim::Duration::milliseconds(30'000);
  /// `ping_period`: how often each instance is probed. Sentinel pings every second, or every
  /// down_after when that is shorter (the reader's default). > 0, <= down_after.
  sim::Duration ping_period = sim::Duration::seconds(1);
  /// `failover_timeout`: after a failed attempt, the next one waits twice this (Sentinel's
  /// failover-timeout, default 180 s). > 0.
  sim::Duration failover_timeout = sim::Duration::seconds(180);
  bool operator==(const FailoverOptions&) const = default;
};

struct RedisOptions {
  Version version = Version::v7_0;  ///< `version`: "7.0" | "6.2"
  /// `masters`: 1..16. More than one is a Redis Cluster with the 16384 slots split evenly
  /// (master i owns a contiguous range); keys route by CRC16 of the key or its {hash tag}.
  int masters = 1;
  int replicas = 0;  ///< `replicas`: replicas per master, 0..4
  /// `service_time`: the single thread's time per command, so load queues. Default 20 us.
  sim::DurationDist service_time = sim::DurationDist::constant(sim::Duration::microseconds(20));
  Persistence persistence = Persistence::none;  ///< `persistence`: none | everysec | always
  /// `replication_lag`: how long each message to a replica waits on the master's side before
  /// it goes on the wire (in Redis's output buffer for the replica, then in the kernel's send
  /// buffer), in true time; with the network's latency, what `master_repl_offset -
  /// slave_repl_offset` shows as time. A replica applies what it receives at once. Default 0.
  sim::DurationDist replication_lag = sim::DurationDist::constant(sim::Duration::zero());
  /// `send_buffer_bytes`: what the kernel of a master's machine takes of a replica's stream
  /// before Redis must keep the rest in its own output buffer (Linux autotunes a socket's send
  /// buffer up to tcp_wmem's 4 MiB). A process crash loses Redis's part only; a machine crash
  /// or a partition loses both. 4096..67108864.
  std::uint64_t send_buffer_bytes = 4 << 20;
  FailoverOptions failover;  ///< `failover: { enabled, down_after, ping_period, failover_timeout }`
  /// `discovery`: how clients learn a failover. `sentinel`: as Redis client libraries do, a
  /// client asks Sentinel for the master when it connects and again after an error or a
  /// timeout, and meanwhile keeps sending to the master it knows. `instant`: every client
  /// routes to the current master at once, as if it asked Sentinel before every command.
  Discovery discovery = Discovery::sentinel;
  int active_expiry_hz = 10;  ///< `active_expiry_hz`: active-expiry cycles per second (Redis hz), 1..500
  /// `min_replicas_to_write`: a master refuses writes (NOREPLICAS) unless this many replicas
  /// acknowledged within min_replicas_max_lag. 0 (Redis's default) disables the check.
  int min_replicas_to_write = 0;
  /// `min_replicas_max_lag`: how recent a replica's acknowledgement must be (Redis: 10 s,
  /// measured in whole seconds of the master's wall clock). > 0.
  sim::Duration min_replicas_max_lag = sim::Duration::seconds(10);

  int server_count() const { return masters * (1 + replicas); }
  bool cluster() const { return masters > 1; }
};

/// Reads the `redis:` section and checks it, unknown keys included (so pass the reader of that
/// section, not of a mapping that also holds other keys). Throws ScenarioError at the key.
RedisOptions read_redis_options(sim::ParamReader& section);

/// The resolved options, in a fixed order, for the head of every run and report.
std::vector<std::pair<std::string, std::string>> describe(const RedisOptions& options);

}  // namespace redis
