// Asynchronous master-replica replication as Redis does it: the master appends every write
// (as the engine's effects) to its backlog and streams it to its replicas with a replication
// offset (bytes of the RESP stream); a replica applies the stream in order and acknowledges
// the offset it reached (REPLCONF ACK). As in Redis, a master has a backlog only from its first
// replica's sync on (which also starts a new lineage) until repl-backlog-ttl without replicas;
// without one its offset stands still. A replica keeps a backlog from its first sync on, so it
// can serve PSYNC once promoted. A replica that (re)connects asks PSYNC <replid>
// <offset>: the master continues from there when its history holds that point in the same
// lineage and its backlog still holds that point (PSYNC2: a promoted replica also accepts its
// old master's id up to the promotion offset), or sends its whole dataset (full resync), which
// replaces the replica's.
//
// Fault model: every message can be lost, delayed or cut by a partition; a replica that sees
// a gap in the offsets, or no stream for repl-timeout, asks again. What a master acknowledged
// but never streamed is lost when a replica is promoted in its place.
//
// Determinism: ordered containers only; replication ids come from named random streams.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sim/kernel/network.hpp"
#include "sim/kernel/time.hpp"

namespace redis {

using Argv = std::vector<std::string>;

/// Bytes of `argv` in the replication stream, as RESP encodes a command (`*N\r\n$len\r\n...`).
std::uint64_t stream_bytes(const Argv& argv);

/// How long a link may stay silent before either side gives it up (repl-timeout, 60 s). Redis
/// measures it on the wall clock in whole seconds (server.unixtime), so a step moves it too.
inline constexpr std::int64_t repl_timeout_s = 60;
/// How often a master pings its replicas and a replica acknowledges (a simplification of
/// repl-ping-replica-period 10 s and the replica's 1 s REPLCONF ACK: both every second here).
inline constexpr sim::Duration repl_heartbeat = sim::Duration::seconds(1);
/// How long a master keeps its backlog with no replica attached (repl-backlog-ttl, 3600 s), on
/// the wall clock in whole seconds as Redis's replication cron measures it (server.unixtime).
inline constexpr std::int64_t repl_backlog_ttl_s = 3600;

/// The replication backlog: the latest writes, each with the offset it ends at, in one lineage
/// (replication id), trimmed to repl-backlog-size bytes of stream as Redis keeps it. It may not
/// exist (a master that never had a replica): then nothing is kept, the offset does not move and
/// no PSYNC can continue.
class History {
public:
  struct Entry {
    std::uint64_t end_offset = 0;
    Argv argv;
  };
  /// repl-backlog-size: 1 MB by default.
  static constexpr std::uint64_t default_backlog_bytes = 1 << 20;

  explicit History(std::string replid = {}, std::uint64_t backlog_bytes = default_backlog_bytes)
      : replid_(std::move(replid)), backlog_bytes_(backlog_bytes) {}

  const std::string& replid() const { return replid_; }
  std::uint64_t offset() const { return offset_; }
  std::size_t size() const { return entries_.size(); }
  bool has_backlog() const { return has_backlog_; }

  /// Starts keeping writes from the current offset (Redis's createReplicationBacklog); nothing
  /// when there is a backlog already.
  void create_backlog();
  /// Drops the backlog (freeReplicationBacklog); the offset stays where it is.
  void free_backlog();
  /// Appends one write; returns the offset it ends at. Without a backlog, nothing: the offset.
  std::uint64_t append(Argv argv);
  /// Whether a replica at (replid, offset) can continue from here without a full resync.
  bool can_continue(const std::string& replid, std::uint64_t offset) const;
  /// The writes after `offset`, which can_continue accepted.
  std::vector<Argv> since(std::uint64_t offset) const;
  /// A lineage with no valid past (a full resync, a backlog created or freed): this id at this
  /// offset, no second id, an empty backlog if there is one.
  void reset(std::string replid, std::uint64_t offset);
  /// A promotion: a new lineage that still continues the old one up to here (PSYNC2).
  void start_lineage(std::string replid);

private:
  std::string replid_;
  std::uint64_t backlog_bytes_;
  std::string replid2_;             // the lineage continued, after a promotion
  std::uint64_t second_offset_ = 0;  // up to where replid2_ is valid
  std::uint64_t start_offset_ = 0;
  std::uint64_t offset_ = 0;
  bool has_backlog_ = false;
  std::deque<Entry> entries_;
};

// --- messages of the replication link ---------------------------------------------------------

/// Replica to master: PSYNC replid offset.
struct SyncRequest final : sim::MessageBody {
  std::string replid;
  std::uint64_t offset = 0;
  std::string describe() const override;
};

/// Master to replica: FULLRESYNC replid offset, with the whole dataset as commands (the RDB).
struct FullSync final : sim::MessageBody {
  std::string replid;
  std::uint64_t offset = 0;
  std::vector<Argv> dataset;
  std::string describe() const override;
};

/// Master to replica: the writes from `start` to `end` (none: a heartbeat ping).
struct StreamBatch final : sim::MessageBody {
  std::string replid;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::vector<Argv> commands;
  /// The answer to PSYNC (+CONTINUE <replid>): the replica takes on the master's lineage.
  bool continues = false;
  std::string describe() const override;
};

/// Replica to master: REPLCONF ACK offset (with the lineage, so a master that does not know the
/// replica, having restarted, can take it as a new connection).
struct StreamAck final : sim::MessageBody {
  std::string replid;
  std::uint64_t offset = 0;
  std::string describe() const override;
};

/// What a master knows of its replicas: who is attached and the offset each acknowledged.
class ReplicaSet {
public:
  struct Replica {
    std::uint64_t ack_offset = 0;
    bool online = false;              ///< acknowledged since attaching (state "online")
    std::int64_t last_ack_wall_s = 0;  ///< the master's wall clock at the last acknowledgement, s
  };

  void attach(sim::NodeId node, std::uint64_t offset, std::int64_t wall_s);
  bool contains(sim::NodeId node) const { return replicas_.count(node) != 0; }
  /// Records an acknowledgement; false when the replica is not attached.
  bool ack(sim::NodeId node, std::uint64_t offset, std::int64_t wall_s);
  /// Replicas silent for more than repl-timeout are dropped; returns them.
  std::vector<sim::NodeId> drop_silent(std::int64_t wall_s);
  void clear() { replicas_.clear(); }

  /// Online replicas that acknowledged `offset` or more (replicationCountAcksByOffset).
  int count_acked(std::uint64_t offset) const;
  /// Online replicas whose last acknowledgement is at most `max_lag_s` old (min-replicas).
  int count_good(std::int64_t wall_s, std::int64_t max_lag_s) const;
  std::vector<sim::NodeId> nodes() const;
  const std::map<sim::NodeId, Replica>& all() const { return replicas_; }

private:
  std::map<sim::NodeId, Replica> replicas_;
};

}  // namespace redis
