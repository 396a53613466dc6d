#include "models/redis/keyspace.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "sim/kernel/assert.hpp"

namespace redis {

SortedSet::SortedSet(std::size_t size_hint, std::size_t member_bytes_hint)
    : compact_(size_hint <= compact_entries_max && member_bytes_hint <= compact_member_bytes_max) {}

std::optional<double> SortedSet::score(const std::string& member) const {
  auto it = scores_.find(member);
  if (it == scores_.end()) return std::nullopt;
  return it->second;
}

bool SortedSet::put(const std::string& member, double score) {
  auto it = scores_.find(member);
  bool is_new = it == scores_.end();
  if (is_new && (scores_.size() + 1 > compact_entries_max || member.size() > compact_member_bytes_max)) {
    compact_ = false;
  }
  // A listpack writes the score as text, and "-0" comes back as 0.
  if (compact_ && score == 0.0) score = 0.0;
  if (is_new) {
    scores_.emplace(member, score);
    member_bytes_ += member.size();
  } else {
    ordered_.erase({it->second, member});
    it->second = score;
  }
  ordered_.emplace(score, member);
  return is_new;
}

bool SortedSet::erase(const std::string& member) {
  auto it = scores_.find(member);
  if (it == scores_.end()) return false;
  ordered_.erase({it->second, member});
  member_bytes_ -= member.size();
  scores_.erase(it);
  return true;
}

std::vector<Hash::Field>::iterator Hash::position(const std::string& field) {
  return std::find_if(fields_.begin(), fields_.end(), [&](const Field& f) { return f.first == field; });
}

const std::string* Hash::get(const std::string& field) const {
  for (const Field& f : fields_) {
    if (f.first == field) return &f.second;
  }
  return nullptr;
}

bool Hash::put(const std::string& field, std::string value) {
  auto it = position(field);
  if (it != fields_.end()) {
    it->second = std::move(value);
    return false;
  }
  fields_.emplace_back(field, std::move(value));
  return true;
}

bool Hash::erase(const std::string& field) {
  auto it = position(field);
  if (it == fields_.end()) return false;
  fields_.erase(it);
  return true;
}

const char* type_name(const Value& value) { return value_type_names[value.index()]; }

std::size_t KeyHash::operator()(std::string_view key) const {
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

Keyspace::Entries::value_type* Keyspace::lookup(const std::string& key) {
  if (last_found_ != nullptr && last_found_->first == key) return last_found_;
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  last_found_ = &*it;
  return last_found_;
}

void Keyspace::erase_node(Entries::iterator it) {
  if (&*it == last_found_) last_found_ = nullptr;
  bytes_by_type_[it->second.accounted_type_] -= it->second.accounted_bytes_;
  unindex_ttl(it->second);
  entries_.erase(it);
}

Entry* Keyspace::find(const std::string& key, std::int64_t now_ms, bool reclaim) {
  Entries::value_type* item = lookup(key);
  if (item == nullptr) return nullptr;
  if (is_expired(item->second, now_ms)) {
    if (reclaim) erase_expired(item);
    return nullptr;
  }
  return &item->second;
}

std::vector<std::string> Keyspace::sorted_keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& item : entries_) keys.push_back(item.first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

Entry& Keyspace::put(const std::string& key, Value value, bool keep_ttl) {
  Entries::value_type* item = lookup(key);
  if (item == nullptr) item = last_found_ = &*entries_.try_emplace(key).first;
  Entry& entry = item->second;
  entry.value = std::move(value);
  if (!keep_ttl) unindex_ttl(entry);
  return entry;
}

bool Keyspace::erase(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  erase_node(it);
  return true;
}

void Keyspace::erase_if_empty(const std::string& key) {
  Entries::value_type* item = lookup(key);
  if (item == nullptr) return;
  bool empty = std::visit(
      [](const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
          return false;
        } else {
          return value.empty();
        }
      },
      item->second.value);
  if (empty) erase(key);
}

void Keyspace::set_expiry(const std::string& key, std::int64_t expire_at_ms) {
  Entries::value_type* item = lookup(key);
  SIM_ASSERT(item != nullptr, "set_expiry on a missing key: " + key);
  Entry& entry = item->second;
  if (!entry.expire_at_ms_) {
    entry.ttl_slot_ = ttl_keys_.size();
    ttl_keys_.push_back(item);
  }
  entry.expire_at_ms_ = expire_at_ms;
}

bool Keyspace::clear_expiry(const std::string& key) {
  Entries::value_type* item = lookup(key);
  if (item == nullptr || !item->second.expire_at_ms_) return false;
  unindex_ttl(item->second);
  return true;
}

void Keyspace::clear() {
  last_found_ = nullptr;
  bytes_by_type_ = {};
  entries_.clear();
  ttl_keys_.clear();
}

void Keyspace::unindex_ttl(Entry& entry) {
  if (!entry.expire_at_ms_) return;
  std::size_t slot = entry.ttl_slot_;
  Entries::value_type* last = ttl_keys_.back();
  ttl_keys_[slot] = last;
  last->second.ttl_slot_ = slot;
  ttl_keys_.pop_back();
  entry.expire_at_ms_.reset();
}

void Keyspace::erase_expired(Entries::value_type* item) {
  log_effect({"DEL", item->first});
  erase_node(entries_.find(item->first));
}

std::size_t Keyspace::active_expire_cycle(std::int64_t now_ms, sim::Rng& rng) {
  constexpr std::size_t picks_per_round = 20;
  std::size_t deleted = 0;
  while (!ttl_keys_.empty()) {
    std::size_t picks = std::min(picks_per_round, ttl_keys_.size());
    std::size_t expired = 0;
    for (std::size_t i = 0; i < picks && !ttl_keys_.empty(); ++i) {
      Entries::value_type* item = ttl_keys_[rng.below(ttl_keys_.size())];
      if (!is_expired(item->second, now_ms)) continue;
      erase_expired(item);
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
  for (const auto& [field, text] : std::get<Hash>(entry.value).fields()) bytes += hash_field_overhead + field.size() + text.size();
  return bytes;
}

void Keyspace::reaccount(const std::string& key) {
  Entries::value_type* item = lookup(key);
  if (item == nullptr) return;
  Entry& entry = item->second;
  bytes_by_type_[entry.accounted_type_] -= entry.accounted_bytes_;
  entry.accounted_type_ = static_cast<std::uint8_t>(entry.value.index());
  entry.accounted_bytes_ = MemoryEstimate::of(item->first, entry);
  bytes_by_type_[entry.accounted_type_] += entry.accounted_bytes_;
}

std::array<std::uint64_t, 3> Keyspace::recount_bytes() const {
  std::array<std::uint64_t, 3> bytes{};
  for (const auto& [key, entry] : entries_) bytes[entry.value.index()] += MemoryEstimate::of(key, entry);
  return bytes;
}

std::vector<Argv> Keyspace::take_effects() {
  std::vector<Argv> taken;
  taken.swap(effects_);
  return taken;
}

}  // namespace redis
