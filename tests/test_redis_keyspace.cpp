// Goal: the keyspace's own hash table (open addressing, linear probing, removal by backward
// shift) keeps exactly the keys a plain ordered map would, through growth, removals that wrap
// around the end of the table, expiry and clearing; and expiry picks the same keys every run. A
// hash packed in one buffer keeps the fields a list of pairs keeps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/engine/keyspace.hpp"
#include "sim/kernel/random.hpp"

namespace {

// Agreement between the keyspace and the model: the same keys, the same values, the same count,
// and a running memory estimate equal to a recount.
void check_same(redis::Keyspace& keys, const std::map<std::string, std::string>& model, std::int64_t now_ms) {
  REQUIRE(keys.size() == model.size());
  std::vector<std::string> expected;
  for (const auto& [key, value] : model) expected.push_back(key);
  REQUIRE(keys.sorted_keys() == expected);
  for (const auto& [key, value] : model) {
    const redis::Entry* entry = keys.peek(key);
    REQUIRE(entry != nullptr);
    REQUIRE(std::get<std::string>(entry->value) == value);
    REQUIRE(keys.find(key, now_ms) != nullptr);
  }
  REQUIRE(keys.bytes_by_type() == keys.recount_bytes());
}

std::string key_name(std::uint64_t n) { return "rate_limit:user_" + std::to_string(n); }

}  // namespace

