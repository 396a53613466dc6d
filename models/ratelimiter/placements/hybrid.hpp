// The hybrid placement's per-server state: each server counts locally, per key and per window
// aligned to its clock, and every sync_interval pushes what it admitted to per-window counters
// in Redis and reads back the totals of every server. Between syncs a server decides with the
// last totals it read plus its own counts since, so the servers together can admit up to a
// sync interval's worth of requests each beyond the limit: the price of keeping Redis off the
// request path.
//
// fixed_window admits while total < limit; sliding_window_counter weights the previous
// window's total by how much of it still overlaps (as the local algorithm does).
//
// Determinism: flat per-key tables; keys to sync are kept in the order they became dirty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {

/// One counter in a sync: this server's count to add (0: only read) to (key, window).
struct SyncEntry {
  Key key = 0;
  std::int64_t window = 0;
  std::int64_t add = 0;
};

class HybridCounters {
public:
  HybridCounters(Algorithm algorithm, std::uint32_t key_count);

  /// Decides with the local view, counting the request when admitted.
  Decision decide(Key key, const Limit& limit, sim::WallTime now);

  /// The counters to push now; their counts are in flight until settle() or restore().
  std::vector<SyncEntry> take_sync();
  /// The sync succeeded: `totals[i]` is Redis's count for entries[i] after it.
  void settle(const std::vector<SyncEntry>& entries, const std::vector<std::int64_t>& totals);
  /// The sync failed: its counts wait for the next one.
  void restore(const std::vector<SyncEntry>& entries);

  std::size_t keys_held() const { return counts_.size(); }

private:
  struct Counts {
    std::int64_t window = 0;
    std::int64_t total = 0;     // Redis's count for `window` at the last sync, our pushes included
    std::int64_t previous = 0;  // the same for window - 1
    std::int64_t unsynced = 0;  // admitted here since, not yet sent
    std::int64_t in_flight = 0;  // sent, not yet answered
    bool seen = false;
    bool dirty = false;
  };
  void roll(Key key, Counts& c, std::int64_t window);
  void mark_dirty(Key key, Counts& c);

  Algorithm algorithm_;
  SlotTable<Counts> counts_;
  std::vector<Key> dirty_;
  std::vector<SyncEntry> leftovers_;  // counts of windows that ended before they were pushed
};

/// "rate_limit:{user_123}:29455920": the hash tag keeps a key's windows in one cluster slot.
std::string window_counter_name(const std::string& key_name, std::int64_t window);

}  // namespace ratelimiter
