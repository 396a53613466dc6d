// Fault windows: which kind of fault is in force now, so that latencies can be split by it
// ("pause" while any pause lasts, else "partition", else "other_fault", else "no_fault"), and
// when the faults last changed anything, for checkers that judge recovery after the last fault.
// The fault injector owns the windows; the World only asks, through FaultWindowView, which one
// is open when it records a latency, and what the faults did so far, for checkers that judge as
// the run goes (World::fault_activity). Models never read either.
//
// Determinism: windows are counted per kind in an ordered map and stamped in true time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/kernel/time.hpp"

namespace sim {

/// What a run's faults did, as the run layer hands it to checkers that judge recovery.
struct FaultActivity {
  std::optional<Instant> last_change;  ///< last moment a fault began, ended or took effect
  bool open_at_end = false;            ///< a fault window was still open when the run ended
};

/// What the World asks when it files a latency, or when a checker asks what the faults did so far.
class FaultWindowView {
public:
  virtual ~FaultWindowView() = default;
  /// "pause", "partition", "other_fault" or "no_fault".
  virtual std::string_view fault_window() const = 0;
  /// The faults' activity up to now (open_at_end: a window is open now).
  virtual FaultActivity activity() const = 0;
};

/// Open windows by kind ("pause", "partition", "crash", "link"), each counted, since faults of
/// one kind overlap.
class FaultWindows {
public:
  void open(std::string_view kind, Instant now);
  void close(std::string_view kind, Instant now);
  /// A fault took effect without a window (a clock step) or was recorded.
  void touch(Instant now) { last_change_ = now; }
  std::string_view current() const;
  FaultActivity activity() const { return FaultActivity{last_change_, current() != "no_fault"}; }

private:
  bool active(std::string_view kind) const;

  std::map<std::string, int, std::less<>> open_;
  std::optional<Instant> last_change_;
};

}  // namespace sim
