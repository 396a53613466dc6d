#include <algorithm>
#include <vector>

#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {
namespace {

// The spec's algorithm in memory: the log is kept sorted (a clock stepped back inserts in the
// middle, as a sorted set does), and dropped entries are skipped by a head index that is
// compacted once it passes half the log.
class SlidingWindowLog final : public LocalAlgorithm {
public:
  explicit SlidingWindowLog(std::uint32_t key_count) : logs_(key_count) {}

  Decision decide(Key key, const Limit& limit, sim::WallTime now) override {
    const std::int64_t now_ns = now.unix_ns();
    Log& log = logs_.at(key);
    // ZREMRANGEBYSCORE key 0 (now - window): drop entries at or before the window's start.
    std::int64_t window_start = now_ns - limit.window.ns();
    while (log.head < log.times.size() && log.times[log.head] <= window_start) ++log.head;
    if (log.head > 0 && log.head * 2 >= log.times.size()) {
      log.times.erase(log.times.begin(), log.times.begin() + static_cast<std::ptrdiff_t>(log.head));
      log.head = 0;
    }
    auto count = static_cast<std::int64_t>(log.times.size() - log.head);
    if (count >= limit.count) return Decision{false};
    log.times.insert(
        std::upper_bound(log.times.begin() + static_cast<std::ptrdiff_t>(log.head), log.times.end(), now_ns), now_ns);
    return Decision{true};
  }
  std::size_t keys_held() const override { return logs_.size(); }

private:
  struct Log {
    std::vector<std::int64_t> times;
    std::size_t head = 0;
  };
  SlotTable<Log> logs_;
};

}  // namespace

std::unique_ptr<LocalAlgorithm> make_sliding_window_log(std::uint32_t key_count) {
  return std::make_unique<SlidingWindowLog>(key_count);
}

}  // namespace ratelimiter
