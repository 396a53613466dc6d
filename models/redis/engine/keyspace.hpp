// The keyspace of one simulated Redis database: keys mapped to a value (string, sorted set or
// hash) and an optional expiry, an absolute deadline in Unix milliseconds on the server's wall
// clock. Also the log of effects (writes as they took effect) the engine hands to replication.
//
// Expiry follows Redis 7's keyIsExpired: a key whose deadline is T is live at T and expired at
// T+1. find() expires lazily and logs the DEL a real master propagates; active_expire_cycle()
// samples keys that carry a TTL.
//
// Determinism: keys live in an open-addressing hash table with our own hash; nothing walks it
// where order could show (listing keys sorts them, totals are sums). Keys with a TTL are also listed in a vector
// (appended when a TTL is set, swap-removed when it goes), so a seeded Rng picks the same sample
// every run.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/kernel/random.hpp"

namespace redis {

using Argv = std::vector<std::string>;

/// A sorted set: members ordered by score, then by member bytes (memcmp), as Redis orders them.
///
/// Redis keeps a small sorted set as a listpack, which stores a score as text and turns -0 into
/// 0; from 129 members, or a member longer than 64 bytes, it is a skiplist that keeps -0. The
/// set tracks which of the two a real server would be using, for that one visible difference.
///
/// Its members live in one block of their own, so that a key of another type (a Value is as
/// large as its largest alternative) does not carry two empty trees: a million hashes are a
/// hundred megabytes smaller.
class SortedSet {
public:
  using Ordered = std::set<std::pair<double, std::string>>;
  static constexpr std::size_t compact_entries_max = 128;   ///< zset-max-listpack-entries
  static constexpr std::size_t compact_member_bytes_max = 64;  ///< zset-max-listpack-value

  /// A new set for a command adding `size_hint` members, the longest `member_bytes_hint` long
  /// (Redis picks the encoding at creation from these).
  explicit SortedSet(std::size_t size_hint = 0, std::size_t member_bytes_hint = 0);
  SortedSet(const SortedSet& other);
  SortedSet& operator=(const SortedSet& other);
  SortedSet(SortedSet&&) noexcept = default;
  SortedSet& operator=(SortedSet&&) noexcept = default;
  ~SortedSet();

  std::optional<double> score(const std::string& member) const;
  /// Adds `member` or moves it to `score`. Returns true if the member is new.
  bool put(const std::string& member, double score);
  /// Returns true if the member was there.
  bool erase(const std::string& member);
  std::size_t size() const { return members_ ? members_->scores.size() : 0; }
  bool empty() const { return size() == 0; }
  /// Members in Redis order: ascending score, ties by member bytes.
  const Ordered& ordered() const;
  /// Bytes of all member names, for the memory estimate.
  std::uint64_t member_bytes() const { return members_ ? members_->member_bytes : 0; }

private:
  struct Members {
    std::map<std::string, double> scores;
    Ordered ordered;
    std::uint64_t member_bytes = 0;
  };
  Members& members();

  std::unique_ptr<Members> members_;  ///< null while empty (and once moved from)
  bool compact_ = true;
};

/// A hash: fields in insertion order, the order a small Redis hash (a listpack) replies in.
/// Rewriting a field keeps its place; deleting one closes the gap. Like a listpack, the fields
/// and values are packed one after another in one buffer (each a length, in 7-bit groups, then
/// its bytes) and a lookup scans them: hashes here hold a handful of fields, where a scan beats
/// any index, and a rate limiter's three small fields take one block of 48 bytes instead of
/// three pairs of strings (192).
class Hash {
public:
  std::optional<std::string_view> get(std::string_view field) const;
  /// Sets `field` to `value`. Returns true if the field is new.
  bool put(std::string_view field, std::string_view value);
  /// Returns true if the field was there.
  bool erase(std::string_view field);
  /// Room for fields of `bytes` in all (lengths and bytes), so that a hash created with its
  /// fields holds no spare (see packed_bytes).
  void reserve(std::size_t bytes) { packed_.reserve(bytes); }
  /// What a field and its value take packed.
  static std::size_t packed_bytes(std::string_view field, std::string_view value);
  std::size_t size() const;
  bool empty() const { return packed_.empty(); }
  /// Calls `f(field, value)` for each field, in order.
  template <class F>
  void for_each(F f) const {
    for (std::size_t at = 0; at < packed_.size();) {
      std::string_view field = read(at);
      std::string_view value = read(at);
      f(field, value);
    }
  }

private:
  /// The text stored at `at`, moving `at` past it.
  std::string_view read(std::size_t& at) const;
  static void append(std::string& out, std::string_view text);
  /// Where a field starts, where its value starts, and where it ends.
  struct Place {
    std::size_t start, value, end;
  };
  /// Where the field named `field` is; its start is npos if it is absent.
  Place locate(std::string_view field) const;

