// The clients: requests for ids arriving at each generator node, at a constant rate or as a
// Poisson process, driven as plain kernel events (one pending arrival per node, never one
// coroutine per request). Arrivals belong to no node, so a crash does not stop them: a request
// that finds its node down fails at once as unavailable; one that finds it paused is queued
// and waits.
//
// Determinism: node i's Poisson gaps come from the stream "snowflake/arrivals/gen-i"; constant
// arrivals fall at exact integer times.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/snowflake/recorder.hpp"
#include "sim/kernel/random.hpp"

namespace snowflake {

class LoadDriver {
public:
  LoadDriver(std::shared_ptr<Recorder> recorder, sim::Duration length);
  /// Queues each node's first arrival. Arrivals stop at `length`.
  void start();

private:
  struct Source {
    sim::Rate rate;
    sim::Rng rng;
    sim::Instant phase;         // constant arrivals: node i is offset by i/n of a gap
    std::int64_t arrivals = 0;  // constant arrivals: how many so far
  };
  void arrive(std::uint32_t index);
  sim::Instant next_arrival(Source& source, sim::Instant now);
  void schedule(std::uint32_t index, sim::Instant at);

  std::shared_ptr<Recorder> recorder_;
  sim::Instant end_;
  std::vector<Source> sources_;
  std::uint64_t next_request_ = 0;
};

}  // namespace snowflake
