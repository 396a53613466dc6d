// One Redis server process on a node. The node's boot code builds it; a restart builds it again
// with only what the node's disk had synced (its AOF and its configuration file).
//
// Like real Redis it has one thread: commands arriving over the network wait in one FIFO and
// run one at a time, each taking a sample of `service_time`, and the reply leaves when the
// command is done, so load queues. A command runs with the node's WALL clock in ms (key expiry
// is wall-clock time in Redis), while timers (active expiry `hz` times a second, the once-a-second
// fsync and replication heartbeats) run on its monotonic clock.
//
// The server answers what the engine does not: WAIT (per connection), REPLICAOF/SLAVEOF, ROLE,
// INFO replication, and in a cluster READONLY/READWRITE, MOVED and CROSSSLOT. A replica refuses
// writes (READONLY), does not expire keys itself but applies its master's DELs, and a master
// with min_replicas_to_write refuses writes without enough recent replicas (NOREPLICAS).
//
// Fault model: a crash loses the queue, blocked WAITs, the replicas' output buffers and whatever
// the AOF had not synced; a pause holds every timer and command until it ends. The replication
// stream runs over the kernel's network, so partitions, loss and delay all reach it. The
// replication lag lives on the master's side, where Redis's lag does: each message to a replica
// waits `replication_lag` before it leaves, first in the replica's output buffer (the process's
// memory) and, once written, in the socket's send buffer (the machine's kernel, up to
// `send_buffer_bytes`), then crosses the network; a replica applies what it receives at once. So a
// process crash loses the output buffer but the kernel still sends what was written, while a
// machine crash or a partition loses both.
//
// Simplifications: replication messages are applied outside the command FIFO (they cost no
// service time), and so are full resyncs and AOF rewrites (instant, no fork); commands are not
// pipelined per connection (a connection blocked in WAIT does not hold back its later commands).
//
// Determinism: one named random stream per purpose ("redis/<node>/service", ".../expire",
// ".../replid", ".../lag": the master's, one draw per message to a replica); ordered containers
// only.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/redis/server/client.hpp"
#include "models/redis/server/cluster_topology.hpp"
#include "models/redis/engine/engine.hpp"
#include "models/redis/server/persistence.hpp"
#include "models/redis/server/persistence_snapshot.hpp"
#include "models/redis/replication/replication.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/world.hpp"

namespace redis {

class Server {
public:
  /// A replica's link to its master, as ROLE names the states: waiting for the master to answer
  /// PSYNC ("connecting"), loading its answer ("sync"), streaming ("connected").
  enum class LinkState { connecting, transfer, connected };

  /// Builds the process on `node` from its disk and serves its requests. The node's boot code.
  static void boot(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology);

  Server(sim::World& world, sim::NodeId node, std::shared_ptr<Topology> topology);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  bool is_master() const { return !master_name_; }
  /// The node it replicates, when it is a replica of a known node.
  std::optional<sim::NodeId> master() const { return master_node_; }
  bool link_up() const { return link_ == LinkState::connected; }
  std::uint64_t offset() const { return history_.offset(); }
  const std::string& replid() const { return history_.replid(); }
  bool has_backlog() const { return history_.has_backlog(); }
  std::size_t attached_replicas() const { return replicas_.all().size(); }
  /// For observers outside the simulated system (checkers): the string stored under `key`, if
  /// any, expired or not, as the server holds it now, without touching anything.
  std::optional<std::string> stored_value(const std::string& key) const { return engine_.peek(key); }
  std::size_t key_count() const { return engine_.key_count(); }
  std::uint64_t memory_bytes() const { return engine_.memory_bytes(); }

private:
  struct Pending {
    std::uint64_t connection = 0;
    std::shared_ptr<const Command> command;
    sim::Responder responder;
  };
  /// A message to one replica, waiting to leave the master.
  struct Outgoing {
    sim::MessagePtr body;
    std::uint64_t bytes = 0;
    sim::Instant leaves;  // when replication_lag lets it go
  };
  /// The master's side of one replica's link: Redis's output buffer for the replica (in the
  /// process), and what it has written to the socket and the kernel has not yet sent.
  struct OutputLink {
    std::deque<Outgoing> buffer;
    std::deque<std::pair<sim::Instant, std::uint64_t>> in_kernel;  // when each leaves, its bytes
    std::uint64_t kernel_bytes = 0;
    sim::Instant tail;          // when the last message queued leaves (keeps them in order)
    bool writable_armed = false;  // a wake-up for when the kernel has room again is scheduled
  };
  struct Waiter {  // a client blocked in WAIT
    std::uint64_t offset = 0;
    int numreplicas = 0;
    std::optional<sim::WallTime> deadline;  // on this server's wall clock, whole ms
    sim::Responder responder;
  };

