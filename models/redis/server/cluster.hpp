// Redis Cluster's key space: 16384 hash slots, a key's slot is CRC16 (XMODEM) of the key, or of
// its hash tag (the text between the first '{' and the next '}', when not empty), modulo 16384.
// A deployment of N masters splits the slots evenly into N contiguous ranges, as
// `redis-cli --cluster create` does.
//
// Determinism: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redis {

inline constexpr int slot_count = 16384;

/// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0. "123456789" gives 0x31C3.
std::uint16_t crc16(std::string_view data);
/// The part of the key that is hashed: its hash tag, or the whole key.
std::string_view hash_tag(std::string_view key);
/// HASH_SLOT(key) as Redis Cluster computes it.
int key_slot(std::string_view key);

/// The contiguous slot range [first, last] of shard `shard` among `shards`.
struct SlotRange {
  int first = 0;
  int last = slot_count - 1;
  bool contains(int slot) const { return slot >= first && slot <= last; }
};
SlotRange shard_slots(int shard, int shards);
/// Which of `shards` even ranges holds `slot`.
int shard_of_slot(int slot, int shards);

/// Where a command's keys are in its words: argv[first], argv[first + step], ... before `end`.
struct KeyPositions {
  std::size_t first = 0;
  std::size_t end = 0;
  std::size_t step = 1;
  bool empty() const { return first >= end; }
};

/// The key arguments of a command, by Redis's key specs for the common multi-key commands;
/// none for commands without keys; the first argument for every other command (the only key
/// of most Redis commands). Computed without copying a word: every command routed in a
/// cluster asks.
KeyPositions key_positions(const std::vector<std::string>& argv);

/// The cluster's redirection or error for a command at a shard owning `owned`: nullopt when
/// the shard serves it, "CROSSSLOT …" when its keys span slots, or the slot it must move to.
struct SlotCheck {
  bool cross_slot = false;
  std::optional<int> moved_slot;
};
/// `first_slot`: key_slot() of the first key when the client already computed it, else -1.
SlotCheck check_slots(const std::vector<std::string>& argv, const KeyPositions& keys, const SlotRange& owned,
                      int first_slot = -1);

}  // namespace redis
