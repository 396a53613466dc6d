#include "models/redis/cluster.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace redis {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool one_of(const std::string& name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// EVAL script numkeys key... arg...: the keys after numkeys.
std::vector<std::string> numkeys_keys(const std::vector<std::string>& argv) {
  std::vector<std::string> keys;
  if (argv.size() < 3) return keys;
  char* end = nullptr;
  long long n = std::strtoll(argv[2].c_str(), &end, 10);
  if (end == argv[2].c_str() || *end != '\0' || n < 0) return keys;
  for (std::size_t i = 3; i < argv.size() && static_cast<long long>(i - 3) < n; ++i) keys.push_back(argv[i]);
  return keys;
}

// Every argument from `first` on, stepping by `step`.
std::vector<std::string> every(const std::vector<std::string>& argv, std::size_t first, std::size_t step) {
  std::vector<std::string> keys;
  for (std::size_t i = first; i < argv.size(); i += step) keys.push_back(argv[i]);
  return keys;
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

std::vector<std::string> command_keys(const std::vector<std::string>& argv) {
  if (argv.empty()) return {};
  std::string name = upper(argv[0]);
  if (one_of(name, {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"})) return numkeys_keys(argv);
  if (one_of(name, {"MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "WATCH", "SINTER", "SUNION", "SDIFF", "PFCOUNT"}))
    return every(argv, 1, 1);
  if (one_of(name, {"MSET", "MSETNX"})) return every(argv, 1, 2);
  if (one_of(name, {"RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "SMOVE", "COPY"})) {
    std::vector<std::string> keys;
    for (std::size_t i = 1; i < argv.size() && i <= 2; ++i) keys.push_back(argv[i]);
    return keys;
  }
  if (one_of(name, {"PING", "ECHO", "INFO", "TIME", "SCRIPT", "FUNCTION", "CONFIG", "CLIENT", "DBSIZE", "FLUSHALL",
                    "FLUSHDB", "KEYS", "SCAN", "RANDOMKEY", "MULTI", "EXEC", "DISCARD", "UNWATCH", "SELECT", "WAIT",
                    "ROLE", "REPLICAOF", "SLAVEOF", "READONLY", "READWRITE", "COMMAND", "HELLO", "AUTH", "QUIT",
                    "CLUSTER", "DEBUG", "LASTSAVE", "SAVE", "BGSAVE", "BGREWRITEAOF", "SHUTDOWN"}))
    return {};
  if (one_of(name, {"OBJECT", "MEMORY"})) {  // OBJECT ENCODING key, MEMORY USAGE key
    if (argv.size() < 3) return {};
    return {argv[2]};
  }
  if (argv.size() < 2) return {};
  return {argv[1]};
}

SlotCheck check_slots(const std::vector<std::string>& argv, const SlotRange& owned) {
  SlotCheck check;
  std::vector<std::string> keys = command_keys(argv);
  if (keys.empty()) return check;
  int slot = key_slot(keys.front());
  for (const std::string& key : keys) {
    if (key_slot(key) != slot) {
      check.cross_slot = true;
      return check;
    }
  }
  if (!owned.contains(slot)) check.moved_slot = slot;
  return check;
}

}  // namespace redis
