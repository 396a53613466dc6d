// The redis placement: one EVALSHA per key (EVAL after a NOSCRIPT), and the failure policy
// when Redis does not answer.
#include <fmt/format.h>

#include "models/ratelimiter/algorithms/script_call.hpp"
#include "models/ratelimiter/placements/server.hpp"
#include "models/redis/server/client.hpp"
#include "models/redis/server/cluster.hpp"

namespace ratelimiter {

void ApiServer::ask_redis(const Pending& pending, ScriptBy by) {
  const Population& population = *context_->population;
  Key key = key_of(pending);
  std::string name = population.key_name(key);
  std::vector<std::string> argv = decision_command(context_->options, name, population.limit(key), wall_now(), by);
  // Server, incarnation and a count: unique across the servers and across their restarts.
  if (uses_request_id(context_->options))
    argv.push_back(fmt::format("{}.{}.{}", context_->options.server_name(static_cast<int>(index_)), incarnation_,
                               ++scripts_sent_));
  // The key's slot, computed once: to route, and sent with the command for the server's check.
  int slot = redis::key_slot(name);
  sim::NodeId master = context_->redis->route_slot(slot, node_);
  ++in_flight_;
  redis::call(world_.executor(node_), master, std::move(argv), context_->options.redis_timeout,
              [this, pending, by, name](sim::error_code ec, redis::Reply reply) {
                --in_flight_;
                // As a client library does: a timeout or READONLY sends it to Sentinel again.
                if (redis::needs_rediscovery(ec ? nullptr : &reply))
                  context_->redis->rediscover(node_, name, context_->options.redis_timeout);
                // The server has not seen the script: send it whole, once, as a client library does.
                if (!ec && by == ScriptBy::sha && is_noscript(reply)) {
                  ask_redis(pending, ScriptBy::body);
                  return;
                }
                on_reply(pending, ec, reply);
              },
              0, slot);
}

void ApiServer::on_reply(const Pending& pending, sim::error_code ec, const redis::Reply& reply) {
  ServerTally& tally = context_->recorder->tally(index_);
  if (ec) {
    ++tally.redis_timeouts;
    redis_failed(pending, "no answer within " + sim::to_string(context_->options.redis_timeout));
    return;
  }
  std::optional<Decision> decision = read_decision(context_->options, reply);
  if (!decision) {
    ++tally.redis_errors;
    redis_failed(pending, reply.describe());
    return;
  }
  redis_answered();
  if (!decision->admitted) {
    finish(pending, Path::redis, pending.ip_stage ? RejectedBy::ip_key : RejectedBy::user_key, sim::Duration::zero());
    return;
  }
  Pending next = pending;
  next.wait = std::max(next.wait, decision->wait);
  if (!next.ip_stage && context_->population->has_ip_keys()) {
    next.ip_stage = true;
    ask_redis(next);
    return;
  }
  finish(next, Path::redis, RejectedBy::none, sim::Duration::zero());
}

void ApiServer::redis_failed(const Pending& pending, const std::string& why) {
  FailurePolicy policy = context_->options.on_redis_failure;
  if (!redis_failing_) {
    redis_failing_ = true;
    context_->recorder->note(index_, "ratelimiter.redis_failed",
                             fmt::format("Redis call failed ({}): deciding by {}", why, to_string(policy)));
  }
  ++decided_without_redis_;
  switch (policy) {
    case FailurePolicy::fail_open: finish(pending, Path::fail_open, RejectedBy::none, sim::Duration::zero()); break;
    case FailurePolicy::fail_closed:
      finish(pending, Path::fail_closed, RejectedBy::no_redis, sim::Duration::zero());
      break;
    case FailurePolicy::local_fallback: decide_in_memory(pending, *memory_, Path::fallback, true); break;
  }
}

void ApiServer::redis_answered() {
  if (!redis_failing_) return;
  redis_failing_ = false;
  context_->recorder->note(
      index_, "ratelimiter.redis_back",
      fmt::format("Redis answers again, after {} requests decided without it", decided_without_redis_));
  decided_without_redis_ = 0;
}

}  // namespace ratelimiter
