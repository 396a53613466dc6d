#include "models/ratelimiter/placements/hybrid.hpp"

namespace ratelimiter {

HybridCounters::HybridCounters(Algorithm algorithm, std::uint32_t key_count)
    : algorithm_(algorithm), counts_(key_count) {}

void HybridCounters::mark_dirty(Key key, Counts& c) {
  if (c.dirty) return;
  c.dirty = true;
  dirty_.push_back(key);
}

void HybridCounters::roll(Key key, Counts& c, std::int64_t window) {
  if (c.seen && c.window == window) return;
  if (!c.seen) {
    c = Counts{window, 0, 0, 0, 0, true, false};
    return;
  }
  // What this server still owes the ended window goes out with the next sync.
  if (c.unsynced > 0) leftovers_.push_back(SyncEntry{key, c.window, c.unsynced});
  std::int64_t ended = c.total + c.in_flight + c.unsynced;
  bool dirty = c.dirty;
  c = Counts{window, 0, window == c.window + 1 ? ended : 0, 0, 0, true, dirty};
}

Decision HybridCounters::decide(Key key, const Limit& limit, sim::WallTime now) {
  const std::int64_t now_ns = now.unix_ns();
  Counts& c = counts_.at(key);
  const std::int64_t length = limit.window.ns();
  std::int64_t window = floor_div(now_ns, length);
  roll(key, c, window);
  std::int64_t current = c.total + c.in_flight + c.unsynced;
  bool admit = current < limit.count;
  if (algorithm_ == Algorithm::sliding_window_counter) {
    std::int64_t elapsed = now_ns - window * length;
    __int128 weighted =
        static_cast<__int128>(c.previous) * (length - elapsed) + static_cast<__int128>(current) * length;
    admit = weighted < static_cast<__int128>(limit.count) * length;
  }
  if (!admit) return Decision{false};
  ++c.unsynced;
  mark_dirty(key, c);
  return Decision{true};
}

std::vector<SyncEntry> HybridCounters::take_sync() {
  std::vector<SyncEntry> entries;
  entries.swap(leftovers_);
  for (Key key : dirty_) {
    Counts& c = counts_.at(key);
    c.dirty = false;
    entries.push_back(SyncEntry{key, c.window, c.unsynced});
    c.in_flight += c.unsynced;
    c.unsynced = 0;
    if (algorithm_ == Algorithm::sliding_window_counter) entries.push_back(SyncEntry{key, c.window - 1, 0});
  }
  dirty_.clear();
  return entries;
}

void HybridCounters::settle(const std::vector<SyncEntry>& entries, const std::vector<std::int64_t>& totals) {
  for (std::size_t i = 0; i < entries.size() && i < totals.size(); ++i) {
    const SyncEntry& entry = entries[i];
    Counts& c = counts_.at(entry.key);
    if (entry.window == c.window) {
      c.in_flight -= entry.add;
      c.total = totals[i];
    } else if (entry.window == c.window - 1) {
      c.previous = totals[i];
    }
  }
}

void HybridCounters::restore(const std::vector<SyncEntry>& entries) {
  for (const SyncEntry& entry : entries) {
    if (entry.add == 0) continue;
    Counts& c = counts_.at(entry.key);
    if (entry.window == c.window) {
      c.in_flight -= entry.add;
      c.unsynced += entry.add;
      mark_dirty(entry.key, c);
    } else if (entry.window == c.window - 1) {
      leftovers_.push_back(entry);  // an older window no longer matters to any decision
    }
  }
}

std::string window_counter_name(const std::string& key_name, std::int64_t window) {
  auto colon = key_name.find(':');
  std::string tagged = key_name.substr(0, colon + 1) + "{" + key_name.substr(colon + 1) + "}";
  return tagged + ":" + std::to_string(window);
}

}  // namespace ratelimiter
