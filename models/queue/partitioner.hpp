// Kafka's default partitioning of keyed records: murmur2 (Austin Appleby's MurmurHash2, 32-bit,
// with the seed and tail handling of org.apache.kafka.common.utils.Utils.murmur2), made positive
// by clearing the sign bit, modulo the partition count. A key lands where the real client puts
// it, and adding partitions moves keys.
//
// The producer's keyed stream: message g (the g-th the producer sends) carries the key
// "key-<g mod K>", so every key's messages are spread evenly in time and each partition receives
// the keys murmur2 maps to it. Counting how many of the first g messages go to a partition is
// arithmetic, so messages stay ranges.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace queue {

/// Kafka's Utils.murmur2 of the key's bytes, as the signed 32-bit int Java returns.
std::int32_t murmur2(std::string_view bytes);

/// The partition a keyed record goes to: toPositive(murmur2(key)) % partitions.
int partition_for_key(std::string_view key, int partitions);

/// The name of key k in the producer's keyed stream.
std::string key_name(int key);

/// Which keys of "key-0" .. "key-<K-1>" land on which partition.
class KeyedRouting {
public:
  KeyedRouting() = default;
  KeyedRouting(int keys, int partitions);
  int keys() const { return keys_; }
  /// The key indexes that go to `partition`, increasing.
  const std::vector<int>& keys_of(int partition) const { return by_partition_[static_cast<std::size_t>(partition)]; }
  const std::vector<std::vector<int>>& by_partition() const { return by_partition_; }
  /// How many of messages 0 .. n-1 go to `partition`.
  std::int64_t count_below(int partition, std::int64_t n) const;

private:
  int keys_ = 0;
  std::vector<std::vector<int>> by_partition_;
};

}  // namespace queue
