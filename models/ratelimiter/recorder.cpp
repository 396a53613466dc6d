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

Request Recorder::dispatch(std::uint32_t user, std::uint16_t server) {
  ++observations_.servers[server].requests;
  Request request{user, server, world_.now(), next_id_++};
  flights_.push_back(Flight{request.arrived, server, true});
  return request;
}

void Recorder::close_flight(std::uint64_t id) {
  if (id < first_flight_) return;  // dropped with its server already
  flights_[id - first_flight_].open = false;
  while (!flights_.empty() && !flights_.front().open) {
    flights_.pop_front();
    ++first_flight_;
  }
}

void Recorder::drop_open(std::uint32_t server) {
  for (Flight& flight : flights_)
    if (flight.server == server) flight.open = false;
  while (!flights_.empty() && !flights_.front().open) {
    flights_.pop_front();
    ++first_flight_;
  }
}

void Recorder::observe(const Decided& decision) {
  sim::Instant now = world_.now();
  sim::Instant horizon = flights_.empty() || flights_.front().arrived > now ? now : flights_.front().arrived;
  // The oldest open request only gets younger, and time only moves on.
  if (horizon > horizon_) horizon_ = horizon;
  for (const auto& observer : observers_) observer->observe(decision, now, horizon_);
}

void Recorder::record_rejection(const Request& request, Path path, RejectedBy by, sim::Duration cost) {
  if (closed_) return;
  sim::Instant decided = world_.now() + cost;
  close_flight(request.id);
  observe(Decided{request.user, request.server, path, by, request.arrived, decided, decided});
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
  close_flight(request.id);
  observe(Decided{request.user, request.server, path, RejectedBy::none, request.arrived, decided, released});
  ServerTally& tally = observations_.servers[request.server];
  ++tally.admitted;
  if (without_redis(path)) ++tally.without_redis;
  world_.record_latency(limiter_latency, released - request.arrived);
  world_.trace().fold(world_.now(), servers_[request.server], "ratelimiter.admit", request.user,
                      static_cast<std::int64_t>(path));
}

void Recorder::record_unserved(const Request& request) {
  if (closed_) return;
  close_flight(request.id);
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
