// Per-key state for the keys one server has seen, in flat vectors: a table from key to slot
// (4 bytes a key, zero for "none") and the states themselves, allocated in order of first use.
// A server that sees 50,000 of a million users holds 50,000 states, and lookups never hash.
#pragma once

#include <cstdint>
#include <vector>

namespace ratelimiter {

template <class State>
class SlotTable {
public:
  explicit SlotTable(std::uint32_t key_count) : slot_of_(key_count, 0) {}

  /// The key's state, created (value-initialized) on first use.
  State& at(std::uint32_t key) {
    std::uint32_t& slot = slot_of_[key];
    if (slot == 0) {
      states_.emplace_back();
      slot = static_cast<std::uint32_t>(states_.size());
    }
    return states_[slot - 1];
  }
  /// nullptr when the key has no state.
  const State* find(std::uint32_t key) const {
    std::uint32_t slot = slot_of_[key];
    return slot == 0 ? nullptr : &states_[slot - 1];
  }
  std::size_t size() const { return states_.size(); }

private:
  std::vector<std::uint32_t> slot_of_;
  std::vector<State> states_;
};

}  // namespace ratelimiter
