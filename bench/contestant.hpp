// What the measuring harness needs of anything it times: run a number of events from a
// steady state, and report the simulated time reached (to check two contestants did the same
// work).
#pragma once

#include <cstdint>
#include <string>

namespace bench {

class Contestant {
public:
  virtual ~Contestant() = default;
  /// Runs exactly `events` events (or resumes); the pending count is the same afterwards.
  virtual void run(std::uint64_t events) = 0;
  /// Simulated time reached, in nanoseconds.
  virtual std::int64_t now_ns() const = 0;
};

}  // namespace bench
