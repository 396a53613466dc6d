// Kafka's default partitioning of keyed records: murmur2 (Austin Appleby's MurmurHash2, 32-bit,
// with the seed and tail handling of org.apache.kafka.common.utils.Utils.murmur2), made positive
// by clearing the sign bit, modulo the partition count. A key lands where the real client puts
// it, and adding partitions moves keys.
#pragma once

#include <cstdint>
#include <string_view>

namespace queue {

/// Kafka's Utils.murmur2 of the key's bytes, as the signed 32-bit int Java returns.
std::int32_t murmur2(std::string_view bytes);

/// The partition a keyed record goes to: toPositive(murmur2(key)) % partitions.
int partition_for_key(std::string_view key, int partitions);

}  // namespace queue
