// A persisted high-water mark for last_timestamp: a timestamp written ahead of every id issued
// and synced before the id leaves, so a restarted generator knows a millisecond it may start
// after. Writing `reserve` ahead costs one disk sync per `reserve` of clock time instead of one
// per id; the price is that a restart starts up to `reserve` ahead of its wall clock.
//
// Fault model: the mark is synced before the id it covers is issued, so a crash that loses
// unsynced writes never loses a mark an issued id relied on.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/kernel/disk.hpp"
#include "sim/kernel/time.hpp"

namespace snowflake {

class HighWaterMark {
public:
  HighWaterMark(sim::Disk& disk, sim::Duration reserve);

  /// The mark the disk holds: no id was issued with a timestamp at or past it.
  std::optional<std::int64_t> load() const;
  /// Makes the mark lie past `timestamp_ms`; true when that took a write and a sync.
  bool cover(std::int64_t timestamp_ms);

private:
  sim::Disk& disk_;
  std::int64_t reserve_ms_;
  std::optional<std::int64_t> mark_ms_;
};

}  // namespace snowflake
