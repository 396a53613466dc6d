#include "models/ratelimiter/recorder.hpp"

namespace ratelimiter {

Recorder::Recorder(sim::World& world, std::shared_ptr<const Population> population, std::vector<sim::NodeId> servers,
                   sim::Duration length)
    : world_(world), servers_(std::move(servers)) {
  observations_.population = std::move(population);
  observations_.length = length;
  observations_.servers.resize(servers_.size());
  for (std::uint32_t i = 0; i < servers_.size(); ++i) observations_.servers[i].name = world_.node(servers_[i]).name();
}

void Recorder::record_rejection(const Request& request, Path path, RejectedBy by, sim::Duration cost) {
  if (closed_) return;
  sim::Instant decided = world_.now() + cost;
  observations_.decided.push_back(Decided{request.user, request.server, path, by, request.arrived, decided, decided});
  ServerTally& tally = observations_.servers[request.server];
  ++tally.rejected;
  if (without_redis(path)) ++tally.without_redis;
  world_.record_latency(limiter_latency, decided - request.arrived);
  world_.trace().fold(world_.now(), servers_[request.server], "ratelimiter.reject", request.user,
                      static_cast<std::int64_t>(path) * 8 + static_cast<std::int64_t>(by));
}

void Recorder::record_admission(const Request& request, Path path, sim::Instant decided, sim::Duration cost) {
  if (closed_) return;
  sim::Instant released = world_.now() + cost;
  if (decided > released) decided = released;
  observations_.decided.push_back(Decided{request.user, request.server, path, RejectedBy::none, request.arrived,
                                          decided, released});
  ServerTally& tally = observations_.servers[request.server];
  ++tally.admitted;
  if (without_redis(path)) ++tally.without_redis;
  world_.record_latency(limiter_latency, released - request.arrived);
  world_.trace().fold(world_.now(), servers_[request.server], "ratelimiter.admit", request.user,
                      static_cast<std::int64_t>(path));
}

void Recorder::record_unserved(const Request& request) {
  if (closed_) return;
  ++observations_.servers[request.server].unserved;
  world_.trace().fold(world_.now(), servers_[request.server], "ratelimiter.unserved", request.user, 0);
}

void Recorder::record_lost(std::uint32_t server, std::uint64_t count) {
  // The World's teardown drops every process: what they held then is not a loss of the run.
  if (closed_ || count == 0 || world_.shutting_down()) return;
  observations_.servers[server].lost += count;
  note(server, "ratelimiter.requests_lost", std::to_string(count) + " requests in flight lost with the server process");
}

void Recorder::note(std::uint32_t server, std::string_view kind, const std::string& detail) {
  if (closed_) return;
  world_.trace().record(world_.now(), servers_[server], kind, detail);
}

}  // namespace ratelimiter
