#include <algorithm>

#include "models/ratelimiter/algorithms/local_algorithm.hpp"
#include "models/ratelimiter/algorithms/slot_table.hpp"

namespace ratelimiter {
namespace {

// Tokens are counted in units of 1 / window_ns of a token, so refilling is exact: `elapsed`
// nanoseconds add elapsed * refill units, and one token is window_ns units.
class TokenBucket final : public LocalAlgorithm {
public:
  explicit TokenBucket(std::uint32_t key_count) : buckets_(key_count) {}

  Decision decide(Key key, const Limit& limit, sim::WallTime now) override {
    const std::int64_t now_ns = now.unix_ns();
    Bucket& bucket = buckets_.at(key);
    const __int128 token = limit.window.ns();
    const __int128 full = token * limit.capacity;
    if (!bucket.seen) {
      bucket = Bucket{full, now_ns, true};
    } else if (now_ns > bucket.refilled_at) {
      __int128 added = static_cast<__int128>(now_ns - bucket.refilled_at) * limit.refill;
      bucket.units = std::min(full, bucket.units + added);
      bucket.refilled_at = now_ns;
    }
    // A clock stepped back adds nothing until it passes refilled_at again.
    if (bucket.units < token) return Decision{false};
    bucket.units -= token;
    return Decision{true};
  }
  std::size_t keys_held() const override { return buckets_.size(); }

private:
  struct Bucket {
    __int128 units = 0;
    std::int64_t refilled_at = 0;
    bool seen = false;
  };
  SlotTable<Bucket> buckets_;
};

}  // namespace

std::unique_ptr<LocalAlgorithm> make_token_bucket(std::uint32_t key_count) {
  return std::make_unique<TokenBucket>(key_count);
}

}  // namespace ratelimiter
