// The Snowflake id as the spec lays it out: a zero sign bit, 41 bits of milliseconds since a
// custom epoch, 10 bits of node id and 12 bits of sequence.
//
//   id = ((timestamp_ms - epoch_ms) << 22) | (node_id << 12) | sequence
#pragma once

#include <cstdint>

namespace snowflake {

inline constexpr int timestamp_bits = 41;
inline constexpr int node_id_bits = 10;
inline constexpr int sequence_bits = 12;
inline constexpr int node_id_shift = sequence_bits;
inline constexpr int timestamp_shift = sequence_bits + node_id_bits;

inline constexpr std::int64_t max_sequence = (std::int64_t{1} << sequence_bits) - 1;  // 0xFFF
inline constexpr std::int64_t max_node_id = (std::int64_t{1} << node_id_bits) - 1;    // 1023
inline constexpr std::int64_t max_timestamp = (std::int64_t{1} << timestamp_bits) - 1;
/// Twitter's epoch, 2010-11-04T01:42:54.657Z, the spec's default.
inline constexpr std::int64_t twitter_epoch_ms = 1288834974657;
/// The most ids one node can issue in one millisecond, and in one second.
inline constexpr std::int64_t ids_per_ms_ceiling = max_sequence + 1;  // 4,096
inline constexpr std::int64_t ids_per_second_ceiling = ids_per_ms_ceiling * 1000;

struct IdFields {
  std::int64_t timestamp_ms = 0;  ///< Unix milliseconds (the epoch added back)
  std::int64_t node_id = 0;
  std::int64_t sequence = 0;
  bool operator==(const IdFields&) const = default;
};

/// The id for `fields`; each field must fit its width once the epoch is taken off.
constexpr std::int64_t compose_id(const IdFields& fields, std::int64_t epoch_ms) {
  return ((fields.timestamp_ms - epoch_ms) << timestamp_shift) | (fields.node_id << node_id_shift) |
         fields.sequence;
}

/// The spec's parse(): the fields of `id` under `epoch_ms`.
constexpr IdFields parse_id(std::int64_t id, std::int64_t epoch_ms) {
  return IdFields{(id >> timestamp_shift) + epoch_ms, (id >> node_id_shift) & max_node_id, id & max_sequence};
}

/// Whether `fields` fit the layout under `epoch_ms`.
constexpr bool fits(const IdFields& fields, std::int64_t epoch_ms) {
  std::int64_t relative = fields.timestamp_ms - epoch_ms;
  return relative >= 0 && relative <= max_timestamp && fields.node_id >= 0 && fields.node_id <= max_node_id &&
         fields.sequence >= 0 && fields.sequence <= max_sequence;
}

}  // namespace snowflake
