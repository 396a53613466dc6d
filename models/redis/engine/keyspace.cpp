#include "models/redis/engine/keyspace.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <type_traits>

#include "sim/kernel/assert.hpp"

namespace redis {

SortedSet::SortedSet(std::size_t size_hint, std::size_t member_bytes_hint)
    : compact_(size_hint <= compact_entries_max && member_bytes_hint <= compact_member_bytes_max) {}

SortedSet::SortedSet(const SortedSet& other)
    : members_(other.members_ ? std::make_unique<Members>(*other.members_) : nullptr), compact_(other.compact_) {}

SortedSet& SortedSet::operator=(const SortedSet& other) {
  if (this != &other) *this = SortedSet(other);
  return *this;
}

SortedSet::~SortedSet() = default;

SortedSet::Members& SortedSet::members() {
  if (!members_) members_ = std::make_unique<Members>();
  return *members_;
}

const SortedSet::Ordered& SortedSet::ordered() const {
  static const Ordered none;
  return members_ ? members_->ordered : none;
}

std::optional<double> SortedSet::score(const std::string& member) const {
  if (!members_) return std::nullopt;
  auto it = members_->scores.find(member);
  if (it == members_->scores.end()) return std::nullopt;
  return it->second;
}

bool SortedSet::put(const std::string& member, double score) {
  Members& m = members();
  auto it = m.scores.find(member);
  bool is_new = it == m.scores.end();
  if (is_new && (m.scores.size() + 1 > compact_entries_max || member.size() > compact_member_bytes_max)) {
    compact_ = false;
  }
  // A listpack writes the score as text, and "-0" comes back as 0.
  if (compact_ && score == 0.0) score = 0.0;
  if (is_new) {
    m.scores.emplace(member, score);
    m.member_bytes += member.size();
  } else {
    m.ordered.erase({it->second, member});
    it->second = score;
  }
  m.ordered.emplace(score, member);
  return is_new;
}

bool SortedSet::erase(const std::string& member) {
  if (!members_) return false;
  auto it = members_->scores.find(member);
  if (it == members_->scores.end()) return false;
  members_->ordered.erase({it->second, member});
  members_->member_bytes -= member.size();
  members_->scores.erase(it);
  return true;
}

std::size_t Hash::packed_bytes(std::string_view field, std::string_view value) {
  auto length_bytes = [](std::size_t n) {
    std::size_t bytes = 1;
    for (; n >= 0x80; n >>= 7) ++bytes;
    return bytes;
  };
  return length_bytes(field.size()) + field.size() + length_bytes(value.size()) + value.size();
}

void Hash::append(std::string& out, std::string_view text) {
  std::size_t n = text.size();
  for (; n >= 0x80; n >>= 7) out.push_back(static_cast<char>(0x80 | (n & 0x7f)));
  out.push_back(static_cast<char>(n));
  out.append(text);
}

std::string_view Hash::read(std::size_t& at) const {
  std::size_t n = 0;
  for (unsigned shift = 0;; shift += 7) {
    auto byte = static_cast<unsigned char>(packed_[at++]);
    n |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  std::string_view text(packed_.data() + at, n);
  at += n;
  return text;
}

Hash::Place Hash::locate(std::string_view field) const {
  for (std::size_t at = 0; at < packed_.size();) {
    Place place{at, 0, 0};
    std::string_view name = read(at);
    place.value = at;
    read(at);
    place.end = at;
    if (name == field) return place;
  }
  return Place{std::string::npos, 0, 0};
}

std::optional<std::string_view> Hash::get(std::string_view field) const {
  for (std::size_t at = 0; at < packed_.size();) {
    std::string_view name = read(at);
    std::string_view value = read(at);
    if (name == field) return value;
  }
  return std::nullopt;
}

std::size_t Hash::size() const {
  std::size_t count = 0;
  for_each([&](std::string_view, std::string_view) { ++count; });
  return count;
}

bool Hash::put(std::string_view field, std::string_view value) {
  Place place = locate(field);
  if (place.start == std::string::npos) {
    append(packed_, field);
    append(packed_, value);
    return true;
  }
  // The value alone is rewritten: in place when it packs to as many bytes (a counter's digits).
  std::string encoded;
  append(encoded, value);
  if (encoded.size() == place.end - place.value)
    std::copy(encoded.begin(), encoded.end(), packed_.begin() + static_cast<std::ptrdiff_t>(place.value));
  else
    packed_.replace(place.value, place.end - place.value, encoded);
  return false;
}

bool Hash::erase(std::string_view field) {
  Place place = locate(field);
  if (place.start == std::string::npos) return false;
  packed_.erase(place.start, place.end - place.start);
  return true;
}

const char* type_name(const Value& value) { return value_type_names[value.index()]; }

std::uint64_t KeyHash::operator()(std::string_view key) const {
  // Eight bytes at a time, each word mixed in by a multiply and a rotate; the tail zero-padded.
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = key.size() * k;
  std::size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, key.data() + i, 8);
    h = (std::rotl(h, 29) ^ word) * k;
  }
  if (i < key.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, key.data() + i, key.size() - i);
    h = (std::rotl(h, 29) ^ word) * k;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return static_cast<std::size_t>(h);
}

