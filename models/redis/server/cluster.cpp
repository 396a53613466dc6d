#include "models/redis/server/cluster.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace redis {
namespace {

// How a command lays out its keys.
enum class Keys { first, numkeys, all, pairs, first_two, none, third };

struct KeyRule {
  std::string_view name;  // upper case
  Keys keys;
};

constexpr KeyRule key_rules[]{
    {"EVAL", Keys::numkeys},     {"EVALSHA", Keys::numkeys},   {"EVAL_RO", Keys::numkeys},
    {"EVALSHA_RO", Keys::numkeys}, {"FCALL", Keys::numkeys},   {"FCALL_RO", Keys::numkeys},
    {"MGET", Keys::all},         {"DEL", Keys::all},           {"UNLINK", Keys::all},
    {"EXISTS", Keys::all},       {"TOUCH", Keys::all},         {"WATCH", Keys::all},
    {"SINTER", Keys::all},       {"SUNION", Keys::all},        {"SDIFF", Keys::all},
    {"PFCOUNT", Keys::all},      {"MSET", Keys::pairs},        {"MSETNX", Keys::pairs},
    {"RENAME", Keys::first_two}, {"RENAMENX", Keys::first_two}, {"RPOPLPUSH", Keys::first_two},
    {"LMOVE", Keys::first_two},  {"SMOVE", Keys::first_two},   {"COPY", Keys::first_two},
    {"PING", Keys::none},        {"ECHO", Keys::none},         {"INFO", Keys::none},
    {"TIME", Keys::none},        {"SCRIPT", Keys::none},       {"FUNCTION", Keys::none},
    {"CONFIG", Keys::none},      {"CLIENT", Keys::none},       {"DBSIZE", Keys::none},
    {"FLUSHALL", Keys::none},    {"FLUSHDB", Keys::none},      {"KEYS", Keys::none},
    {"SCAN", Keys::none},        {"RANDOMKEY", Keys::none},    {"MULTI", Keys::none},
    {"EXEC", Keys::none},        {"DISCARD", Keys::none},      {"UNWATCH", Keys::none},
    {"SELECT", Keys::none},      {"WAIT", Keys::none},         {"ROLE", Keys::none},
    {"REPLICAOF", Keys::none},   {"SLAVEOF", Keys::none},      {"READONLY", Keys::none},
    {"READWRITE", Keys::none},   {"COMMAND", Keys::none},      {"HELLO", Keys::none},
    {"AUTH", Keys::none},        {"QUIT", Keys::none},         {"CLUSTER", Keys::none},
    {"DEBUG", Keys::none},       {"LASTSAVE", Keys::none},     {"SAVE", Keys::none},
    {"BGSAVE", Keys::none},      {"BGREWRITEAOF", Keys::none}, {"SHUTDOWN", Keys::none},
    {"OBJECT", Keys::third},     {"MEMORY", Keys::third},  // OBJECT ENCODING key, MEMORY USAGE key
};

Keys keys_of(std::string_view name) {
  constexpr std::size_t longest = 16;
  if (name.size() > longest) return Keys::first;
  char buffer[longest];
  for (std::size_t i = 0; i < name.size(); ++i) {
    buffer[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[i])));
  }
  std::string_view upper(buffer, name.size());
  for (const KeyRule& rule : key_rules) {
    if (rule.name.size() == upper.size() && rule.name == upper) return rule.keys;
  }
  return Keys::first;
}

// EVAL script numkeys key... arg...: the keys after numkeys.
KeyPositions numkeys_positions(const std::vector<std::string>& argv) {
  if (argv.size() < 3) return {};
  char* end = nullptr;
  long long n = std::strtoll(argv[2].c_str(), &end, 10);
  if (end == argv[2].c_str() || *end != '\0' || n < 0) return {};
  std::size_t last = std::min(argv.size(), 3 + static_cast<std::size_t>(std::min<long long>(n, 1LL << 30)));
  return {3, last, 1};
}

}  // namespace

// CRC16-CCITT (XMODEM), polynomial 0x1021, a byte at a time through a table built at compile
// time from the bitwise definition.
constexpr std::array<std::uint16_t, 256> crc16_table = [] {
  std::array<std::uint16_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    auto crc = static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
    table[static_cast<std::size_t>(byte)] = crc;
  }
  return table;
}();

std::uint16_t crc16(std::string_view data) {
  std::uint16_t crc = 0;
  for (char byte : data) {
    auto index = static_cast<std::uint8_t>((crc >> 8) ^ static_cast<std::uint8_t>(byte));
    crc = static_cast<std::uint16_t>((crc << 8) ^ crc16_table[index]);
  }
  return crc;
}

std::string_view hash_tag(std::string_view key) {
  std::size_t open = key.find('{');
  if (open == std::string_view::npos) return key;
  std::size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int key_slot(std::string_view key) { return crc16(hash_tag(key)) & (slot_count - 1); }

SlotRange shard_slots(int shard, int shards) {
  return SlotRange{shard * slot_count / shards, (shard + 1) * slot_count / shards - 1};
}

int shard_of_slot(int slot, int shards) {
  for (int shard = 0; shard < shards; ++shard)
    if (shard_slots(shard, shards).contains(slot)) return shard;
  return shards - 1;
}

KeyPositions key_positions(const std::vector<std::string>& argv) {
  if (argv.empty()) return {};
  switch (keys_of(argv[0])) {
    case Keys::numkeys: return numkeys_positions(argv);
    case Keys::all: return {1, argv.size(), 1};
    case Keys::pairs: return {1, argv.size(), 2};
    case Keys::first_two: return {1, std::min<std::size_t>(argv.size(), 3), 1};
    case Keys::none: return {};
    case Keys::third: return {2, std::min<std::size_t>(argv.size(), 3), 1};
    case Keys::first: break;
  }
  return {1, std::min<std::size_t>(argv.size(), 2), 1};
}

SlotCheck check_slots(const std::vector<std::string>& argv, const KeyPositions& at, const SlotRange& owned,
                      int first_slot) {
  SlotCheck check;
  if (at.empty()) return check;
  int slot = first_slot >= 0 ? first_slot : key_slot(argv[at.first]);
  for (std::size_t i = at.first + at.step; i < at.end; i += at.step) {
    if (key_slot(argv[i]) != slot) {
      check.cross_slot = true;
      return check;
    }
  }
  if (!owned.contains(slot)) check.moved_slot = slot;
  return check;
}

}  // namespace redis
