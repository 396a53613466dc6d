#include "models/raft/messages.hpp"

#include <fmt/format.h>

namespace raft {

std::string RequestVote::describe() const {
  return fmt::format("RequestVote term {} last {}@{}", term, last_log_index, last_log_term);
}

std::string VoteReply::describe() const {
  return fmt::format("VoteReply term {} {}", term, granted ? "granted" : "refused");
}

std::string AppendEntries::describe() const {
  return fmt::format("AppendEntries term {} prev {}@{} entries {} commit {}", term, prev_log_index, prev_log_term,
                     entries.size(), leader_commit);
}

std::string AppendReply::describe() const {
  if (success) return fmt::format("AppendReply term {} match {}", term, match_index);
  return fmt::format("AppendReply term {} retry {}", term, retry_index);
}

}  // namespace raft
