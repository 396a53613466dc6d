// A server's part in replication: its role at boot, the messages of the stream, synchronous
// commits, promotion and demotion.
#include <algorithm>
#include <fmt/format.h>

#include "models/postgres/server/node_timer.hpp"
#include "models/postgres/server/server.hpp"
#include "models/postgres/server/server_errors.hpp"

namespace postgres {
namespace {

const char* const standby_signal = "postgres/standby.signal";

std::string strength_sql(LockStrength strength) {
  switch (strength) {
    case LockStrength::key_share: return "SELECT FOR KEY SHARE";
    case LockStrength::share: return "SELECT FOR SHARE";
    case LockStrength::no_key_update: return "SELECT FOR NO KEY UPDATE";
    case LockStrength::update: return "SELECT FOR UPDATE";
  }
  return "SELECT FOR UPDATE";
}

Error read_only(const std::string& command) {
  return Error{"25006", "cannot execute " + command + " in a read-only transaction", ""};
}

}  // namespace

Server::Role Server::initial_role() {
  sim::Disk& disk = world_.node(node_).disk();
  bool first_boot = stats().boots == 0;
  auto standby_of = shared_->standby_of.find(node_);
  if (first_boot && standby_of != shared_->standby_of.end()) {
    disk.write(standby_signal, world_.node(standby_of->second).name());
    disk.sync();
  }
  // Under a failover manager a server that starts again starts read-only: its agent promotes it
  // only once it holds the leader key.
  if (!first_boot && options_.patroni.enabled && !disk.read(standby_signal)) {
    disk.write(standby_signal, "");
    disk.sync();
  }
  timelines_ = Timelines::read(disk);
  return disk.read(standby_signal) ? Role::standby : Role::primary;
}

std::unique_ptr<WalReceiver> Server::make_receiver() {
  return std::make_unique<WalReceiver>(world_, node_, options_, timelines_, wal_, [this](std::uint64_t lsn) {
    engine_.replay(decode(*world_.node(node_).disk().read(Wal::disk_key(lsn))));
  });
}

void Server::start_replication() {
  senders_ = std::make_unique<WalSenders>(world_, node_, options_, timelines_);
  if (role_ == Role::standby) {
    receiver_ = make_receiver();
    std::string primary = *world_.node(node_).disk().read(standby_signal);
    for (sim::NodeId server : shared_->servers)
      if (world_.node(server).name() == primary) receiver_->follow(server);
  }
  if (options_.standbys > 0)
    after_on_node(world_, node_, incarnation_, WalSenders::resend_after, [this] { replication_tick(); });
}

bool Server::on_replication(const sim::RpcRequest& request) {
  const sim::MessageBody* body = request.body.get();
  if (const auto* start = dynamic_cast<const StartReplication*>(body)) {
    if (role_ == Role::primary) senders_->on_start(request.from, *start, wal_.flushed());
  } else if (const auto* status = dynamic_cast<const StandbyStatus*>(body)) {
    if (role_ == Role::primary && senders_->on_status(request.from, *status)) release_synchronous();
  } else if (const auto* data = dynamic_cast<const WalData*>(body)) {
    if (role_ == Role::standby) receiver_->on_data(request.from, *data);
  } else {
    return false;
  }
  return true;
}

void Server::replication_tick() {
  if (role_ == Role::primary) {
    senders_->check(wal_.flushed());
  } else {
    receiver_->tick();
  }
  after_on_node(world_, node_, incarnation_, WalSenders::resend_after, [this] { replication_tick(); });
}

void Server::after_flush(std::uint64_t lsn, BackendPid pid) {
  if (role_ == Role::primary && senders_->waits_for_standbys(options_.synchronous_commit)) {
    sync_waiters_[lsn] = pid;
    release_synchronous();
    return;
  }
  answer_pending(pid);
}

void Server::release_synchronous() {
  if (sync_waiters_.empty()) return;
  std::uint64_t reached = senders_->synchronous_position(options_.synchronous_commit);
  while (!sync_waiters_.empty() && sync_waiters_.begin()->first <= reached) {
    BackendPid pid = sync_waiters_.begin()->second;
    sync_waiters_.erase(sync_waiters_.begin());
    answer_pending(pid);
  }
}

std::optional<Error> Server::standby_refusal(const Statement& statement) const {
  if (role_ != Role::standby) return std::nullopt;
  if (std::holds_alternative<Insert>(statement)) return read_only("INSERT");
  if (std::holds_alternative<Update>(statement)) return read_only("UPDATE");
  if (std::holds_alternative<Delete>(statement)) return read_only("DELETE");
  if (const auto* select = std::get_if<Select>(&statement); select && select->locking)
    return read_only(strength_sql(select->locking->strength));
  if (const auto* begin = std::get_if<Begin>(&statement); begin && begin->isolation == Isolation::serializable)
    return Error{"0A000", "cannot use serializable mode in a hot standby", "You can use REPEATABLE READ instead."};
  return std::nullopt;
}

std::uint64_t Server::wal_position_bytes() const {
  return wal_.bytes(role_ == Role::primary ? wal_.flushed() : wal_.appended());
}

void Server::promote() {
  if (role_ != Role::standby) return;
  receiver_->finish_recovery();
  sim::Disk& disk = world_.node(node_).disk();
  timelines_.branch(disk, wal_.appended());
  disk.erase(standby_signal);
  disk.sync();
  role_ = Role::primary;
  ++stats().promotions;
  note("postgres.promote", fmt::format("timeline {} from record {}", timelines_.current, wal_.appended() + 1));
}

void Server::demote() {
  if (role_ != Role::primary) return;
  std::vector<BackendPid> pids;
  for (const auto& [pid, backend] : backends_) pids.push_back(pid);
  Error shutdown{"57P01", "terminating connection due to administrator command", ""};
  for (BackendPid pid : pids) {
    Backend& backend = backends_.at(pid);
    if (backend.responder) {
      Result result;
      result.error = shutdown;
      answer(backend, std::move(result), true);
    } else {
      ended_[pid] = shutdown;
    }
    end_backend(pid);
  }
  sync_waiters_.clear();
  senders_ = std::make_unique<WalSenders>(world_, node_, options_, timelines_);
  sim::Disk& disk = world_.node(node_).disk();
  disk.write(standby_signal, "");
  disk.sync();
  role_ = Role::standby;
  if (receiver_) {
    receiver_->resume();
  } else {
    receiver_ = make_receiver();
  }
  ++stats().demotions;
  note("postgres.demote", fmt::format("{} sessions ended", pids.size()));
}

void Server::follow(sim::NodeId primary) {
  if (role_ == Role::standby) receiver_->follow(primary);
}

}  // namespace postgres
