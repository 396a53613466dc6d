// One generator node's running process: the spec's generator behind its lock, a FIFO of the
// requests waiting for it, and (when persisted) its high-water mark. Built by the node's boot
// code, so a restart starts it afresh with only the disk surviving.
//
// Requests are queued by the load driver as they arrive (the socket backlog keeps accepting
// while the process is paused); serving is node work, so a pause holds it and a crash drops it.
// The generator serves in order: a request waiting for the next millisecond, or for the clock
// to catch up, holds every request behind it, as the spec's lock does. It never spins: it
// computes when its wall clock will read the millisecond it waits for and sleeps until then.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "models/snowflake/generator.hpp"
#include "models/snowflake/high_water_mark.hpp"
#include "models/snowflake/recorder.hpp"

namespace snowflake {

class GeneratorProcess {
public:
  /// Boots on node `index`: reads the persisted mark, when the options keep one.
  GeneratorProcess(std::shared_ptr<Recorder> recorder, std::uint32_t index);
  /// The requests it still held die with it; their clients see the connection drop.
  ~GeneratorProcess();
  GeneratorProcess(const GeneratorProcess&) = delete;
  GeneratorProcess& operator=(const GeneratorProcess&) = delete;

  /// A request arrives (called by the load driver, at its arrival time).
  void accept(const Request& request);
  std::size_t queued() const { return queue_.size(); }

private:
  void serve();
  /// Handles one attempt for the request at the head; false when serving must stop for now.
  bool settle(const Attempt& attempt);
  void start_wait(const Attempt& attempt);
  void schedule_serve(sim::Instant at);
  /// The true time at which this node's wall clock reads `target` (now, if it already does).
  sim::Instant when_wall_reads(sim::WallTime target) const;
  /// After `d` of this node's monotonic clock.
  sim::Instant after_mono(sim::Duration d) const;
  void note_boot();

  std::shared_ptr<Recorder> recorder_;
  sim::World& world_;
  std::uint32_t index_;
  sim::NodeId node_;
  std::uint32_t incarnation_;
  Generator generator_;
  std::optional<HighWaterMark> mark_;
  std::deque<Request> queue_;
  sim::Instant busy_until_;       // the lock is held this long by service_time
  bool serve_scheduled_ = false;  // a serve event is queued for this incarnation
  bool waiting_ = false;          // the head request waits (next ms or the clock)
  bool failing_ = false;          // in a streak of clock-backwards refusals
  bool stamping_logical_ = false;  // in a streak of logical timestamps
};

}  // namespace snowflake
