// The vocabulary of a Raft group (Ongaro and Ousterhout, "In Search of an Understandable
// Consensus Algorithm", extended version, Figure 2): terms, log indexes, entries and roles.
#pragma once

#include <cstdint>
#include <string>

namespace raft {

using Term = std::uint64_t;   ///< election term; 0 before the first election
using Index = std::uint64_t;  ///< log position, counted from 1; 0 means "none"

enum class EntryKind : std::uint8_t {
  noop,     ///< appended by a new leader at the start of its term (§8), so it can commit
  command,  ///< a client's command for the state machine
};

struct Entry {
  Term term = 0;
  EntryKind kind = EntryKind::command;
  std::string command;  ///< empty for a no-op
  bool operator==(const Entry&) const = default;
};

enum class Role : std::uint8_t { follower, candidate, leader };
const char* to_string(Role role);

}  // namespace raft
