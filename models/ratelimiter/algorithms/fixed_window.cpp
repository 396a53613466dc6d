#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {
namespace {

class FixedWindow final : public LocalAlgorithm {
public:
  explicit FixedWindow(std::uint32_t key_count) : counters_(key_count) {}

  Decision decide(Key key, const Limit& limit, sim::WallTime now) override {
    const std::int64_t now_ns = now.unix_ns();
    Counter& counter = counters_.at(key);
    std::int64_t window = floor_div(now_ns, limit.window.ns());
    if (!counter.seen || counter.window != window) counter = Counter{window, 0, true};
    if (counter.count >= limit.count) return Decision{false};
    ++counter.count;
    return Decision{true};
  }
  std::size_t keys_held() const override { return counters_.size(); }

private:
  struct Counter {
    std::int64_t window = 0;
    std::int64_t count = 0;
    bool seen = false;
  };
  SlotTable<Counter> counters_;
};

}  // namespace

std::unique_ptr<LocalAlgorithm> make_fixed_window(std::uint32_t key_count) {
  return std::make_unique<FixedWindow>(key_count);
}

}  // namespace ratelimiter
