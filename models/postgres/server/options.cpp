#include "models/postgres/server/options.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "models/postgres/server/replication_options.hpp"
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

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = text.find(',', start);
    std::string name = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (name.empty()) throw std::invalid_argument("an empty standby name");
    names.push_back(name);
    if (comma == std::string::npos) return names;
    start = comma + 1;
  }
}

/// Reads "n (names)" after FIRST or ANY (or alone).
void read_counted(const std::string& text, SynchronousStandbys& sync) {
  std::size_t open = text.find('(');
  if (open == std::string::npos || text.back() != ')') throw std::invalid_argument("expected n (name, ...)");
  std::string count = trim(text.substr(0, open));
  if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos || count.size() > 2)
    throw std::invalid_argument("expected a number of standbys before '('");
  sync.count = std::stoi(count);
  if (sync.count < 1) throw std::invalid_argument("the number of synchronous standbys must be at least 1");
  sync.names = split_names(text.substr(open + 1, text.size() - open - 2));
  if (sync.count > static_cast<int>(sync.names.size()) && sync.names != std::vector<std::string>{"*"})
    throw std::invalid_argument("more synchronous standbys asked for than names given");
}

bool starts_with_word(const std::string& text, const std::string& word) {
  if (text.size() <= word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return text[word.size()] == ' ' || text[word.size()] == '(';
}

void read_replication(sim::ParamReader& section, ServerOptions& options) {
  options.standbys = section.integer<int>("standbys", options.standbys, 0, 8);
  std::string sync = section.string("synchronous_standby_names", "");
  try {
    options.synchronous_standby_names = parse_synchronous_standby_names(sync);
  } catch (const std::invalid_argument& e) {
    section.fail("synchronous_standby_names", e.what());
  }
  options.wal_sender_timeout =
      section.duration("wal_sender_timeout", options.wal_sender_timeout, {Duration::seconds(1), Duration::minutes(60)});
  options.wal_receiver_timeout = section.duration("wal_receiver_timeout", options.wal_receiver_timeout,
                                                  {Duration::seconds(1), Duration::minutes(60)});
  options.wal_receiver_status_interval =
      section.duration("wal_receiver_status_interval", options.wal_receiver_status_interval,
                       {Duration::milliseconds(100), Duration::minutes(60)});
  options.replay_time = section.duration_dist("replay_time", options.replay_time);
}

void read_failover(sim::ParamReader& section, ServerOptions& options) {
  int servers = options.standbys + 1;
  for (sim::ParamReader& item : section.section_list("promote")) {
    Promotion promotion;
    promotion.at = item.duration("at", {Duration::zero(), Duration::minutes(24 * 60)});
    promotion.node = item.string("node");
    std::string prefix = "postgres-";
    bool known = false;
    for (int i = 2; i <= servers; ++i) known = known || promotion.node == prefix + std::to_string(i);
    if (!known) item.fail("node", "names no standby (postgres-2 .. postgres-" + std::to_string(servers) + ")");
    item.finish();
    options.promote.push_back(promotion);
  }
  if (!section.has("patroni")) return;
  if (options.standbys == 0) section.fail("patroni", "needs standbys of at least 1");
  sim::ParamReader patroni = section.section("patroni");
  PatroniOptions& p = options.patroni;
  p.enabled = true;
  p.ttl = patroni.duration("ttl", p.ttl, {Duration::seconds(2), Duration::minutes(60)});
  p.loop_wait = patroni.duration("loop_wait", p.loop_wait, {Duration::milliseconds(100), Duration::minutes(60)});
  p.retry_timeout =
      patroni.duration("retry_timeout", p.retry_timeout, {Duration::milliseconds(100), Duration::minutes(60)});
  p.maximum_lag_on_failover = patroni.integer<std::uint64_t>("maximum_lag_on_failover", p.maximum_lag_on_failover, 0,
                                                             std::uint64_t{1} << 40);
  patroni.finish();
}

}  // namespace

int SynchronousStandbys::priority(const std::string& standby) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == standby || names[i] == "*") return static_cast<int>(i);
  return -1;
}

std::string SynchronousStandbys::describe() const {
  if (count == 0) return "'' (none: asynchronous)";
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return std::string(method == Method::any ? "ANY " : "FIRST ") + std::to_string(count) + " (" + list + ")";
}

SynchronousStandbys parse_synchronous_standby_names(const std::string& raw) {
  SynchronousStandbys sync;
  std::string text = trim(raw);
  if (text.empty()) return sync;
  if (starts_with_word(text, "FIRST")) {
    read_counted(trim(text.substr(5)), sync);
  } else if (starts_with_word(text, "ANY")) {
    sync.method = SynchronousStandbys::Method::any;
    read_counted(trim(text.substr(3)), sync);
  } else if (std::isdigit(static_cast<unsigned char>(text[0]))) {
    read_counted(text, sync);
  } else {
    sync.count = 1;
    sync.names = split_names(text);
  }
  return sync;
}

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

namespace {

ServerOptions read_server(sim::ParamReader& section) {
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
  return options;
}

}  // namespace

ServerOptions read_postgres_options(sim::ParamReader& section) {
  ServerOptions options = read_server(section);
  section.finish();
  return options;
}

ServerOptions read_replicated_postgres_options(sim::ParamReader& section) {
  ServerOptions options = read_server(section);
  read_replication(section, options);
  read_failover(section, options);
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
  // Rows only for what is set, so a server without standbys describes itself as before.
  if (options.standbys > 0) {
    rows.emplace_back("standbys", std::to_string(options.standbys));
    rows.emplace_back("synchronous_standby_names", options.synchronous_standby_names.describe());
    rows.emplace_back("wal_sender_timeout", sim::to_string(options.wal_sender_timeout));
    rows.emplace_back("wal_receiver_timeout", sim::to_string(options.wal_receiver_timeout));
    rows.emplace_back("wal_receiver_status_interval", sim::to_string(options.wal_receiver_status_interval));
    rows.emplace_back("replay_time", options.replay_time.describe());
  }
  for (const Promotion& p : options.promote) rows.emplace_back("promote", p.node + " at " + sim::to_string(p.at));
  if (options.patroni.enabled)
    rows.emplace_back("patroni", "ttl " + sim::to_string(options.patroni.ttl) + ", loop_wait " +
                                     sim::to_string(options.patroni.loop_wait) + ", retry_timeout " +
                                     sim::to_string(options.patroni.retry_timeout) + ", maximum_lag_on_failover " +
                                     std::to_string(options.patroni.maximum_lag_on_failover) + " bytes");
  return rows;
}

}  // namespace postgres
