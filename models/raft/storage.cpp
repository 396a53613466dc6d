#include "models/raft/storage.hpp"

#include <string>

#include "sim/kernel/assert.hpp"

namespace raft {
namespace {

const std::string term_key = "raft/term";
const std::string vote_key = "raft/vote";
const std::string last_key = "raft/last";

std::string entry_key(Index index) { return "raft/log/" + std::to_string(index); }

std::uint64_t read_number(const sim::Disk& disk, const std::string& key) {
  std::optional<std::string> text = disk.read(key);
  return text ? std::stoull(*text) : 0;
}

// "<term> <n|c> <command>": the command is everything after the second space.
std::string encode(const Entry& entry) {
  return std::to_string(entry.term) + (entry.kind == EntryKind::noop ? " n " : " c ") + entry.command;
}

Entry decode(const std::string& text) {
  std::size_t space = text.find(' ');
  SIM_ASSERT(space != std::string::npos && text.size() >= space + 3, "a malformed log record: " + text);
  Entry entry;
  entry.term = std::stoull(text.substr(0, space));
  entry.kind = text[space + 1] == 'n' ? EntryKind::noop : EntryKind::command;
  entry.command = text.substr(space + 3);
  return entry;
}

}  // namespace

DurableState Storage::load() const {
  DurableState state;
  state.term = read_number(disk_, term_key);
  if (std::optional<std::string> vote = disk_.read(vote_key); vote && !vote->empty())
    state.voted_for = static_cast<sim::NodeId>(std::stoul(*vote));
  Index last = read_number(disk_, last_key);
  for (Index i = 1; i <= last; ++i) {
    std::optional<std::string> record = disk_.read(entry_key(i));
    SIM_ASSERT(record.has_value(), "the log on disk has a hole at " + std::to_string(i));
    state.log.append(decode(*record));
  }
  return state;
}

void Storage::save_term_and_vote(Term term, std::optional<sim::NodeId> voted_for) {
  disk_.write(term_key, std::to_string(term));
  disk_.write(vote_key, voted_for ? std::to_string(*voted_for) : std::string());
}

void Storage::save_entry(Index index, const Entry& entry) {
  disk_.write(entry_key(index), encode(entry));
  disk_.write(last_key, std::to_string(index));
}

void Storage::truncate(Index from, Index old_last) {
  for (Index i = from; i <= old_last; ++i) disk_.erase(entry_key(i));
  disk_.write(last_key, std::to_string(from - 1));
}

}  // namespace raft