namespace {

constexpr std::size_t first_capacity = 16;

}  // namespace

Keyspace::Keyspace() : slots_(first_capacity) {}

Keyspace::~Keyspace() { free_nodes(); }

void Keyspace::free_nodes() {
  for (Slot& slot : slots_) {
    if (slot.node == nullptr) continue;
    slot.node->~Node();
    ::operator delete(slot.node);
    slot.node = nullptr;
  }
  count_ = 0;
  last_found_ = nullptr;
}

Keyspace::Node* Keyspace::probe(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.node == nullptr) return nullptr;
    if (slot.hash == hash && slot.node->key() == key) return slot.node;
  }
}

Keyspace::Node* Keyspace::lookup(std::string_view key) {
  if (last_found_ != nullptr && last_found_->key() == key) return last_found_;
  Node* node = probe(key, KeyHash{}(key));
  if (node != nullptr) last_found_ = node;
  return node;
}

const Entry* Keyspace::peek(std::string_view key) const {
  Node* node = probe(key, KeyHash{}(key));
  return node != nullptr ? &node->entry : nullptr;
}

void Keyspace::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.node == nullptr) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].node != nullptr) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

Keyspace::Node* Keyspace::insert(std::string_view key) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  std::uint64_t hash = KeyHash{}(key);
  static_assert(std::is_nothrow_default_constructible_v<Entry>, "a node is built in its block without cleanup");
  static_assert(alignof(Node) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  void* block = ::operator new(sizeof(Node) + key.size());
  Node* node = new (block) Node{Entry{}, hash, key.size()};
  std::memcpy(static_cast<char*>(block) + sizeof(Node), key.data(), key.size());
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].node != nullptr) i = (i + 1) & mask;
  slots_[i] = Slot{hash, node};
  ++count_;
  return node;
}

