#include "models/postgres/server/options.hpp"

#include <algorithm>

#include "sim/scenario/param_reader.hpp"

namespace postgres {
namespace {

using sim::Duration;

/// PostgreSQL keeps these timeouts as an int of milliseconds: 0 (off) up to INT_MAX ms.
sim::DurationRange timeout_range() { return {Duration::zero(), Duration::milliseconds(2'147'483'647)}; }

void read_timeouts(sim::ParamReader& section, ServerOptions& options) {
  options.lock_timeout = section.duration("lock_timeout", options.lock_timeout, timeout_range());
  options.statement_timeout = section.duration("statement_timeout", options.statement_timeout, timeout_range());
  options.idle_in_transaction_session_timeout = section.duration(
      "idle_in_transaction_session_timeout", options.idle_in_transaction_session_timeout, timeout_range());
  options.deadlock_timeout = section.duration("deadlock_timeout", options.deadlock_timeout,
                                              {Duration::milliseconds(1), timeout_range().max});
}

}  // namespace

const char* to_string(SynchronousCommit mode) {
  switch (mode) {
    case SynchronousCommit::off: return "off";
    case SynchronousCommit::local: return "local";
    case SynchronousCommit::remote_write: return "remote_write";
    case SynchronousCommit::on: return "on";
    case SynchronousCommit::remote_apply: return "remote_apply";
  }
  return "?";
}

ServerOptions read_postgres_options(sim::ParamReader& section) {
  ServerOptions options;
  options.max_connections = section.integer<int>("max_connections", options.max_connections, 1, 10'000);
  options.superuser_reserved_connections = section.integer<int>(
      "superuser_reserved_connections", std::min(options.superuser_reserved_connections, options.max_connections - 1),
      0, options.max_connections - 1);
  options.cores = section.integer<int>("cores", options.cores, 1, 1024);
  options.service_time = section.duration_dist("service_time", options.service_time);
  read_timeouts(section, options);
  std::string commit =
      section.choice("synchronous_commit", {"on", "off", "local", "remote_write", "remote_apply"}, "on");
  options.synchronous_commit = commit == "off"            ? SynchronousCommit::off
                               : commit == "local"        ? SynchronousCommit::local
                               : commit == "remote_write" ? SynchronousCommit::remote_write
                               : commit == "remote_apply" ? SynchronousCommit::remote_apply
                                                          : SynchronousCommit::on;
  options.fsync_time = section.duration_dist("fsync_time", options.fsync_time);
  options.wal_writer_delay = section.duration("wal_writer_delay", options.wal_writer_delay,
                                              {Duration::milliseconds(1), Duration::seconds(10)});
  section.finish();
  return options;
}

std::vector<std::pair<std::string, std::string>> describe(const ServerOptions& options) {
  auto timeout = [](Duration d) { return d == Duration::zero() ? std::string("0 (off)") : sim::to_string(d); };
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("max_connections", std::to_string(options.max_connections));
  rows.emplace_back("superuser_reserved_connections", std::to_string(options.superuser_reserved_connections));
  rows.emplace_back("cores", std::to_string(options.cores));
  rows.emplace_back("service_time", options.service_time.describe());
  rows.emplace_back("lock_timeout", timeout(options.lock_timeout));
  rows.emplace_back("statement_timeout", timeout(options.statement_timeout));
  rows.emplace_back("idle_in_transaction_session_timeout", timeout(options.idle_in_transaction_session_timeout));
  rows.emplace_back("deadlock_timeout", sim::to_string(options.deadlock_timeout));
  rows.emplace_back("synchronous_commit", to_string(options.synchronous_commit));
  rows.emplace_back("fsync_time", options.fsync_time.describe());
  if (options.synchronous_commit == SynchronousCommit::off)
    rows.emplace_back("wal_writer_delay", sim::to_string(options.wal_writer_delay));
  return rows;
}

}  // namespace postgres
