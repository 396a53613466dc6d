#include "models/lock/design.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "models/lock/context.hpp"
#include "models/redis/server/client.hpp"
#include "sim/kernel/assert.hpp"

namespace lock {

sim::MonoTime ClientIo::mono_now() const { return context.world.node(node).clock().mono(context.world.now()); }

sim::WallTime ClientIo::wall_now() const { return context.world.node(node).clock().wall(context.world.now()); }

sim::Instant ClientIo::when_mono(sim::MonoTime target) const {
  const sim::Clock& clock = context.world.node(node).clock();
  return clock.when_mono_reaches(context.world.now(), target);
}

std::string ClientIo::new_value() {
  static constexpr char hex[] = "0123456789abcdef";
  std::string value(40, '0');
  for (std::size_t i = 0; i < value.size(); i += 2) {
    auto byte = static_cast<unsigned>(rng.below(256));
    value[i] = hex[byte >> 4];
    value[i + 1] = hex[byte & 15];
  }
  return value;
}

sim::Task<std::optional<redis::Reply>> ClientIo::redis(sim::NodeId server, std::vector<std::string> argv,
                                                       sim::Duration timeout) {
  sim::error_code ec;
  redis::Reply reply = co_await redis::call(ex, server, std::move(argv), timeout,
                                            boost::asio::redirect_error(sim::use_awaitable, ec),
                                            static_cast<std::uint64_t>(index) + 1);
  if (ec) co_return std::nullopt;
  co_return reply;
}

void ClientIo::redis_detached(sim::NodeId server, std::vector<std::string> argv, sim::Duration timeout) {
  redis::call(ex, server, std::move(argv), timeout, [](sim::error_code, const redis::Reply&) {},
              static_cast<std::uint64_t>(index) + 1);
}

const std::string& release_script() {
  static const std::string text =
      "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"del\",KEYS[1]) else return 0 end";
  return text;
}

const std::string& extend_script() {
  static const std::string text =
      "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"pexpire\",KEYS[1],ARGV[2]) else return 0 end";
  return text;
}

sim::Duration retry_pause(ClientIo& io) {
  auto bound = static_cast<std::uint64_t>(io.context.options.retry_delay.ns());
  return sim::Duration::nanoseconds(static_cast<std::int64_t>(io.rng.below(bound)));
}

Holder make_holder(ClientIo& io, int deployment, sim::NodeId node, const std::string& value) {
  std::optional<Recorder::Execution> ran = io.context.recorder->execution(node, value);
  SIM_ASSERT(ran.has_value(), "a lock command was acknowledged that no server was seen to run");
  Holder h;
  h.deployment = deployment;
  h.node = node;
  h.incarnation = io.context.world.node(node).incarnation();
  h.set_at = ran->at;
  h.acked_at = io.context.world.now();
  h.ttl_ms = io.context.options.ttl.ms();
  h.deadline_wall_ms = ran->deadline_wall_ms;
  return h;
}

std::int64_t redis_service_order(const std::vector<Holder>& holders, int quorum) {
  std::vector<sim::Instant> set_at;
  for (const Holder& h : holders) set_at.push_back(h.set_at);
  std::sort(set_at.begin(), set_at.end());
  SIM_ASSERT(quorum >= 1 && static_cast<std::size_t>(quorum) <= set_at.size(), "a grant without its quorum");
  return (set_at[static_cast<std::size_t>(quorum) - 1] - sim::Instant::zero()).ns();
}

void ClientIo::believe(Acquired& lock, std::int64_t service_order) {
  Grant grant;
  grant.client = index;
  grant.token = lock.token;
  grant.key = context.key;
  grant.value = lock.value;
  grant.service_order = service_order;
  grant.valid_until = when_mono(lock.valid_until);
  grant.holders = lock.holders;
  bool token_follows = context.options.design != Design::consensus && context.options.token != TokenSource::none;
  lock.epoch = context.recorder->granted(attempt, std::move(grant), token_follows);
}

void ClientIo::stop_believing(const Acquired& lock, std::string reason) {
  context.recorder->ended(lock.epoch, std::move(reason));
}

std::vector<std::string> release_command(const ClientIo& io, const Acquired& lock) {
  return {"EVAL", release_script(), "1", io.context.key, lock.value};
}

std::vector<std::string> extend_command(const ClientIo& io, const Acquired& lock) {
  return {"EVAL", extend_script(), "1", io.context.key, lock.value, std::to_string(io.context.options.ttl.ms())};
}

sim::Task<void> LockDesign::guarded_write(ClientIo&, const Acquired&, std::uint64_t) {
  SIM_ASSERT(false, "this lock design has no store for guarded writes (the options allow txn only for consensus)");
  co_return;
}

std::unique_ptr<LockDesign> make_design(const Context& context, sim::NodeId node) {
  if (context.options.design == Design::consensus) return make_consensus_design(context, node);
  return make_redis_design(context);
}

bool is_ok(const std::optional<redis::Reply>& reply) {
  return reply && reply->type == redis::Reply::Type::status && reply->text == "OK";
}

bool is_one(const std::optional<redis::Reply>& reply) {
  return reply && reply->type == redis::Reply::Type::integer && reply->integer == 1;
}

sim::Task<std::optional<std::int64_t>> fetch_token(ClientIo& io) {
  const Context& context = io.context;
  const redis::Deployment* source = nullptr;
  if (context.options.token == TokenSource::incr) source = context.lock_redis.front().get();
  if (context.options.token == TokenSource::counter) source = context.counter.get();
  if (source == nullptr) co_return std::int64_t{0};
  std::vector<std::string> incr{"INCR", context.fence_key};
  std::optional<redis::Reply> reply =
      co_await io.redis(source->route(context.fence_key, io.node), std::move(incr), context.options.redis_timeout);
  if (!reply || reply->type != redis::Reply::Type::integer) co_return std::nullopt;
  co_return reply->integer;
}

}  // namespace lock
