#include "models/ratelimiter/placements/server.hpp"

#include <fmt/format.h>

namespace ratelimiter {

Limit share_of_limit(const Limit& limit, int servers) {
  auto up = [servers](std::int64_t n) { return (n + servers - 1) / servers; };
  Limit share = limit;
  share.count = up(limit.count);
  share.capacity = up(limit.capacity);
  share.refill = up(limit.refill);
  return share;
}

ApiServer::ApiServer(std::shared_ptr<Context> context, std::uint32_t index)
    : context_(std::move(context)),
      world_(context_->world),
      index_(index),
      node_(context_->recorder->server_node(index)),
      incarnation_(world_.node(node_).incarnation()) {
  const RateLimiterOptions& options = context_->options;
  std::uint32_t keys = context_->population->key_count();
  bool fallback = options.uses_redis() && options.on_redis_failure == FailurePolicy::local_fallback;
  if (options.placement == Placement::local || (options.placement == Placement::redis && fallback))
    memory_ = make_local_algorithm(options.algorithm, keys);
  if (options.placement == Placement::hybrid) {
    hybrid_ = std::make_unique<HybridCounters>(options.algorithm, keys);
    schedule_sync();
  }
  // The first boot is every server's; a restart is news: whatever it counted in memory is gone.
  if (incarnation_ > 0)
    context_->recorder->note(index_, "ratelimiter.restart",
                             fmt::format("restart, incarnation {}: the limiter's memory starts empty", incarnation_));
}

ApiServer::~ApiServer() {
  context_->recorder->record_lost(index_, in_flight_);
  context_->recorder->drop_open(index_);
}

std::size_t ApiServer::keys_held() const {
  if (hybrid_) return hybrid_->keys_held();
  return memory_ ? memory_->keys_held() : 0;
}

sim::WallTime ApiServer::wall_now() const { return world_.node(node_).clock().wall(world_.now()); }

sim::Instant ApiServer::after_mono(sim::Duration d) const {
  const sim::Clock& clock = world_.node(node_).clock();
  sim::Instant now = world_.now();
  return clock.when_mono_reaches(now, clock.mono(now) + d);
}

Key ApiServer::key_of(const Pending& pending) const {
  const Population& population = *context_->population;
  return pending.ip_stage ? population.ip_key(pending.request.user) : population.user_key(pending.request.user);
}

void ApiServer::handle(const Request& request) {
  switch (context_->options.placement) {
    case Placement::local: decide_in_memory(Pending{request}, *memory_, Path::local, false); break;
    case Placement::redis: ask_redis(Pending{request}); break;
    case Placement::hybrid: decide_hybrid(request); break;
  }
}

void ApiServer::decide_in_memory(const Pending& pending, LocalAlgorithm& memory, Path path, bool shared) {
  const Population& population = *context_->population;
  Pending next = pending;
  sim::WallTime now = wall_now();
  while (true) {
    Key key = key_of(next);
    Limit limit = population.limit(key);
    if (shared) limit = share_of_limit(limit, context_->options.server_count);
    Decision decision = memory.decide(key, limit, now);
    if (!decision.admitted) {
      finish(next, path, next.ip_stage ? RejectedBy::ip_key : RejectedBy::user_key, context_->options.local_cost);
      return;
    }
    next.wait = std::max(next.wait, decision.wait);
    if (next.ip_stage || !population.has_ip_keys()) break;
    next.ip_stage = true;
  }
  finish(next, path, RejectedBy::none, context_->options.local_cost);
}

void ApiServer::finish(const Pending& pending, Path path, RejectedBy rejected_by, sim::Duration cost) {
  Recorder& recorder = *context_->recorder;
  if (rejected_by != RejectedBy::none) {
    recorder.record_rejection(pending.request, path, rejected_by, cost);
  } else if (pending.wait > sim::Duration::zero()) {
    release_later(pending.request, path, world_.now() + cost, cost + pending.wait);
  } else {
    recorder.record_admission(pending.request, path, world_.now() + cost, cost);
  }
}

void ApiServer::release_later(const Request& request, Path path, sim::Instant decided, sim::Duration after) {
  ++in_flight_;
  world_.schedule_at(after_mono(after), node_, incarnation_, [this, request, path, decided] {
    --in_flight_;
    context_->recorder->record_admission(request, path, decided, sim::Duration::zero());
  });
}

}  // namespace ratelimiter