TEST_CASE("the keyspace keeps the keys an ordered map keeps through 200000 puts and removals", "[redis]") {
  redis::Keyspace keys;
  std::map<std::string, std::string> model;
  sim::Rng rng(42);
  const std::int64_t now_ms = 1'700'000'000'000;
  // Few enough distinct keys that removals hit present keys often, many enough to grow the
  // table several times and make long probe runs that wrap around its end.
  constexpr std::uint64_t distinct = 5000;
  for (int step = 0; step < 200'000; ++step) {
    std::string key = key_name(rng.below(distinct));
    switch (rng.below(4)) {
      case 0:
      case 1: {
        std::string value = std::to_string(step);
        keys.put(key, value);
        keys.reaccount(key);
        model[key] = value;
        break;
      }
      case 2: REQUIRE(keys.erase(key) == (model.erase(key) == 1)); break;
      default: {
        redis::Entry* entry = keys.find(key, now_ms);
        auto it = model.find(key);
        REQUIRE((entry != nullptr) == (it != model.end()));
        if (entry != nullptr) REQUIRE(std::get<std::string>(entry->value) == it->second);
      }
    }
    if (step % 20'000 == 0) check_same(keys, model, now_ms);
  }
  check_same(keys, model, now_ms);

  // Empty it one key at a time, in an order unrelated to the table's, then fill it again.
  std::vector<std::string> order;
  for (const auto& [key, value] : model) order.push_back(key);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  for (const std::string& key : order) {
    REQUIRE(keys.erase(key));
    model.erase(key);
    REQUIRE(keys.peek(key) == nullptr);
  }
  check_same(keys, model, now_ms);
  REQUIRE(keys.bytes_by_type() == std::array<std::uint64_t, 3>{});
  for (std::uint64_t n = 0; n < 3000; ++n) {
    keys.put(key_name(n), "v");
    keys.reaccount(key_name(n));
    model[key_name(n)] = "v";
  }
  check_same(keys, model, now_ms);
  // The key found last is remembered; clearing must forget it along with the node it was in.
  REQUIRE(keys.find(key_name(7), now_ms) != nullptr);
  keys.clear();
  model.clear();
  REQUIRE(keys.find(key_name(7), now_ms) == nullptr);
  check_same(keys, model, now_ms);
}

TEST_CASE("the keyspace finds keys left after expired ones are reclaimed", "[redis]") {
  redis::Keyspace keys;
  std::map<std::string, std::string> model;
  const std::int64_t now_ms = 1'700'000'000'000;
  for (std::uint64_t n = 0; n < 4000; ++n) {
    keys.put(key_name(n), "v");
    // Every third key expires at now + 1: live at now, gone a millisecond later.
    if (n % 3 == 0) {
      keys.set_expiry(key_name(n), now_ms + 1);
    } else {
      model[key_name(n)] = "v";
    }
    keys.reaccount(key_name(n));
  }
  REQUIRE(keys.ttl_key_count() == 1334);
  sim::Rng rng(7);
  std::size_t reclaimed = 0;
  while (keys.ttl_key_count() > 0) reclaimed += keys.active_expire_cycle(now_ms + 2, rng);
  REQUIRE(reclaimed == 1334);
  check_same(keys, model, now_ms + 2);
  std::vector<std::vector<std::string>> effects = keys.take_effects();
  REQUIRE(effects.size() == 1334);
  REQUIRE(effects.front().at(0) == "DEL");
}

TEST_CASE("the keyspace's active expiry deletes the same keys in the same order on every run", "[redis][determinism]") {
  auto run = [] {
    redis::Keyspace keys;
    sim::Rng rng(3);
    sim::Rng expiry(5);
    std::vector<std::string> deleted;
    for (std::uint64_t n = 0; n < 20'000; ++n) {
      std::string key = key_name(rng.below(8000));
      keys.put(key, "v");
      if (rng.below(2) == 0) keys.set_expiry(key, 1000 + static_cast<std::int64_t>(rng.below(1000)));
      if (n % 500 == 0) keys.active_expire_cycle(static_cast<std::int64_t>(n / 10), expiry);
    }
    for (const auto& effect : keys.take_effects()) deleted.push_back(effect.at(1));
    deleted.push_back(std::to_string(keys.size()));
    return deleted;
  };
  std::vector<std::string> first = run();
  REQUIRE(first.size() > 100);
  REQUIRE(run() == first);
}

TEST_CASE("a key holds its value compactly: a sorted set's trees live apart, a copy of a set is its own", "[redis]") {
  // A million limiter keys are hashes: a Value no larger than a string and a type tag.
  CHECK(sizeof(redis::Value) <= sizeof(std::string) + sizeof(std::size_t));

  redis::SortedSet set;
  CHECK(set.empty());
  CHECK(set.ordered().empty());
  CHECK_FALSE(set.score("a"));
  CHECK_FALSE(set.erase("a"));
  CHECK(set.put("b", 2.0));
  CHECK(set.put("a", 1.0));
  redis::SortedSet copy = set;
  CHECK(copy.put("c", 3.0));
  CHECK_FALSE(copy.erase("zz"));
  CHECK(copy.erase("a"));
  CHECK(set.size() == 2);
  CHECK(set.member_bytes() == 2);
  CHECK(set.ordered().begin()->second == "a");
  CHECK(copy.size() == 2);
  CHECK(copy.ordered().begin()->second == "b");
  copy = set;
  CHECK(copy.score("a") == 1.0);
  redis::SortedSet moved = std::move(copy);
  CHECK(moved.size() == 2);
  CHECK(moved.score("b") == 2.0);
}

TEST_CASE("a packed hash keeps the fields a list of pairs keeps, in order, at any length of text", "[redis]") {
  // Lengths around each width of the packed length (one byte below 128, two below 16384) and
  // rewrites that change that width, against a vector of pairs in insertion order.
  sim::Rng rng(42);
  const std::array<std::size_t, 9> lengths{0, 1, 15, 127, 128, 300, 16383, 16384, 20000};
  redis::Hash hash;
  std::vector<std::pair<std::string, std::string>> model;
  for (int step = 0; step < 3000; ++step) {
    std::string field = "f" + std::to_string(rng.below(12));
    auto at = std::find_if(model.begin(), model.end(), [&](const auto& pair) { return pair.first == field; });
    if (rng.below(4) == 0) {
      bool there = at != model.end();
      if (there) model.erase(at);
      REQUIRE(hash.erase(field) == there);
    } else {
      std::string value(lengths[rng.below(lengths.size())], static_cast<char>('a' + step % 26));
      bool fresh = at == model.end();
      if (fresh)
        model.emplace_back(field, value);
      else
        at->second = value;
      REQUIRE(hash.put(field, value) == fresh);
    }
    std::vector<std::pair<std::string, std::string>> held;
    hash.for_each([&](std::string_view f, std::string_view v) { held.emplace_back(f, v); });
    REQUIRE(held == model);
    REQUIRE(hash.size() == model.size());
    REQUIRE(hash.empty() == model.empty());
    for (const auto& [f, v] : model) REQUIRE(hash.get(f) == std::optional<std::string_view>(v));
  }
}
