// The rate limiter run's record keeper: the API servers write every decision through it into
// the Observations, the trace, the latency metrics and the counters.
//
// Ownership: held by shared pointer by the model, the load driver and every server process, so
// it outlives whichever of the model and the World goes first.
//
// History: a decision is a compact Decided record (a run makes millions) folded into the trace
// hash and handed to the observers, never kept; notable events (Redis failing and coming back,
// a boot) are trace records with text.
//
// In flight: every request the load driver dispatches is numbered and counted open until it is
// recorded (admitted, rejected, unserved) or lost with its server's process, so the observers
// can be told up to when every request's outcome is known (the horizon). Only the requests
// from the oldest one still open onward are kept, 16 bytes each.
#pragma once

#include <cstdint>
#include <deque>
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
  std::uint64_t id = 0;  ///< numbered by the recorder in the order dispatched
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

  /// A request for `user` reaches `server` now: counted, numbered and open until recorded.
  Request dispatch(std::uint32_t user, std::uint16_t server);
  /// Each decision is handed to `observer` as it is made.
  void watch(std::shared_ptr<DecisionObserver> observer) { observers_.push_back(std::move(observer)); }

  /// The limiter answered `request` now (plus `cost`, its CPU time); an admitted request goes
  /// on after `wait` more (a leaky bucket's queue), when record_release is called.
  void record_rejection(const Request& request, Path path, RejectedBy by, sim::Duration cost);
  /// An admitted request goes on to the API now; the limiter answered it at `decided`.
  void record_admission(const Request& request, Path path, sim::Instant decided, sim::Duration cost);
  void record_unserved(const Request& request);
  void record_lost(std::uint32_t server, std::uint64_t count);
  /// The server's process is gone: the requests it held open will never be recorded.
  void drop_open(std::uint32_t server);
  /// Text for the trace: notable events only.
  void note(std::uint32_t server, std::string_view kind, const std::string& detail);

  /// After the model has judged the run nothing more is recorded.
  void close() { closed_ = true; }

private:
  /// A dispatched request, from the oldest still open.
  struct Flight {
    sim::Instant arrived;
    std::uint16_t server = 0;
    bool open = true;
  };
  void observe(const Decided& decision);
  void close_flight(std::uint64_t id);

  sim::World& world_;
  std::vector<sim::NodeId> servers_;
  Observations observations_;
  std::vector<std::shared_ptr<DecisionObserver>> observers_;
  std::deque<Flight> flights_;
  std::uint64_t first_flight_ = 0;  ///< the id of flights_.front()
  std::uint64_t next_id_ = 0;
  sim::Instant horizon_;
  bool closed_ = false;
};

}  // namespace ratelimiter