void Keyspace::erase_node(Node* node) {
  if (node == last_found_) last_found_ = nullptr;
  bytes_by_type_[node->entry.accounted_type_] -= node->entry.accounted_bytes_;
  unindex_ttl(node->entry);
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = node->hash & mask;
  while (slots_[hole].node != node) hole = (hole + 1) & mask;
  // Backward shift: each later node of the run moves into the hole unless its home slot lies
  // after the hole (cyclically), where a probe for it would stop before reaching the hole.
  for (std::size_t next = (hole + 1) & mask; slots_[next].node != nullptr; next = (next + 1) & mask) {
    std::size_t home = slots_[next].hash & mask;
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = Slot{};
  --count_;
  node->~Node();
  ::operator delete(node);
}

Entry* Keyspace::find(const std::string& key, std::int64_t now_ms, bool reclaim) {
  Node* node = lookup(key);
  if (node == nullptr) return nullptr;
  if (is_expired(node->entry, now_ms)) {
    if (reclaim) erase_expired(node);
    return nullptr;
  }
  return &node->entry;
}

std::vector<std::string> Keyspace::sorted_keys() const {
  std::vector<std::string> keys;
  keys.reserve(count_);
  for (const Slot& slot : slots_) {
    if (slot.node != nullptr) keys.emplace_back(slot.node->key());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

Entry& Keyspace::put(const std::string& key, Value value, bool keep_ttl) {
  Node* node = lookup(key);
  if (node == nullptr) node = last_found_ = insert(key);
  Entry& entry = node->entry;
  entry.value = std::move(value);
  if (!keep_ttl) unindex_ttl(entry);
  return entry;
}

bool Keyspace::erase(const std::string& key) {
  Node* node = lookup(key);
  if (node == nullptr) return false;
  erase_node(node);
  return true;
}

void Keyspace::erase_if_empty(const std::string& key) {
  Node* node = lookup(key);
  if (node == nullptr) return;
  bool empty = std::visit(
      [](const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
          return false;
        } else {
          return value.empty();
        }
      },
      node->entry.value);
  if (empty) erase_node(node);
}

void Keyspace::set_expiry(const std::string& key, std::int64_t expire_at_ms) {
  Node* node = lookup(key);
  SIM_ASSERT(node != nullptr, "set_expiry on a missing key: " + key);
  Entry& entry = node->entry;
  if (!entry.expire_at_ms_) {
    entry.ttl_slot_ = ttl_keys_.size();
    ttl_keys_.push_back(node);
  }
  entry.expire_at_ms_ = expire_at_ms;
}

bool Keyspace::clear_expiry(const std::string& key) {
  Node* node = lookup(key);
  if (node == nullptr || !node->entry.expire_at_ms_) return false;
  unindex_ttl(node->entry);
  return true;
}

void Keyspace::clear() {
  free_nodes();
  slots_.assign(first_capacity, Slot{});
  bytes_by_type_ = {};
  ttl_keys_.clear();
}

void Keyspace::unindex_ttl(Entry& entry) {
  if (!entry.expire_at_ms_) return;
  std::size_t slot = entry.ttl_slot_;
  Node* last = ttl_keys_.back();
  ttl_keys_[slot] = last;
  last->entry.ttl_slot_ = slot;
  ttl_keys_.pop_back();
  entry.expire_at_ms_.reset();
}

void Keyspace::erase_expired(Node* node) {
  log_effect({"DEL", std::string(node->key())});
  erase_node(node);
}

std::size_t Keyspace::active_expire_cycle(std::int64_t now_ms, sim::Rng& rng) {
  constexpr std::size_t picks_per_round = 20;
  std::size_t deleted = 0;
  while (!ttl_keys_.empty()) {
    std::size_t picks = std::min(picks_per_round, ttl_keys_.size());
    std::size_t expired = 0;
    for (std::size_t i = 0; i < picks && !ttl_keys_.empty(); ++i) {
      Node* node = ttl_keys_[rng.below(ttl_keys_.size())];
      if (!is_expired(node->entry, now_ms)) continue;
      erase_expired(node);
      ++expired;
    }
    deleted += expired;
    // Redis goes on while more than 25% of a round had expired: the rest are likely stale too.
    if (expired * 4 <= picks) break;
  }
  return deleted;
}

std::uint64_t MemoryEstimate::of(std::string_view key, const Entry& entry) {
  std::uint64_t bytes = key_overhead + key.size() + (entry.expire_at_ms() ? expiry_overhead : 0);
  if (const auto* text = std::get_if<std::string>(&entry.value)) return bytes + string_overhead + text->size();
  if (const auto* zset = std::get_if<SortedSet>(&entry.value)) {
    return bytes + zset_overhead + zset_member_overhead * zset->size() + zset->member_bytes();
  }
  bytes += hash_overhead;
  std::get<Hash>(entry.value).for_each([&](std::string_view field, std::string_view text) {
    bytes += hash_field_overhead + field.size() + text.size();
  });
  return bytes;
}

void Keyspace::reaccount(const std::string& key) {
  Node* node = lookup(key);
  if (node == nullptr) return;
  Entry& entry = node->entry;
  bytes_by_type_[entry.accounted_type_] -= entry.accounted_bytes_;
  entry.accounted_type_ = static_cast<std::uint8_t>(entry.value.index());
  entry.accounted_bytes_ = MemoryEstimate::of(node->key(), entry);
  bytes_by_type_[entry.accounted_type_] += entry.accounted_bytes_;
}

std::array<std::uint64_t, 3> Keyspace::recount_bytes() const {
  std::array<std::uint64_t, 3> bytes{};
  for (const Slot& slot : slots_) {
    if (slot.node != nullptr)
      bytes[slot.node->entry.value.index()] += MemoryEstimate::of(slot.node->key(), slot.node->entry);
  }
  return bytes;
}

std::vector<Argv> Keyspace::take_effects() {
  std::vector<Argv> taken;
  taken.swap(effects_);
  return taken;
}

}  // namespace redis