  // --- arrival and the single thread (server.cpp) ----------------------------------------------
  void on_message(const sim::RpcRequest& request, sim::Responder responder);
  std::uint64_t connection_id(sim::NodeId from, std::uint64_t connection);
  void start_next();
  void finish_head();
  /// Runs one command; nullopt when the client is blocked and will be answered later.
  std::optional<Reply> run(Pending& pending);
  std::optional<Reply> intercept(const std::string& name, Pending& pending);
  std::optional<Reply> refuse(const std::string& name, const Pending& pending);
  void answer(sim::Responder& responder, Reply reply);

  // --- timers -------------------------------------------------------------------------------------
  void cron();
  void every_second();
  void schedule_after(sim::Duration delay, void (Server::*what)());

  // --- persistence and the write path -----------------------------------------------------------
  void load_aof();
  /// Keeps writes applied to the engine: backlog (if any), key index, AOF (synced now under always).
  void record_writes(const std::vector<Argv>& writes);
  /// A master's writes: recorded, then streamed to its replicas. Returns whether there were any.
  bool propagate(std::vector<Argv> effects);

  // --- master side (replication_master.cpp) ------------------------------------------------
  std::optional<Reply> wait_command(Pending& pending);
  void on_sync_request(sim::NodeId from, const std::string& replid, std::uint64_t offset);
  void on_ack(sim::NodeId from, const StreamAck& ack);
  void wake_waiters();
  void expire_waiters();
  void unblock_all_waiters(const std::string& error);
  void send_heartbeats();

  // --- the master's output to its replicas (replication_output.cpp) ------------------------------
  /// Queues `body` for `replica` behind everything queued before it, replication_lag later.
  void send_to_replica(sim::NodeId replica, sim::MessagePtr body, std::uint64_t bytes);
  /// Writes what the kernel has room for to the socket, and waits for room for the rest.
  void write_output(sim::NodeId replica);
  /// A new connection from `replica` (or none any more): its old output buffer is freed.
  void reset_output(sim::NodeId replica);
  /// The first replica's sync on a master without a backlog.
  void create_backlog();
  void drop_silent_replicas();
  /// Counts the replicas min-replicas-to-write accepts (Redis's refreshGoodSlavesCount).
  void refresh_good_replicas();
  /// After repl-backlog-ttl with no replica attached.
  void free_idle_backlog();

  // --- replica side (replication_replica.cpp) -----------------------------------------------
  void on_link_message(const sim::RpcRequest& request);
  void apply_full_sync(const FullSync& sync);
  void apply_stream(const StreamBatch& batch);
  void send_sync_request();
  /// A gap or a foreign lineage in the stream: the link drops and PSYNC starts again.
  void resync(const std::string& why);
  void send_ack();
  void replica_cron();
  std::int64_t stream_now_ms() const;

  // --- roles (replication_role.cpp) -------------------------------------------------------------
  Reply replicaof_command(const std::vector<std::string>& argv);
  void become_master();
  void become_replica(const std::string& master_name);
  Reply role_reply() const;
  Reply info_replication() const;
  std::string fresh_replid();

  sim::WallTime wall_now() const;
  /// The engine's clock: the wall clock in whole Unix ms (Redis's mstime()), the unit the
  /// keyspace keeps expiry deadlines in. Where a reading becomes the engine's number.
  std::int64_t engine_now_ms() const { return wall_now().unix_ms(); }
  sim::MonoTime mono_now() const;
  sim::Rng stream(const std::string& purpose) const;
  void note(std::string_view kind, const std::string& detail);
  ServerStats& stats() { return topology_->stats[node_]; }

  sim::World& world_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  std::shared_ptr<Topology> topology_;
  const RedisOptions& options_;
  Engine engine_;
  Aof aof_;
  History history_;
  sim::Rng service_rng_;
  sim::Rng expire_rng_;
  sim::Rng replid_rng_;
  sim::Rng lag_rng_;

  std::deque<Pending> queue_;
  bool busy_ = false;
  std::map<std::pair<sim::NodeId, std::uint64_t>, std::uint64_t> connections_;
  std::map<std::uint64_t, std::uint64_t> last_write_offset_;  // per connection (WAIT)
  std::set<std::uint64_t> readonly_connections_;               // cluster READONLY
  int cron_ticks_ = 0;

  // master side
  ReplicaSet replicas_;
  std::list<Waiter> waiters_;
  std::int64_t no_replicas_since_s_ = 0;  // wall clock, s: when the last replica went (backlog ttl)
  std::map<sim::NodeId, OutputLink> outputs_;
  int good_replicas_ = 0;  // min-replicas: refreshed every second and as replicas come and go

  // replica side
  std::optional<std::string> master_name_;  // set: a replica (of this name)
  std::optional<sim::NodeId> master_node_;
  LinkState link_ = LinkState::connecting;
  std::int64_t last_master_contact_s_ = 0;            // wall clock, as repl-timeout measures
  std::optional<sim::MonoTime> last_sync_request_;    // PSYNC is retried by the cron
};

/// Connection id the server uses for its master's stream (clients get ids from 1 up).
inline constexpr std::uint64_t master_connection = 0;

}  // namespace redis
