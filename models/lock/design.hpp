// A lock design as its client library sees it: one try at acquiring (Redlock: up to `retries`
// tries, as redlock-rb's lock() makes), extending, releasing. The client loop (client.hpp) calls
// these; the designs talk to Redis through the kernel's network like any client.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/lock/record.hpp"
#include "models/redis/engine/reply.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/timer.hpp"

namespace lock {

struct Context;

/// A lock the client believes it holds.
struct Acquired {
  std::int64_t token = 0;  ///< fencing token (0: none)
  std::string value;       ///< the random value its SETs carry
  sim::MonoTime valid_until;             ///< the end of its validity, on the client's monotonic clock
  std::vector<Holder> holders;           ///< the Redis nodes that acknowledged it
  int extensions = 0;
  std::uint64_t epoch = 0;               ///< the recorder's number for it (for the recorder only)
};

/// What a design needs from the client it runs in.
struct ClientIo {
  Context& context;
  sim::Executor ex;
  sim::NodeId node;
  int index;
  sim::Rng rng;
  std::size_t attempt = 0;  ///< the recorder's number for the acquisition under way

  sim::MonoTime mono_now() const;
  sim::WallTime wall_now() const;
  /// True time at which the client's monotonic clock reads `mono`.
  sim::Instant when_mono(sim::MonoTime mono) const;
  /// A fresh lock value: 20 random bytes in hex, as the distlock page asks.
  std::string new_value();
  /// One command to a Redis node; nullopt when it timed out or could not be sent.
  sim::Task<std::optional<redis::Reply>> redis(sim::NodeId server, std::vector<std::string> argv,
                                               sim::Duration timeout);
  /// The same, fire and forget (Redlock's unlock of every node after a failed try).
  void redis_detached(sim::NodeId server, std::vector<std::string> argv, sim::Duration timeout);

  /// Tells the recorder that the client now believes it holds `lock`: called the moment the
  /// client has the answer that says so (after Redlock's validity check), before any later step.
  /// `service_order` is the grant's place in the lock service's order (Grant::service_order).
  void believe(Acquired& lock, std::int64_t service_order);
  /// The belief in `lock` ended before the acquire call returned it.
  void stop_believing(const Acquired& lock, std::string reason);
};

class LockDesign {
public:
  virtual ~LockDesign() = default;
  virtual sim::Task<std::optional<Acquired>> try_acquire(ClientIo& io) = 0;
  /// Renews the lock's TTL; false if the lock could not be kept (it is then no longer believed).
  virtual sim::Task<bool> extend(ClientIo& io, Acquired& lock) = 0;
  virtual sim::Task<void> release(ClientIo& io, const Acquired& lock) = 0;
  /// storage: txn: the write, as a transaction in the lock service's own store. Only designs
  /// with such a store offer it.
  virtual sim::Task<void> guarded_write(ClientIo& io, const Acquired& lock, std::uint64_t epoch);
  /// Whether the client, by its own clock, may still take its lock as valid.
  virtual bool still_valid(const ClientIo& io, const Acquired& lock) const { return io.mono_now() < lock.valid_until; }
};

/// The design the options name, for the client on `node`.
std::unique_ptr<LockDesign> make_design(const Context& context, sim::NodeId node);
std::unique_ptr<LockDesign> make_redis_design(const Context& context);
std::unique_ptr<LockDesign> make_consensus_design(const Context& context, sim::NodeId node);
/// The one-word tag a guarded write carries so observers can tell whose write it was.
std::string txn_tag(int client, std::uint64_t epoch);
std::optional<std::pair<int, std::uint64_t>> read_txn_tag(const std::string& tag);

/// The distlock page's scripts.
const std::string& release_script();  ///< compare-and-delete
const std::string& extend_script();   ///< compare-and-pexpire
/// EVAL of each for `lock`'s key and value (the extension renews for the TTL).
std::vector<std::string> release_command(const ClientIo& io, const Acquired& lock);
std::vector<std::string> extend_command(const ClientIo& io, const Acquired& lock);

/// A fencing token from the configured source (INCR on the lock's Redis or on the counter);
/// nullopt when it could not be had.
sim::Task<std::optional<std::int64_t>> fetch_token(ClientIo& io);

/// A retry's random pause, U[0, retry_delay), from the client's own stream.
sim::Duration retry_pause(ClientIo& io);

/// What the recorder keeps of a node's acknowledgement of a command that left the key holding
/// `value`, read as it arrives: the deadline is the one the server set when it ran the command.
Holder make_holder(ClientIo& io, int deployment, sim::NodeId node, const std::string& value);
/// A Redis lock's place in the service's order: when the SET that made its quorum ran (the
/// `quorum`-th of its holders' SETs in true time).
std::int64_t redis_service_order(const std::vector<Holder>& holders, int quorum);

bool is_ok(const std::optional<redis::Reply>& reply);
bool is_one(const std::optional<redis::Reply>& reply);

}  // namespace lock
