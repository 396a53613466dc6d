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
// Determinism: one named random stream per purpose ("postgres/<node>/service", ".../fsync");
// ordered containers only; timers run on the node's monotonic clock.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "models/postgres/engine.hpp"
#include "models/postgres/server/protocol.hpp"
#include "models/postgres/server/shared.hpp"
#include "models/postgres/server/wal.hpp"
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
  std::size_t backend_count() const { return backends_.size(); }
  const Wal& wal() const { return wal_; }

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
  sim::Rng service_rng_;
  std::map<BackendPid, Backend> backends_;
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
