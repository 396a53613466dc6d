// One PostgreSQL server process on a node. The node's boot code builds it; a restart builds it
// again from the node's disk: the declared tables with their first rows, then every WAL record
// the disk kept, replayed in order (recovery).
//
// Clients connect over the kernel's network (protocol.hpp) and get a backend each, up to
// max_connections (the last superuser_reserved_connections kept for superusers); beyond, 53300.
// A statement reaching its backend queues for one of `cores` cores and takes a sample of
// `service_time` there, then runs in the engine at the end of that time; a statement that waits
// for a lock leaves its core and sleeps, as a backend does, until the engine resumes it.
//
// Timeouts, as PostgreSQL runs them: statement_timeout from the statement's arrival (queueing
// and lock waits count); lock_timeout and deadlock_timeout from the start of each lock wait
// (the deadlock check runs once per wait); idle_in_transaction_session_timeout from the reply
// that leaves a session idle inside a transaction, ending the session (FATAL 25P03: its
// transaction aborts, its connection closes, and the client learns it at its next statement).
// now() is the wall clock of the server's node when the transaction's first statement arrived;
// clock_timestamp() its wall clock when the statement runs, so clock steps and drift show.
//
// Durability (wal.hpp): a transaction that wrote appends a commit record to the WAL buffers when
// it commits. With synchronous_commit on, COMMIT answers once a flush covering its record ends
// (flushes take `fsync_time` and do not overlap, so commits arriving during one share the next:
// group commit); with off, it answers at once and the WAL writer flushes every wal_writer_delay.
//
// Fault model: a crash loses every backend (their transactions abort: nothing of them reached
// the WAL), the queue, the WAL buffers and, for a machine crash, what was written to the disk
// but not synced. A client's query for a backend this process does not know (it restarted
// since) is answered with a closed connection, as a reset would be. The server learns that a
// client went away only from its terminate message: a client that crashed leaves its backend
// until idle_in_transaction_session_timeout ends it (TCP keepalive is not modelled).
//
// Simplifications: a transaction's rows become visible to others when COMMIT runs, before its
// flush (PostgreSQL shows them after), so a reader can see a commit that a crash during that
// fsync loses; a statement resumed after a lock wait answers without another service time; a
// lock_timeout counts from the first wait of each lock only.
//
// Replication (wal_sender.hpp, wal_receiver.hpp): a server is a primary or a hot standby, as its
// disk says (standby.signal, written at the first boot of a standby and by a demotion). A
// standby replays what its primary streams and serves reads of what it has replayed; a write
// fails with 25006 ("cannot execute INSERT in a read-only transaction") and BEGIN ISOLATION
// LEVEL SERIALIZABLE with 0A000 (PostgreSQL raises that one at the transaction's first
// statement). A commit under remote_write, on or remote_apply waits, after its local flush, for
// the synchronous standbys synchronous_standby_names picks. promote() ends recovery (every
// record written is replayed) and starts a new timeline; demote() is a failover manager's
// demotion: a fast shutdown (every session ends, FATAL 57P01) and a start as a standby of
// nobody. Conflicts between replay and standby queries (max_standby_streaming_delay) and
// cascading standbys are not modelled.
//
// Determinism: one named random stream per purpose ("postgres/<node>/service", ".../fsync");
// ordered containers only; timers run on the node's monotonic clock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "models/postgres/engine.hpp"
#include "models/postgres/server/protocol.hpp"
#include "models/postgres/server/shared.hpp"
#include "models/postgres/server/timeline.hpp"
#include "models/postgres/server/wal.hpp"
#include "models/postgres/server/wal_receiver.hpp"
#include "models/postgres/server/wal_sender.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/world.hpp"

namespace postgres {

class Server {
public:
  /// Builds the process on `node` from its disk and serves its requests. The node's boot code.
  static void boot(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared);

