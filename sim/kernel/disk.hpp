// A node's disk: named records, written and then synced. Reads see every write; a crash keeps
// only what was synced (or everything, when the scenario says the crash loses nothing, as a
// process crash with the OS still up would).
//
// Determinism: records are kept in ordered maps.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sim/kernel/time.hpp"

namespace sim {

class Disk {
public:
  /// How long an fsync takes (sync_disk in disk_sync.hpp waits this long before the writes
  /// so far become durable). >= 0.
  void set_sync_latency(Duration latency) { sync_latency_ = latency; }
  Duration sync_latency() const { return sync_latency_; }

  void write(const std::string& key, std::string value) { written_[key] = std::move(value); }
  void erase(const std::string& key) { written_[key].reset(); }
  /// Makes every write so far durable (fsync).
  void sync();
  std::optional<std::string> read(const std::string& key) const;
  /// What survives a crash: synced records only, or everything when `lose_unsynced` is false.
  void crash(bool lose_unsynced);

private:
  Duration sync_latency_ = Duration::zero();
  std::map<std::string, std::string> synced_;
  std::map<std::string, std::optional<std::string>> written_;  // not yet synced; reset = erased
};

}  // namespace sim
