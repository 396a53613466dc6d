// The replica's side of replication: asking PSYNC, applying the master's stream as it arrives
// (the lag is the master's output and the network's: replication_output.cpp), acknowledging
// offsets, and starting over on a gap or a silent link.
#include <fmt/format.h>

#include "models/redis/server/server.hpp"

namespace redis {

std::int64_t Server::stream_now_ms() const {
  // Redis 7.0 replicates absolute deadlines, and its replicas and AOF loading never treat a key
  // as expired while applying (expireIfNeeded answers "not expired" to the master's client and
  // during loading): a clock reading of zero gives that. Redis 6.2 replicates relative TTLs
  // verbatim, which the replica resolves against its own wall clock.
  return options_.version == Version::v7_0 ? 0 : engine_now_ms();
}

void Server::on_link_message(const sim::RpcRequest& request) {
  if (!master_node_ || request.from != *master_node_) return;  // not from our master
  if (dynamic_cast<const FullSync*>(request.body.get())) link_ = LinkState::transfer;
  if (const auto* batch = dynamic_cast<const StreamBatch*>(request.body.get()); batch && batch->continues)
    link_ = LinkState::transfer;
  // Applied as it arrives, in arrival order (the link is one TCP connection).
  if (const auto* sync = dynamic_cast<const FullSync*>(request.body.get())) apply_full_sync(*sync);
  else if (const auto* batch = dynamic_cast<const StreamBatch*>(request.body.get())) apply_stream(*batch);
}

void Server::apply_full_sync(const FullSync& sync) {
  engine_.clear();
  for (const Argv& argv : sync.dataset) engine_.execute(argv, ExecContext{stream_now_ms(), false, master_connection});
  engine_.take_effects();  // a replica streams nothing
  history_.reset(sync.replid, sync.offset);
  // A replica keeps a backlog whether or not it has replicas, to serve PSYNC once promoted.
  history_.create_backlog();
  aof_.replace(sync.dataset);
  link_ = LinkState::connected;
  last_master_contact_s_ = wall_now().unix_s();
  ++stats().full_syncs;
  note("redis.replica_synced", fmt::format("full resync from {}: {} commands, offset {}, {} keys", *master_name_,
                                           sync.dataset.size(), history_.offset(), engine_.key_count()));
  send_ack();
}

void Server::apply_stream(const StreamBatch& batch) {
  if (batch.continues) {
    if (batch.start != history_.offset()) return resync("the master continued from another offset");
    if (batch.replid != history_.replid()) history_.start_lineage(batch.replid);
    history_.create_backlog();  // none yet, when this process only had an offset from its own past
    link_ = LinkState::connected;
  }
  if (link_ != LinkState::connected) return;  // waiting for the answer to PSYNC
  if (batch.replid != history_.replid()) return resync("the master's replication id changed");
  if (batch.start > history_.offset()) return resync(fmt::format("gap in the stream: at offset {}, got {}",
                                                                 history_.offset(), batch.start));
  last_master_contact_s_ = wall_now().unix_s();
  if (batch.end > history_.offset()) {
    if (batch.start < history_.offset()) return resync("the stream overlaps what was applied");
    for (const Argv& argv : batch.commands)
      engine_.execute(argv, ExecContext{stream_now_ms(), false, master_connection});
    engine_.take_effects();
    record_writes(batch.commands);
  }
  send_ack();
}

void Server::resync(const std::string& why) {
  if (link_ == LinkState::connected) note("redis.link_down", why);
  link_ = LinkState::connecting;
  send_sync_request();
}

void Server::send_sync_request() {
  if (!master_node_) return;
  // One PSYNC a second at most while no answer comes, as the replication cron reconnects.
  if (link_ == LinkState::connecting && last_sync_request_ && mono_now() - *last_sync_request_ < repl_heartbeat)
    return;
  link_ = LinkState::connecting;
  last_sync_request_ = mono_now();
  auto request = std::make_shared<SyncRequest>();
  request->replid = history_.replid();
  request->offset = history_.offset();
  world_.network().send(node_, *master_node_, std::move(request));
}

void Server::send_ack() {
  if (!master_node_) return;
  auto ack = std::make_shared<StreamAck>();
  ack->replid = history_.replid();
  ack->offset = history_.offset();
  world_.network().send(node_, *master_node_, std::move(ack));
}

void Server::replica_cron() {
  if (!master_node_) return;
  if (link_ == LinkState::connected && wall_now().unix_s() - last_master_contact_s_ > repl_timeout_s)
    resync(fmt::format("no stream from {} for {} s", *master_name_, repl_timeout_s));
  if (link_ == LinkState::connecting) send_sync_request();
  if (link_ == LinkState::connected) send_ack();
}

}  // namespace redis