  Server(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// For observers outside the simulated system (checkers, tests): the committed rows.
  std::vector<Row> committed_rows(const std::string& table) const { return engine_.committed_rows(table); }
  void visit_committed_rows(const std::string& table, const std::function<void(const Row&)>& visit) const {
    engine_.visit_committed_rows(table, visit);
  }
  std::size_t backend_count() const { return backends_.size(); }
  const Wal& wal() const { return wal_; }

  enum class Role { primary, standby };
  Role role() const { return role_; }
  const Timelines& timelines() const { return timelines_; }
  /// Bytes of WAL this server has: flushed on a primary, written on a standby (what Patroni
  /// compares as a member's position).
  std::uint64_t wal_position_bytes() const;
  /// What a standby has replayed (what its reads see); a primary's flushed WAL.
  std::uint64_t replayed() const { return receiver_ ? receiver_->applied() : wal_.flushed(); }
  const WalSenders& senders() const { return *senders_; }
  /// pg_ctl promote: a standby ends recovery and becomes a primary on a new timeline.
  void promote();
  /// A failover manager's demotion of a primary (a no-op on a standby).
  void demote();
  /// A standby streams from `primary` from now on.
  void follow(sim::NodeId primary);
  /// Keeps `companion` (the failover manager's agent) as long as this process lives.
  void keep(std::shared_ptr<void> companion) { companions_.push_back(std::move(companion)); }

private:
  enum class State { idle, queued, running, blocked, flushing };
  struct Backend {
    BackendPid pid = 0;
    sim::NodeId client = sim::no_node;
    SessionId session = 0;
    State state = State::idle;
    Request request;
    std::optional<sim::Responder> responder;
    std::uint64_t statement = 0;  ///< how many statements it has been sent: names the present one
    bool cancel_pending = false;  ///< statement_timeout fired while the statement was on a core
    sim::WallTime transaction_start;
    std::uint64_t armed_wait = 0;  ///< the engine's wait whose timers are armed
  };

  // --- arrival and the cores (server.cpp) ---------------------------------------------------
  void on_message(const sim::RpcRequest& request, sim::Responder responder);
  void on_startup(const sim::RpcRequest& request, const StartupMessage& startup, sim::Responder responder);
  void on_query(const sim::RpcRequest& request, const QueryMessage& query, sim::Responder responder);
  void on_terminate(const sim::RpcRequest& request, const TerminateMessage& terminate);
  void dispatch();
  void finish_service(BackendPid pid);
  /// Runs the backend's statement in the engine (or answers it, for a timestamp).
  void run(Backend& backend);
  /// What the engine did besides answering the statement it ran: commits to log, other
  /// sessions' statements that finished, waits to arm timers for.
  void after_engine();
  /// The statement's result: answered now, or once its commit record is flushed.
  void complete(Backend& backend, Result result);
  void answer(Backend& backend, Result result, bool closed = false);
  void end_backend(BackendPid pid);
  Backend* backend_of(SessionId session);

  // --- timeouts (server_timeouts.cpp) -------------------------------------------------------
  void arm_statement_timeout(Backend& backend);
  void arm_wait_timeouts(Backend& backend);
  void arm_idle_timeout(Backend& backend);
  void on_statement_timeout(BackendPid pid, std::uint64_t statement);
  void on_wait_timeout(BackendPid pid, std::uint64_t wait, bool deadlock);
  void on_idle_timeout(BackendPid pid, std::uint64_t statement);
  void cancel(Backend& backend, const Error& error);
  template <class F>
  void after(sim::Duration delay, F&& f);

  // --- the WAL ------------------------------------------------------------------------------
  void recover();
  void on_flushed(std::uint64_t lsn);
  void wal_writer();

  // --- replication (server_roles.cpp) -------------------------------------------------------
  Role initial_role();
  void start_replication();
  std::unique_ptr<WalReceiver> make_receiver();
  bool on_replication(const sim::RpcRequest& request);
  void replication_tick();
  /// A flushed commit's answer: now, or once the synchronous standbys have it.
  void after_flush(std::uint64_t lsn, BackendPid pid);
  void release_synchronous();
  void answer_pending(BackendPid pid);
  std::optional<Error> standby_refusal(const Statement& statement) const;

  sim::WallTime wall_now() const;
  void note(std::string_view kind, const std::string& detail);
  ServerStats& stats() { return shared_->stats[node_]; }

  sim::World& world_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  std::shared_ptr<Shared> shared_;
  const ServerOptions& options_;
  Engine engine_;
  Wal wal_;
  Role role_ = Role::primary;
  Timelines timelines_;
  std::unique_ptr<WalSenders> senders_;
  std::unique_ptr<WalReceiver> receiver_;
  std::map<std::uint64_t, BackendPid> sync_waiters_;  ///< flushed commits waiting for standbys
  std::vector<std::shared_ptr<void>> companions_;
  sim::Rng service_rng_;
  std::map<BackendPid, Backend> backends_;
  /// The backends whose statement waits on a lock (State::blocked), in pid order as backends_.
  std::set<BackendPid> blocked_;
  void set_state(Backend& backend, State state) {
    backend.state = state;
    if (state == State::blocked)
      blocked_.insert(backend.pid);
    else
      blocked_.erase(backend.pid);
  }
  std::map<SessionId, BackendPid> by_session_;
  std::map<SessionId, std::uint64_t> commit_lsn_;  ///< a session's commit waiting for its flush
  std::map<std::uint64_t, BackendPid> flush_waiters_;  ///< by commit record's position
  std::map<BackendPid, Result> pending_results_;       ///< what a flush waiter answers then
  /// Connections this process ended with a FATAL error, and the error, told at their next query.
  std::map<BackendPid, Error> ended_;
  std::deque<BackendPid> run_queue_;
  int busy_cores_ = 0;
  BackendPid next_pid_;
};

}  // namespace postgres
