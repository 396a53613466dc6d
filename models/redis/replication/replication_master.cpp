// The master's side of replication: answering PSYNC, counting acknowledgements, heartbeats, the
// backlog's life (created for the first replica, freed after repl-backlog-ttl without one), and
// WAIT, which blocks a client until enough replicas acknowledged its connection's last write.
#include <charconv>
#include <fmt/format.h>

#include "models/redis/server/server.hpp"

namespace redis {
namespace {

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// "+CONTINUE <replid>\r\n", the answer to PSYNC ahead of the stream.
constexpr std::uint64_t continue_reply_bytes = 52;

}  // namespace

std::optional<Reply> Server::wait_command(Pending& pending) {
  const Argv& argv = pending.command->argv;
  if (argv.size() != 3) return Reply::error("ERR wrong number of arguments for 'wait' command");
  if (!is_master())
    return Reply::error(
        "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is "
        "configured to be writable (which is not the default) writes to replicas are just local and are not "
        "propagated.");
  std::optional<std::int64_t> numreplicas = parse_integer(argv[1]);
  if (!numreplicas) return Reply::error("ERR value is not an integer or out of range");
  std::optional<std::int64_t> timeout = parse_integer(argv[2]);
  if (!timeout) return Reply::error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return Reply::error("ERR timeout is negative");
  // Only this connection's writes count: a fresh connection waits for nothing and gets the
  // number of replicas at once.
  std::uint64_t offset = 0;
  if (auto it = last_write_offset_.find(pending.connection); it != last_write_offset_.end()) offset = it->second;
  int acked = replicas_.count_acked(offset);
  if (acked >= *numreplicas) return Reply::from_integer(acked);
  // Blocking timeouts are absolute times on the wall clock (mstime() + timeout), as in Redis 7.0.
  std::optional<sim::WallTime> deadline;
  if (*timeout > 0) deadline = wall_now().whole_ms() + sim::Duration::milliseconds(*timeout);
  waiters_.push_back(Waiter{offset, static_cast<int>(std::min<std::int64_t>(*numreplicas, 1 << 20)), deadline,
                            std::move(pending.responder)});
  // Checked again just past the deadline and at every cron tick (which also catches clock steps).
  if (*timeout > 0) schedule_after(sim::Duration::milliseconds(*timeout + 1), &Server::expire_waiters);
  return std::nullopt;
}

void Server::wake_waiters() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    int acked = replicas_.count_acked(it->offset);
    if (acked >= it->numreplicas) {
      answer(it->responder, Reply::from_integer(acked));
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::expire_waiters() {
  sim::WallTime now = wall_now().whole_ms();
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->deadline && *it->deadline < now) {
      answer(it->responder, Reply::from_integer(replicas_.count_acked(it->offset)));
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void Server::unblock_all_waiters(const std::string& error) {
  for (Waiter& waiter : waiters_) answer(waiter.responder, Reply::error(error));
  waiters_.clear();
}

void Server::on_sync_request(sim::NodeId from, const std::string& replid, std::uint64_t offset) {
  if (!is_master()) return;  // chained replication is not modelled
  const std::string& name = world_.node(from).name();
  if (history_.can_continue(replid, offset)) {
    replicas_.attach(from, offset, wall_now().unix_s());
    auto batch = std::make_shared<StreamBatch>();
    batch->replid = history_.replid();
    batch->start = offset;
    batch->end = history_.offset();
    batch->commands = history_.since(offset);
    batch->continues = true;
    note("redis.psync",
         fmt::format("{} continues from offset {}: {} commands to send", name, offset, batch->commands.size()));
    reset_output(from);
    std::uint64_t bytes = continue_reply_bytes + (batch->end - batch->start);
    send_to_replica(from, std::move(batch), bytes);
    return;
  }
  replicas_.attach(from, 0, wall_now().unix_s());
  refresh_good_replicas();
  if (!history_.has_backlog()) create_backlog();
  auto sync = std::make_shared<FullSync>();
  sync->replid = history_.replid();
  sync->offset = history_.offset();
  sync->dataset = dump_dataset(engine_);
  note("redis.full_resync", fmt::format("{} asked from offset {}: full resync of {} commands at offset {}", name,
                                        offset, sync->dataset.size(), sync->offset));
  reset_output(from);
  std::uint64_t bytes = 0;
  for (const Argv& argv : sync->dataset) bytes += stream_bytes(argv);
  send_to_replica(from, std::move(sync), bytes);
}

void Server::on_ack(sim::NodeId from, const StreamAck& ack) {
  if (!is_master()) return;
  bool was_online = replicas_.all().count(from) != 0 && replicas_.all().at(from).online;
  if (!replicas_.ack(from, ack.offset, wall_now().unix_s())) {
    // A replica this process does not know (it restarted, or dropped the replica): the
    // replica's acknowledgement finds a reset connection, and it connects again.
    on_sync_request(from, ack.replid, ack.offset);
    return;
  }
  if (!was_online) refresh_good_replicas();  // it just came online (putSlaveOnline)
  wake_waiters();
}

void Server::create_backlog() {
  // Redis's syncCommand: a backlog made from scratch has no valid past, so it starts a new
  // lineage (a new replication id, the second one cleared) at the offset the master is at.
  history_.reset(fresh_replid(), history_.offset());
  history_.create_backlog();
  note("redis.backlog_created", fmt::format("replication backlog created at offset {}, replication id {}",
                                            history_.offset(), history_.replid().substr(0, 8)));
}

void Server::drop_silent_replicas() {
  std::int64_t wall_s = wall_now().unix_s();
  std::vector<sim::NodeId> dropped = replicas_.drop_silent(wall_s);
  for (sim::NodeId node : dropped) reset_output(node);
  if (!dropped.empty()) refresh_good_replicas();
  for (sim::NodeId node : dropped)
    note("redis.replica_dropped",
         fmt::format("{} sent no acknowledgement for {} s", world_.node(node).name(), repl_timeout_s));
  // The backlog's time to live counts from the moment the last replica went.
  if (!dropped.empty() && replicas_.all().empty()) no_replicas_since_s_ = wall_s;
}

void Server::free_idle_backlog() {
  if (!history_.has_backlog() || !replicas_.all().empty()) return;
  std::int64_t idle_s = wall_now().unix_s() - no_replicas_since_s_;
  if (idle_s <= repl_backlog_ttl_s) return;
  // A new lineage too, as Redis does: from now on writes no longer move the offset, so the old
  // id must stop naming this history (demoted later, this node could otherwise PSYNC by it with a
  // replica promoted meanwhile and keep writes that replica never had).
  history_.reset(fresh_replid(), history_.offset());
  history_.free_backlog();
  note("redis.backlog_freed", fmt::format("replication backlog freed after {} s without replicas", repl_backlog_ttl_s));
}

void Server::send_heartbeats() {
  auto ping = std::make_shared<StreamBatch>();
  ping->replid = history_.replid();
  ping->start = ping->end = history_.offset();
  for (sim::NodeId replica : replicas_.nodes()) send_to_replica(replica, ping, stream_bytes({"PING"}));
}

void Server::refresh_good_replicas() {
  good_replicas_ = replicas_.count_good(wall_now().unix_s(), options_.min_replicas_max_lag.ms() / 1000);
}

}  // namespace redis
