// A server's timeline history, as PostgreSQL keeps it in pg_wal's .history files: the timeline
// it is on (1 at the start) and, for each timeline it left by a promotion, the last record of
// that timeline. Records up to that point are shared with the servers that stayed on the old
// timeline; records after it are not. Kept on the node's disk, synced when a promotion writes it.
#pragma once

#include <cstdint>
#include <map>

#include "sim/kernel/disk.hpp"

namespace postgres {

struct Timelines {
  std::uint64_t current = 1;
  std::map<std::uint64_t, std::uint64_t> ends;  ///< timeline left -> its last record

  /// Whether a server on `timeline` whose WAL runs to `written` holds only records of this
  /// history, so that it can stream what follows from this server.
  bool can_follow(std::uint64_t timeline, std::uint64_t written) const;

  static Timelines read(const sim::Disk& disk);
  /// Leaves the current timeline after record `last` and writes the history (not synced).
  void branch(sim::Disk& disk, std::uint64_t last);
};

}  // namespace postgres
