// The rate limiter run's record keeper: the API servers write every decision through it into
// the Observations, the trace, the latency metrics and the counters.
//
// Ownership: held by shared pointer by the model, the load driver and every server process, so
// it outlives whichever of the model and the World goes first.
//
// History: a decision is a compact Decided record (a run makes millions) folded into the trace
// hash; notable events (Redis failing and coming back, a boot) are trace records with text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/ratelimiter/observations.hpp"
#include "sim/kernel/world.hpp"

namespace ratelimiter {

inline constexpr std::string_view limiter_latency = "limiter_latency";

/// A request as the load balancer hands it to a server.
struct Request {
  std::uint32_t user = 0;
  std::uint16_t server = 0;
  sim::Instant arrived;
};

class Recorder {
public:
  Recorder(sim::World& world, std::shared_ptr<const Population> population, std::vector<sim::NodeId> servers,
           sim::Duration length);

  sim::World& world() const { return world_; }
  sim::NodeId server_node(std::uint32_t index) const { return servers_[index]; }
  std::uint32_t server_count() const { return static_cast<std::uint32_t>(servers_.size()); }
  ServerTally& tally(std::uint32_t server) { return observations_.servers[server]; }
  Observations& observations() { return observations_; }
  const Observations& observations() const { return observations_; }

  /// The limiter answered `request` now (plus `cost`, its CPU time); an admitted request goes
  /// on after `wait` more (a leaky bucket's queue), when record_release is called.
  void record_rejection(const Request& request, Path path, RejectedBy by, sim::Duration cost);
  /// An admitted request goes on to the API now; the limiter answered it at `decided`.
  void record_admission(const Request& request, Path path, sim::Instant decided, sim::Duration cost);
  void record_unserved(const Request& request);
  void record_lost(std::uint32_t server, std::uint64_t count);
  /// Text for the trace: notable events only.
  void note(std::uint32_t server, std::string_view kind, const std::string& detail);

  /// After the model has judged the run nothing more is recorded.
  void close() { closed_ = true; }

private:
  sim::World& world_;
  std::vector<sim::NodeId> servers_;
  Observations observations_;
  bool closed_ = false;
};

}  // namespace ratelimiter
