#include "models/raft/log.hpp"

#include "sim/kernel/assert.hpp"

namespace raft {

Term Log::term_at(Index index) const {
  if (index == 0) return 0;
  return at(index).term;
}

const Entry& Log::at(Index index) const {
  SIM_ASSERT(has(index), "a log index past the end");
  return entries_[index - 1];
}

void Log::truncate_from(Index from) {
  SIM_ASSERT(from >= 1, "truncating from index 0");
  if (from <= last_index()) entries_.resize(from - 1);
}

std::vector<Entry> Log::slice(Index from, std::size_t limit) const {
  std::vector<Entry> out;
  for (Index i = from; i <= last_index() && out.size() < limit; ++i) out.push_back(entries_[i - 1]);
  return out;
}

Index Log::first_of_term_before(Index index) const {
  Term term = term_at(index);
  while (index > 1 && term_at(index - 1) == term) --index;
  return index;
}

bool Log::candidate_is_up_to_date(Term candidate_last_term, Index candidate_last_index) const {
  if (candidate_last_term != last_term()) return candidate_last_term > last_term();
  return candidate_last_index >= last_index();
}

}  // namespace raft
