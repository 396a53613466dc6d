#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {
namespace {

// estimate = previous * (window - elapsed) / window + current, compared with the limit in
// exact integers: previous * (window - elapsed) + current * window < count * window.
class SlidingWindowCounter final : public LocalAlgorithm {
public:
  explicit SlidingWindowCounter(std::uint32_t key_count) : counters_(key_count) {}

  Decision decide(Key key, const Limit& limit, sim::WallTime now) override {
    const std::int64_t now_ns = now.unix_ns();
    Counters& c = counters_.at(key);
    const std::int64_t length = limit.window.ns();
    std::int64_t window = floor_div(now_ns, length);
    roll(c, window);
    std::int64_t elapsed = now_ns - window * length;
    __int128 weighted =
        static_cast<__int128>(c.previous) * (length - elapsed) + static_cast<__int128>(c.current) * length;
    if (weighted >= static_cast<__int128>(limit.count) * length) return Decision{false};
    ++c.current;
    return Decision{true};
  }
  std::size_t keys_held() const override { return counters_.size(); }

private:
  struct Counters {
    std::int64_t window = 0;
    std::int64_t current = 0;
    std::int64_t previous = 0;
    bool seen = false;
  };
  static void roll(Counters& c, std::int64_t window) {
    if (c.seen && window == c.window) return;
    // A clock stepped back into an earlier window starts it afresh: that window's count is gone.
    std::int64_t previous = c.seen && window == c.window + 1 ? c.current : 0;
    c = Counters{window, 0, previous, true};
  }
  SlotTable<Counters> counters_;
};

}  // namespace

std::unique_ptr<LocalAlgorithm> make_sliding_window_counter(std::uint32_t key_count) {
  return std::make_unique<SlidingWindowCounter>(key_count);
}

}  // namespace ratelimiter
