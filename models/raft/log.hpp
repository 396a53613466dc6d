// The replicated log in memory: entries at indexes 1..last_index(). What is durable is the
// storage's business (storage.hpp); this is the node's working copy.
#pragma once

#include <vector>

#include "models/raft/types.hpp"
#include "sim/kernel/assert.hpp"

namespace raft {

class Log {
public:
  Index last_index() const { return entries_.size(); }
  Term last_term() const { return entries_.empty() ? 0 : entries_.back().term; }
  /// The term of the entry at `index`; 0 for index 0. `index` <= last_index().
  Term term_at(Index index) const;
  const Entry& at(Index index) const;
  bool has(Index index) const { return index >= 1 && index <= last_index(); }

  /// Terms never decrease along the log.
  void append(Entry entry) {
    SIM_ASSERT(entry.term >= last_term(), "an entry of an older term after a newer one");
    entries_.push_back(std::move(entry));
  }
  /// Drops the entries at `from` and after.
  void truncate_from(Index from);
  /// Up to `limit` entries starting at `from` (none when from > last_index()).
  std::vector<Entry> slice(Index from, std::size_t limit) const;
  /// The first index holding `term`, searching back from `index` (the §5.3 optimization).
  Index first_of_term_before(Index index) const;

  /// Figure 2's "at least as up-to-date" test (§5.4.1) for a candidate's last entry.
  bool candidate_is_up_to_date(Term candidate_last_term, Index candidate_last_index) const;

private:
  std::vector<Entry> entries_;  // entries_[i] is index i + 1
};

}  // namespace raft
