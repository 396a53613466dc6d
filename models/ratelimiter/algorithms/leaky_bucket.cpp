#include <algorithm>

#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {
namespace {

// The leaky bucket as a queue: requests leave at one per interval; an admitted request waits
// until its slot. `next_free` is the clock reading at which the next request may leave.
class LeakyBucket final : public LocalAlgorithm {
public:
  explicit LeakyBucket(std::uint32_t key_count) : queues_(key_count) {}

  Decision decide(Key key, const Limit& limit, sim::WallTime now) override {
    const std::int64_t now_ns = now.unix_ns();
    Queue& queue = queues_.at(key);
    const std::int64_t interval = limit.interval().ns();
    std::int64_t slot = queue.seen ? std::max(now_ns, queue.next_free) : now_ns;
    std::int64_t wait = slot - now_ns;
    if (static_cast<__int128>(wait) > static_cast<__int128>(interval) * limit.capacity) return Decision{false};
    queue = Queue{slot + interval, true};
    return Decision{true, sim::Duration::nanoseconds(wait)};
  }
  std::size_t keys_held() const override { return queues_.size(); }

private:
  struct Queue {
    std::int64_t next_free = 0;
    bool seen = false;
  };
  SlotTable<Queue> queues_;
};

}  // namespace

std::unique_ptr<LocalAlgorithm> make_leaky_bucket(std::uint32_t key_count) {
  return std::make_unique<LeakyBucket>(key_count);
}

}  // namespace ratelimiter