  std::string packed_;
};

using Value = std::variant<std::string, SortedSet, Hash>;
/// The names TYPE replies with, by a Value's index.
inline constexpr const char* value_type_names[std::variant_size_v<Value>] = {"string", "zset", "hash"};

/// The name TYPE replies with: "string", "zset", "hash".
const char* type_name(const Value& value);

class Keyspace;

/// One key's value and expiry. The expiry changes only through the Keyspace, which indexes it.
class Entry {
public:
  Value value;
  std::optional<std::int64_t> expire_at_ms() const { return expire_at_ms_; }

private:
  friend class Keyspace;
  std::optional<std::int64_t> expire_at_ms_;
  std::size_t ttl_slot_ = 0;  ///< position in Keyspace::ttl_keys_, while expire_at_ms_ is set
  std::uint64_t accounted_bytes_ = 0;  ///< this key's share of Keyspace::bytes_by_type_
  std::uint8_t accounted_type_ = 0;    ///< under which type it is counted
};

/// Estimated bytes of memory, loosely after Redis's allocations (dict entry, key sds, robj):
///   every key     key_overhead + key length, plus expiry_overhead if it has a TTL
///   string        string_overhead + value length
///   sorted set    zset_overhead + per member (zset_member_overhead + member length)
///   hash          hash_overhead + per field (hash_field_overhead + field length + value length)
struct MemoryEstimate {
  static constexpr std::uint64_t key_overhead = 50;
  static constexpr std::uint64_t expiry_overhead = 24;
  static constexpr std::uint64_t string_overhead = 16;
  static constexpr std::uint64_t zset_overhead = 96;
  static constexpr std::uint64_t zset_member_overhead = 64;
  static constexpr std::uint64_t hash_overhead = 64;
  static constexpr std::uint64_t hash_field_overhead = 40;

  static std::uint64_t of(std::string_view key, const Entry& entry);
};

/// A 64-bit hash of a key's bytes, the same on every run and platform (std::hash promises
/// neither).
struct KeyHash {
  std::uint64_t operator()(std::string_view key) const;
};

class Keyspace {
public:
  Keyspace();
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  /// The live entry for `key` at wall time `now_ms`, or null. A key found expired is deleted
  /// on the way and a DEL effect logged, as a real master propagates it, if `reclaim`; a
  /// replica leaves it for the master's DEL.
  Entry* find(const std::string& key, std::int64_t now_ms, bool reclaim = true);
  /// The entry stored under `key`, expired or not, touching nothing: for observers.
  const Entry* peek(std::string_view key) const;
  /// Stores `value` under `key` (an existing key is overwritten). The key keeps its TTL only if
  /// `keep_ttl`, as SET KEEPTTL; any other overwrite makes it persistent.
  Entry& put(const std::string& key, Value value, bool keep_ttl = false);
  /// Removes `key` whatever its state. Returns true if it was there.
  bool erase(const std::string& key);
  /// Removes `key` if its collection value has become empty (Redis never keeps empty ones).
  void erase_if_empty(const std::string& key);
  void set_expiry(const std::string& key, std::int64_t expire_at_ms);
  /// Returns true if the key had a TTL.
  bool clear_expiry(const std::string& key);
  void clear();

  /// Keys stored, including expired ones not yet reclaimed (as DBSIZE counts them).
  std::size_t size() const { return count_; }
  /// Every key name (expired ones not yet reclaimed included), in byte order.
  std::vector<std::string> sorted_keys() const;
  std::size_t ttl_key_count() const { return ttl_keys_.size(); }

  /// The memory estimate, by type in a Value's index order, kept as keys change: a command
  /// that may have changed `key` calls reaccount, and a key that goes takes its bytes along.
  const std::array<std::uint64_t, 3>& bytes_by_type() const { return bytes_by_type_; }
  void reaccount(const std::string& key);
  /// The same estimate computed afresh from every key (what the running one must equal).
  std::array<std::uint64_t, 3> recount_bytes() const;

  /// One active-expiry cycle: rounds of up to 20 random picks among keys with a TTL, deleting
  /// the expired ones (each logs a DEL), repeated while more than a quarter of a round expired.
  std::size_t active_expire_cycle(std::int64_t now_ms, sim::Rng& rng);

  void log_effect(Argv effect) { effects_.push_back(std::move(effect)); }
  std::vector<Argv> take_effects();

private:
  /// One key: its entry, its hash, and its bytes, which follow the node in the same block.
  /// Nodes never move, so a pointer to one stays good until the key is removed.
  struct Node {
    Entry entry;
    std::uint64_t hash = 0;
    std::size_t key_size = 0;
    std::string_view key() const { return {reinterpret_cast<const char*>(this) + sizeof(Node), key_size}; }
  };
  /// The table: open addressing with linear probing, at most half full. A slot holds its
  /// node's hash, so a probe reads a node only when the whole hash matches.
  struct Slot {
    std::uint64_t hash = 0;
    Node* node = nullptr;
  };

  static bool is_expired(const Entry& entry, std::int64_t now_ms) {
    return entry.expire_at_ms_ && now_ms > *entry.expire_at_ms_;
  }
  void unindex_ttl(Entry& entry);
  void erase_expired(Node* node);
  /// The node for `key`, or null: the last node found first (a script touches one key several
  /// times running), then the table.
  Node* lookup(std::string_view key);
  Node* probe(std::string_view key, std::uint64_t hash) const;
  Node* insert(std::string_view key);
  /// Takes the node out of the table, its bytes and TTL along, and frees it.
  void erase_node(Node* node);
  void grow();
  void free_nodes();

  std::vector<Slot> slots_;  ///< a power of two long
  std::size_t count_ = 0;
  /// The node the last lookup found, until it is erased.
  Node* last_found_ = nullptr;
  std::array<std::uint64_t, 3> bytes_by_type_{};
  std::vector<Node*> ttl_keys_;
  std::vector<Argv> effects_;
};

}  // namespace redis
