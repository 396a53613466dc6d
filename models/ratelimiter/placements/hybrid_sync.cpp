// The hybrid placement on a server: decisions from local counts, and the periodic sync that
// pushes them to Redis (one EVAL per master, or per slot in a Redis Cluster, where a script's
// keys must share a slot).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/ratelimiter/placements/server.hpp"
#include "models/ratelimiter/algorithms/units.hpp"
#include "models/redis/server/client.hpp"
#include "models/redis/server/cluster.hpp"

namespace ratelimiter {

void ApiServer::decide_hybrid(const Request& request) {
  const Population& population = *context_->population;
  sim::Duration cost = context_->options.local_cost;
  Path path = sync_failed_ ? Path::hybrid_stale : Path::hybrid;
  if (sync_failed_) {
    ++decided_without_redis_;
    FailurePolicy policy = context_->options.on_redis_failure;
    if (policy == FailurePolicy::fail_open) return finish(Pending{request}, Path::fail_open, RejectedBy::none, cost);
    if (policy == FailurePolicy::fail_closed)
      return finish(Pending{request}, Path::fail_closed, RejectedBy::no_redis, cost);
  }
  sim::WallTime now = wall_now();
  Key user = population.user_key(request.user);
  if (!hybrid_->decide(user, population.limit(user), now).admitted)
    return finish(Pending{request}, path, RejectedBy::user_key, cost);
  if (population.has_ip_keys()) {
    Key ip = population.ip_key(request.user);
    if (!hybrid_->decide(ip, population.limit(ip), now).admitted)
      return finish(Pending{request}, path, RejectedBy::ip_key, cost);
  }
  finish(Pending{request}, path, RejectedBy::none, cost);
}

void ApiServer::schedule_sync() {
  world_.schedule_at(after_mono(context_->options.sync_interval), node_, incarnation_, [this] { sync(); });
}

void ApiServer::sync() {
  schedule_sync();
  if (syncs_outstanding_ > 0) return;  // the last sync has not finished: skip a beat
  std::vector<SyncEntry> entries = hybrid_->take_sync();
  if (entries.empty()) {
    // Nothing to push; while the last sync failed, a PING finds out whether Redis is back.
    if (!sync_failed_) return;
    syncs_outstanding_ = 1;
    round_failed_ = false;
    redis::call(world_.executor(node_), context_->redis->route({}, node_), {"PING"}, context_->options.redis_timeout,
                [this](sim::error_code ec, redis::Reply reply) { on_synced({}, ec, reply); });
    return;
  }
  const Population& population = *context_->population;
  bool cluster = context_->redis->options().cluster();
  // (master, slot) -> entries, in a fixed order.
  std::map<std::pair<sim::NodeId, int>, std::vector<SyncEntry>> batches;
  for (const SyncEntry& entry : entries) {
    std::string counter = window_counter_name(population.key_name(entry.key), entry.window);
    int slot = cluster ? redis::key_slot(counter) : 0;
    batches[{context_->redis->route(counter, node_), slot}].push_back(entry);
  }
  round_failed_ = false;
  syncs_outstanding_ = batches.size();
  for (auto& [where, batch] : batches) send_sync(std::move(batch), where.first);
}

void ApiServer::send_sync(std::vector<SyncEntry> entries, sim::NodeId master) {
  const Population& population = *context_->population;
  std::vector<std::string> argv{"EVAL", sync_script(), std::to_string(entries.size())};
  for (const SyncEntry& entry : entries)
    argv.push_back(window_counter_name(population.key_name(entry.key), entry.window));
  // A counter lives two windows: its own and the next, where it is the previous one.
  sim::Duration window = sim::Duration::zero();
  for (const SyncEntry& entry : entries) window = std::max(window, population.limit(entry.key).window);
  argv.push_back(ttl_argument(window * 2));
  for (const SyncEntry& entry : entries) argv.push_back(std::to_string(entry.add));
  redis::call(world_.executor(node_), master, std::move(argv), context_->options.redis_timeout,
              [this, entries = std::move(entries)](sim::error_code ec, redis::Reply reply) {
                on_synced(entries, ec, reply);
              });
}

void ApiServer::on_synced(const std::vector<SyncEntry>& entries, sim::error_code ec, const redis::Reply& reply) {
  --syncs_outstanding_;
  ServerTally& tally = context_->recorder->tally(index_);
  bool answered = entries.empty()
                      ? !ec && !reply.is_error()
                      : !ec && reply.type == redis::Reply::Type::array && reply.elements.size() == entries.size();
  if (answered) {
    std::vector<std::int64_t> totals;
    for (const redis::Reply& element : reply.elements) totals.push_back(element.integer);
    hybrid_->settle(entries, totals);
  } else {
    ++(ec ? tally.redis_timeouts : tally.redis_errors);
    hybrid_->restore(entries);
    round_failed_ = true;
    // As a client library does: a timeout or READONLY sends it to Sentinel again.
    if (redis::needs_rediscovery(ec ? nullptr : &reply)) {
      const Population& population = *context_->population;
      std::string counter =
          entries.empty() ? std::string() : window_counter_name(population.key_name(entries.front().key),
                                                                 entries.front().window);
      context_->redis->rediscover(node_, counter, context_->options.redis_timeout);
    }
    if (!redis_failing_) {
      redis_failing_ = true;
      std::string why = ec ? "no answer within " + sim::to_string(context_->options.redis_timeout) : reply.describe();
      context_->recorder->note(index_, "ratelimiter.redis_failed",
                               fmt::format("sync with Redis failed ({}): counts are stale, deciding by {}", why,
                                           to_string(context_->options.on_redis_failure)));
    }
  }
  if (syncs_outstanding_ > 0) return;
  sync_failed_ = round_failed_;
  if (!sync_failed_) {
    ++tally.syncs;
    redis_answered();
  }
}

}  // namespace ratelimiter
