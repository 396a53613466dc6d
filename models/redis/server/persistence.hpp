// What a Redis server keeps on its node's disk: the append-only file and its configuration
// file (which master it replicates, rewritten by REPLICAOF as Sentinel's CONFIG REWRITE does).
//
// The AOF is a sequence of records "aof/000000000001", "aof/000000000002", ...: each holds the
// RESP encoding of the writes of one command (or one full resync). Records are written as the
// writes happen (write(2) into the page cache) and synced by the caller's policy: before every
// reply (always) or once a second (everysec). Since a sync makes every earlier write durable,
// what survives a crash is always a prefix of the records.
//
// Fault model: a crash that loses unsynced data drops the records written since the last sync;
// the replay reads back what remains.
//
// Rewrite: once the file has doubled since it was last written whole, and is at least
// rewrite_min_bytes, the server replaces it by its dataset (auto-aof-rewrite-percentage 100).
// Simplifications: Redis's minimum is 64 MB (here 4 MiB, to keep the simulator's memory small),
// and the rewrite is instant and synced at once rather than a background child.
//
// Determinism: records are named by a counter; the disk keeps ordered maps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/options.hpp"
#include "models/redis/replication/replication.hpp"
#include "sim/kernel/disk.hpp"

namespace redis {

/// Writes as the AOF keeps them when they carry relative TTLs (Redis 6.2 streams those
/// verbatim): EXPIRE, PEXPIRE and EXPIREAT become PEXPIREAT, and SET ... EX|PX becomes
/// SET ... PXAT, each resolved against `now_ms`, the wall clock the write ran with, as
/// feedAppendOnlyFile does. Other writes are kept as they are.
std::vector<Argv> absolute_ttls(const std::vector<Argv>& writes, std::int64_t now_ms);

/// RESP encoding of commands, as the AOF and the replication stream carry them.
std::string encode_commands(const std::vector<Argv>& commands);
/// The commands of an encoded record; nullopt when it is cut short or malformed.
std::optional<std::vector<Argv>> decode_commands(const std::string& text);

class Aof {
public:
  Aof(sim::Disk& disk, Persistence policy) : disk_(disk), policy_(policy) {}

  bool enabled() const { return policy_ != Persistence::none; }
  Persistence policy() const { return policy_; }

  /// Reads every record back, in order. Call once, at boot, before appending.
  std::vector<Argv> load();
  /// Writes one record (not yet durable).
  void append(const std::vector<Argv>& commands);
  /// Makes every record written so far durable (fsync).
  void sync();
  /// Replaces the whole file by `dataset` (a rewrite, or after a full resync), durably.
  void replace(const std::vector<Argv>& dataset);
  /// Whether the file grew enough since it was last written whole to be rewritten.
  bool wants_rewrite() const { return bytes_ >= rewrite_min_bytes && bytes_ >= 2 * base_bytes_; }
  std::uint64_t records() const { return next_ - 1; }
  std::uint64_t bytes() const { return bytes_; }

  static constexpr std::uint64_t rewrite_min_bytes = 4 << 20;

private:
  static std::string record_key(std::uint64_t index);
  void write_record(std::string text);

  sim::Disk& disk_;
  Persistence policy_;
  std::uint64_t next_ = 1;
  std::uint64_t unsynced_ = 0;
  std::uint64_t bytes_ = 0;       // size of the file
  std::uint64_t base_bytes_ = 0;  // its size when last written whole
};

/// The master this server replicates, as its configuration file says (`replicaof`); nullopt
/// for a master.
std::optional<std::string> read_replicaof(const sim::Disk& disk);
/// Rewrites the configuration file durably (CONFIG REWRITE fsyncs it).
void write_replicaof(sim::Disk& disk, const std::optional<std::string>& master);

}  // namespace redis
