// The server's timeouts: statement_timeout, lock_timeout, deadlock_timeout and
// idle_in_transaction_session_timeout, each a timer on the node's monotonic clock that finds
// out, when it fires, whether what it was armed for is still there (the same statement, the
// same wait, the same idle spell).
#include <algorithm>
#include <fmt/format.h>

#include "models/postgres/server/node_timer.hpp"
#include "models/postgres/server/server.hpp"
#include "models/postgres/server/server_errors.hpp"

namespace postgres {

void Server::arm_statement_timeout(Backend& backend) {
  if (options_.statement_timeout == sim::Duration::zero()) return;
  after_on_node(world_, node_, incarnation_, options_.statement_timeout,
                [this, pid = backend.pid, statement = backend.statement] { on_statement_timeout(pid, statement); });
}

void Server::arm_wait_timeouts(Backend& backend) {
  std::uint64_t wait = engine_.wait_id(backend.session);
  if (wait == 0 || wait == backend.armed_wait) return;
  backend.armed_wait = wait;
  BackendPid pid = backend.pid;
  after_on_node(world_, node_, incarnation_, options_.deadlock_timeout,
                [this, pid, wait] { on_wait_timeout(pid, wait, true); });
  if (options_.lock_timeout != sim::Duration::zero())
    after_on_node(world_, node_, incarnation_, options_.lock_timeout,
                  [this, pid, wait] { on_wait_timeout(pid, wait, false); });
}

void Server::arm_idle_timeout(Backend& backend) {
  if (options_.idle_in_transaction_session_timeout == sim::Duration::zero()) return;
  after_on_node(world_, node_, incarnation_, options_.idle_in_transaction_session_timeout,
                [this, pid = backend.pid, statement = backend.statement] { on_idle_timeout(pid, statement); });
}

void Server::on_statement_timeout(BackendPid pid, std::uint64_t statement) {
  auto it = backends_.find(pid);
  if (it == backends_.end() || it->second.statement != statement) return;
  Backend& backend = it->second;
  switch (backend.state) {
    case State::idle:
    case State::flushing: return;  // answered, or a commit waiting for its flush (not cancellable)
    case State::running: backend.cancel_pending = true; return;
    case State::queued:
      run_queue_.erase(std::remove(run_queue_.begin(), run_queue_.end(), pid), run_queue_.end());
      break;
    case State::blocked: break;
  }
  ++stats().statement_timeouts;
  note("postgres.statement_timeout", fmt::format("backend {}", pid));
  cancel(backend, errors::statement_timeout());
}

void Server::on_wait_timeout(BackendPid pid, std::uint64_t wait, bool deadlock) {
  auto it = backends_.find(pid);
  if (it == backends_.end() || it->second.state != State::blocked) return;
  Backend& backend = it->second;
  if (engine_.wait_id(backend.session) != wait) return;
  if (deadlock) {
    if (engine_.check_deadlock(backend.session))
      note("postgres.deadlock", fmt::format("backend {} cancelled (40P01)", pid));
    after_engine();
    return;
  }
  ++stats().lock_timeouts;
  note("postgres.lock_timeout", fmt::format("backend {}", pid));
  cancel(backend, errors::lock_timeout());
}

void Server::on_idle_timeout(BackendPid pid, std::uint64_t statement) {
  auto it = backends_.find(pid);
  if (it == backends_.end() || it->second.statement != statement || it->second.state != State::idle) return;
  if (!engine_.in_transaction_block(it->second.session)) return;
  ++stats().idle_timeouts;
  note("postgres.idle_timeout", fmt::format("backend {} ended (25P03)", pid));
  ended_[pid] = errors::idle_in_transaction_timeout();
  end_backend(pid);
}

void Server::cancel(Backend& backend, const Error& error) {
  BackendPid pid = backend.pid;
  Result result = engine_.cancel(backend.session, error);
  after_engine();
  complete(backends_.at(pid), std::move(result));
}

}  // namespace postgres
