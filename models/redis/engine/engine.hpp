// The command engine of one simulated Redis server: the keyspace and every command's
// semantics, with real Redis replies and errors. It knows nothing of the network, of time
// passing or of faults: the server (server.hpp) feeds it one command at a time with the
// server's wall-clock reading, as real Redis's single thread does.
//
// Expiry follows Redis 7: deadlines are absolute Unix milliseconds on the server's WALL clock;
// a key whose deadline is T is live at T and expired at T+1 (keyIsExpired: now > when);
// expired keys are removed lazily on access and by active cycles (on a master; a replica only
// hides them, see ExecContext::replica).
//
// Determinism: ordered containers only; the active-expiry sample draws from the Rng it is given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/engine/reply.hpp"
#include "models/redis/engine/script_host.hpp"
#include "sim/kernel/random.hpp"

namespace redis {

/// The Redis version whose behaviour the server follows where versions differ.
enum class Version { v6_2, v7_0 };

struct ExecContext {
  std::int64_t now_ms = 0;   ///< the server's wall clock (frozen for a whole script)
  bool in_script = false;    ///< called through redis.call / redis.pcall
  std::uint64_t connection = 0;  ///< the client connection, for per-connection state (WAIT)
  /// A client's command on a read-only replica: a logically expired key reads as missing but
  /// stays until the master's DEL arrives, and a script may not write (READONLY).
  bool replica = false;
};

class Engine {
public:
  explicit Engine(Version version);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Runs one command (argv[0] is the command name, any case). Never throws for bad input: a
  /// bad command gets Redis's error reply.
  Reply execute(const std::vector<std::string>& argv, const ExecContext& ctx);

  /// One active-expiry cycle as Redis runs it ten times a second: sample up to 20 keys with a
  /// TTL, delete the expired ones, repeat while more than a quarter of the sample expired.
  /// Returns how many keys it deleted.
  std::size_t active_expire_cycle(std::int64_t now_ms, sim::Rng& rng);

  /// Write commands as they take effect, for replication and the append-only file. Redis 7.0
  /// rewrites relative expiries as absolute PXAT deadlines; expired keys become DEL.
  std::vector<std::vector<std::string>> take_effects();
  /// Whether the command (by name) writes; WAIT and replication care.
  static bool is_write(const std::string& command);

  void set_script_host(std::unique_ptr<ScriptHost> host);
  ScriptHost* script_host() { return scripts_.get(); }
  Version version() const { return version_; }

  /// Drops every key (a restart without persistence, FLUSHALL).
  void clear();
  std::size_t key_count() const;
  /// Every key name (expired ones not yet reclaimed included), in byte order.
  std::vector<std::string> keys() const;
  /// For observers outside the simulated system (checkers): the string stored under `key`, if
  /// any, expired or not, without touching anything.
  std::optional<std::string> peek(const std::string& key) const;
  /// Estimated bytes of memory used by the keyspace, by type, as Redis would roughly use them.
  /// Kept up to date as commands run: reading it costs nothing.
  std::map<std::string, std::uint64_t> memory_by_type() const;
  std::uint64_t memory_bytes() const;
  /// The same total computed afresh from every key, for checking the running one.
  std::uint64_t memory_bytes_recounted() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<ScriptHost> scripts_;
  Version version_;
};

const char* to_string(Version version);

}  // namespace redis
