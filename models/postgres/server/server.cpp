#include "models/postgres/server/server.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "models/postgres/server/node_timer.hpp"
#include "models/postgres/server/server_errors.hpp"
#include "sim/kernel/assert.hpp"

namespace postgres {

void Server::boot(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared) {
  auto server = std::make_shared<Server>(world, node, std::move(shared));
  Server* raw = server.get();
  world.node(node).set_process(std::move(server));
  world.rpc().serve(node, [raw](const sim::RpcRequest& request, sim::Responder responder) {
    raw->on_message(request, std::move(responder));
  });
}

Server::Server(sim::World& world, sim::NodeId node, std::shared_ptr<Shared> shared)
    : world_(world),
      node_(node),
      incarnation_(world.node(node).incarnation()),
      shared_(std::move(shared)),
      options_(shared_->options),
      wal_(world, node, options_, [this](std::uint64_t lsn) { on_flushed(lsn); }),
      service_rng_(world.rng("postgres/" + world.node(node).name() + "/service")
                       .derive("incarnation/" + std::to_string(incarnation_))),
      next_pid_((static_cast<BackendPid>(incarnation_) << 32) + 1) {
  role_ = initial_role();
  recover();
  start_replication();
  if (options_.synchronous_commit == SynchronousCommit::off)
    after_on_node(world_, node_, incarnation_, options_.wal_writer_delay, [this] { wal_writer(); });
}

sim::WallTime Server::wall_now() const { return world_.node(node_).clock().wall(world_.now()); }

void Server::note(std::string_view kind, const std::string& detail) {
  world_.trace().record(world_.now(), node_, kind, detail);
}

template <class F>
void Server::after(sim::Duration delay, F&& f) {
  after_on_node(world_, node_, incarnation_, delay, std::forward<F>(f));
}

void Server::recover() {
  for (const TableSchema& table : shared_->tables) engine_.create_table(table);
  for (const auto& [table, rows] : shared_->initial_rows) engine_.load(table, rows);
  std::vector<CommitRecord> records = wal_.recover();
  for (const CommitRecord& record : records) engine_.replay(record);
  ++stats().boots;
  stats().replayed = records.size();
  note("postgres.boot", fmt::format("incarnation {}, {} WAL records replayed", incarnation_, records.size()));
}

// --- arrival -----------------------------------------------------------------------------------

void Server::on_message(const sim::RpcRequest& request, sim::Responder responder) {
  if (const auto* query = dynamic_cast<const QueryMessage*>(request.body.get())) {
    on_query(request, *query, std::move(responder));
  } else if (on_replication(request)) {
    return;
  } else if (const auto* startup = dynamic_cast<const StartupMessage*>(request.body.get())) {
    on_startup(request, *startup, std::move(responder));
  } else if (const auto* terminate = dynamic_cast<const TerminateMessage*>(request.body.get())) {
    on_terminate(request, *terminate);
  }
}

void Server::on_startup(const sim::RpcRequest& request, const StartupMessage& startup, sim::Responder responder) {
  auto reply = std::make_shared<StartupReply>();
  auto used = static_cast<int>(backends_.size());
  std::optional<Error> refusal;
  if (used >= options_.max_connections) refusal = errors::too_many_clients();
  else if (!startup.superuser && used >= options_.max_connections - options_.superuser_reserved_connections)
    refusal = errors::reserved_slots();
  if (refusal) {
    ++stats().refused;
    reply->result.error = refusal;
    note("postgres.refused", world_.node(request.from).name() + ": " + refusal->message);
    responder.reply(std::move(reply));
    return;
  }
  Backend backend;
  backend.pid = next_pid_++;
  backend.client = request.from;
  backend.session = engine_.connect();
  by_session_[backend.session] = backend.pid;
  reply->pid = backend.pid;
  reply->in_hot_standby = role_ == Role::standby;
  reply->result.tag = "STARTUP";
  BackendPid pid = backend.pid;
  backends_.emplace(pid, std::move(backend));
  ++stats().connections;
  stats().backends_peak = std::max(stats().backends_peak, backends_.size());
  responder.reply(std::move(reply));
}

void Server::on_query(const sim::RpcRequest& request, const QueryMessage& query, sim::Responder responder) {
  auto it = backends_.find(query.pid);
  if (it == backends_.end() || it->second.client != request.from) {
    auto reply = std::make_shared<QueryReply>();
    reply->closed = true;
    if (auto ended = ended_.find(query.pid); ended != ended_.end()) {
      reply->result.error = ended->second;
      ended_.erase(ended);
    } else {
      reply->result.error = Error{"08006", "server closed the connection unexpectedly", ""};
    }
    responder.reply(std::move(reply));
    return;
  }
  Backend& backend = it->second;
  SIM_ASSERT(backend.state == State::idle, "a client sent a statement before the last one was answered");
  backend.request = query.request;
  backend.responder = std::move(responder);
  backend.cancel_pending = false;
  ++backend.statement;
  // A statement outside a transaction block starts one: now() is when it arrived.
  if (!engine_.in_transaction_block(backend.session)) backend.transaction_start = wall_now();
  set_state(backend, State::queued);
  run_queue_.push_back(backend.pid);
  stats().queue_peak = std::max(stats().queue_peak, run_queue_.size());
  arm_statement_timeout(backend);
  dispatch();
}

void Server::on_terminate(const sim::RpcRequest& request, const TerminateMessage& terminate) {
  auto it = backends_.find(terminate.pid);
  if (it == backends_.end() || it->second.client != request.from) return;
  note("postgres.disconnect", fmt::format("backend {} of {}", terminate.pid, world_.node(request.from).name()));
  end_backend(terminate.pid);
}

void Server::end_backend(BackendPid pid) {
  Backend& backend = backends_.at(pid);
  SessionId session = backend.session;
  run_queue_.erase(std::remove(run_queue_.begin(), run_queue_.end(), pid), run_queue_.end());
  for (auto it = flush_waiters_.begin(); it != flush_waiters_.end();)
    it = it->second == pid ? flush_waiters_.erase(it) : std::next(it);
  for (auto it = sync_waiters_.begin(); it != sync_waiters_.end();)
    it = it->second == pid ? sync_waiters_.erase(it) : std::next(it);
  commit_lsn_.erase(session);
  pending_results_.erase(pid);
  by_session_.erase(session);
  blocked_.erase(pid);
  backends_.erase(pid);
  engine_.disconnect(session);
  after_engine();
}

Server::Backend* Server::backend_of(SessionId session) {
  auto it = by_session_.find(session);
  return it == by_session_.end() ? nullptr : &backends_.at(it->second);
}

// --- the cores ---------------------------------------------------------------------------------

void Server::dispatch() {
  while (busy_cores_ < options_.cores && !run_queue_.empty()) {
    BackendPid pid = run_queue_.front();
    run_queue_.pop_front();
    set_state(backends_.at(pid), State::running);
    ++busy_cores_;
    after(options_.service_time.sample(service_rng_), [this, pid] { finish_service(pid); });
  }
}

void Server::finish_service(BackendPid pid) {
  --busy_cores_;
  auto it = backends_.find(pid);
  if (it != backends_.end() && it->second.state == State::running) {
    Backend& backend = it->second;
    ++stats().statements;
    world_.trace().fold(world_.now(), node_, "postgres.statement", static_cast<std::int64_t>(pid),
                        static_cast<std::int64_t>(backend.statement));
    if (backend.cancel_pending) {
      ++stats().statement_timeouts;
      cancel(backend, errors::statement_timeout());
    } else {
      run(backend);
    }
  }
  dispatch();
}

void Server::run(Backend& backend) {
  auto timestamp = [](sim::WallTime at) {
    Result result;
    result.tag = "SELECT 1";
    result.rows.push_back({Value{at.unix_ns() / 1000}});
    return result;
  };
  if (auto* statement = std::get_if<Statement>(&backend.request)) {
    BackendPid pid = backend.pid;
    if (std::optional<Error> refusal = standby_refusal(*statement)) {
      Result refused = engine_.cancel(backend.session, *refusal);
      after_engine();
      complete(backends_.at(pid), std::move(refused));
      return;
    }
    Step step = engine_.execute(backend.session, std::move(*statement));  // the request is spent
    if (step.blocked) set_state(backend, State::blocked);
    after_engine();
    if (!step.blocked) complete(backends_.at(pid), std::move(step.result));
    return;
  }
  if (engine_.transaction_failed(backend.session)) {
    Result failed;
    failed.error =
        Error{"25P02", "current transaction is aborted, commands ignored until end of transaction block", ""};
    complete(backend, std::move(failed));
    return;
  }
  bool now = std::holds_alternative<SelectNow>(backend.request);
  complete(backend, timestamp(now ? backend.transaction_start : wall_now()));
}

void Server::after_engine() {
  for (CommitRecord& record : engine_.take_commits()) {
    SessionId session = record.session;
    std::uint64_t lsn = wal_.append(record);
    ++stats().commits_logged;
    commit_lsn_[session] = lsn;
  }
  for (Completion& done : engine_.take_completions())
    if (Backend* backend = backend_of(done.session)) {
      if (done.result.sqlstate() == "40P01") ++stats().deadlocks;
      complete(*backend, std::move(done.result));
    }
  if (!engine_.any_waiting()) return;  // no wait to time: arm_wait_timeouts would do nothing
  for (BackendPid pid : blocked_) arm_wait_timeouts(backends_.at(pid));
}

void Server::complete(Backend& backend, Result result) {
  auto committed = commit_lsn_.find(backend.session);
  if (committed == commit_lsn_.end()) {
    answer(backend, std::move(result));
    return;
  }
  std::uint64_t lsn = committed->second;
  commit_lsn_.erase(committed);
  if (options_.synchronous_commit == SynchronousCommit::off) {
    answer(backend, std::move(result));
    return;
  }
  // The answer waits in the backend for the flush; the statement's result goes with it.
  set_state(backend, State::flushing);
  pending_results_[backend.pid] = std::move(result);
  if (wal_.flushed() >= lsn) {
    after_flush(lsn, backend.pid);
    return;
  }
  flush_waiters_[lsn] = backend.pid;
  wal_.flush();
}

void Server::answer_pending(BackendPid pid) {
  Backend& backend = backends_.at(pid);
  Result result = std::move(pending_results_.at(pid));
  pending_results_.erase(pid);
  answer(backend, std::move(result));
}

void Server::on_flushed(std::uint64_t lsn) {
  ++stats().flushes;
  while (!flush_waiters_.empty() && flush_waiters_.begin()->first <= lsn) {
    auto [commit, pid] = *flush_waiters_.begin();
    flush_waiters_.erase(flush_waiters_.begin());
    after_flush(commit, pid);
  }
  if (role_ == Role::primary) {
    senders_->on_flushed(lsn);
  } else {
    receiver_->on_flushed(lsn);
  }
}

void Server::wal_writer() {
  wal_.flush();
  after(options_.wal_writer_delay, [this] { wal_writer(); });
}

void Server::answer(Backend& backend, Result result, bool closed) {
  set_state(backend, State::idle);
  auto reply = std::make_shared<QueryReply>();
  reply->result = std::move(result);
  reply->closed = closed;
  if (backend.responder) backend.responder->reply(std::move(reply));
  backend.responder.reset();
  if (engine_.in_transaction_block(backend.session)) arm_idle_timeout(backend);
}

}  // namespace postgres
