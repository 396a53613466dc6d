#include "models/queue/partitioner.hpp"

#include <algorithm>

namespace queue {

std::int32_t murmur2(std::string_view bytes) {
  constexpr std::uint32_t seed = 0x9747b28c;
  constexpr std::uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  auto length = static_cast<std::uint32_t>(bytes.size());
  std::uint32_t h = seed ^ length;
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])); };
  std::size_t words = bytes.size() / 4;
  for (std::size_t i = 0; i < words; ++i) {
    std::size_t at = i * 4;
    std::uint32_t k = byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  std::size_t tail = words * 4;
  switch (bytes.size() % 4) {
    case 3: h ^= byte(tail + 2) << 16; [[fallthrough]];
    case 2: h ^= byte(tail + 1) << 8; [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

int partition_for_key(std::string_view key, int partitions) {
  auto positive = static_cast<std::uint32_t>(murmur2(key)) & 0x7fffffffU;
  return static_cast<int>(positive % static_cast<std::uint32_t>(partitions));
}

}  // namespace queue

namespace queue {

std::string key_name(int key) { return "key-" + std::to_string(key); }

KeyedRouting::KeyedRouting(int keys, int partitions)
    : keys_(keys), by_partition_(static_cast<std::size_t>(partitions)) {
  for (int k = 0; k < keys; ++k)
    by_partition_[static_cast<std::size_t>(partition_for_key(key_name(k), partitions))].push_back(k);
}

// Message g carries key g mod K: every full round of K messages brings each of the partition's
// keys once, and the partial round the keys below n mod K.
std::int64_t KeyedRouting::count_below(int partition, std::int64_t n) const {
  const std::vector<int>& mine = keys_of(partition);
  std::int64_t rounds = n / keys_;
  auto rest = static_cast<int>(n % keys_);
  auto partial = std::lower_bound(mine.begin(), mine.end(), rest) - mine.begin();
  return rounds * static_cast<std::int64_t>(mine.size()) + partial;
}

}  // namespace queue
