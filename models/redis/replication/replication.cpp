#include "models/redis/replication/replication.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace redis {
namespace {

std::uint64_t digits(std::uint64_t n) {
  std::uint64_t count = 1;
  while (n >= 10) {
    n /= 10;
    ++count;
  }
  return count;
}

std::string short_id(const std::string& replid) { return replid.substr(0, 8); }

}  // namespace

std::uint64_t stream_bytes(const Argv& argv) {
  std::uint64_t bytes = 1 + digits(argv.size()) + 2;  // *N\r\n
  for (const std::string& arg : argv) bytes += 1 + digits(arg.size()) + 2 + arg.size() + 2;  // $len\r\narg\r\n
  return bytes;
}

void History::create_backlog() {
  if (has_backlog_) return;
  has_backlog_ = true;
  start_offset_ = offset_;
}

void History::free_backlog() {
  has_backlog_ = false;
  entries_.clear();
  start_offset_ = offset_;
}

std::uint64_t History::append(Argv argv) {
  if (!has_backlog_) return offset_;
  offset_ += stream_bytes(argv);
  entries_.push_back(Entry{offset_, std::move(argv)});
  while (offset_ - start_offset_ > backlog_bytes_ && !entries_.empty()) {
    start_offset_ = entries_.front().end_offset;
    entries_.pop_front();
  }
  return offset_;
}

bool History::can_continue(const std::string& replid, std::uint64_t offset) const {
  if (!has_backlog_ || offset < start_offset_ || offset > offset_) return false;
  if (replid == replid_) return true;
  return !replid2_.empty() && replid == replid2_ && offset <= second_offset_;
}

std::vector<Argv> History::since(std::uint64_t offset) const {
  auto first = std::upper_bound(entries_.begin(), entries_.end(), offset,
                                [](std::uint64_t value, const Entry& entry) { return value < entry.end_offset; });
  std::vector<Argv> commands;
  for (auto it = first; it != entries_.end(); ++it) commands.push_back(it->argv);
  return commands;
}

void History::reset(std::string replid, std::uint64_t offset) {
  replid_ = std::move(replid);
  replid2_.clear();
  second_offset_ = 0;
  entries_.clear();
  start_offset_ = offset_ = offset;
}

void History::start_lineage(std::string replid) {
  replid2_ = std::move(replid_);
  second_offset_ = offset_;
  replid_ = std::move(replid);
}

std::string SyncRequest::describe() const { return fmt::format("PSYNC {} {}", short_id(replid), offset); }

std::string FullSync::describe() const {
  return fmt::format("FULLRESYNC {} {} ({} commands)", short_id(replid), offset, dataset.size());
}

std::string StreamBatch::describe() const {
  if (continues) return fmt::format("CONTINUE {} {}..{} ({} commands)", short_id(replid), start, end, commands.size());
  if (commands.empty()) return fmt::format("PING {} {}", short_id(replid), end);
  return fmt::format("STREAM {} {}..{} ({} commands)", short_id(replid), start, end, commands.size());
}

std::string StreamAck::describe() const { return fmt::format("REPLCONF ACK {}", offset); }

void ReplicaSet::attach(sim::NodeId node, std::uint64_t offset, std::int64_t wall_s) {
  replicas_[node] = Replica{offset, false, wall_s};
}

bool ReplicaSet::ack(sim::NodeId node, std::uint64_t offset, std::int64_t wall_s) {
  auto it = replicas_.find(node);
  if (it == replicas_.end()) return false;
  Replica& replica = it->second;
  replica.ack_offset = std::max(replica.ack_offset, offset);
  replica.online = true;
  replica.last_ack_wall_s = wall_s;
  return true;
}

std::vector<sim::NodeId> ReplicaSet::drop_silent(std::int64_t wall_s) {
  std::vector<sim::NodeId> dropped;
  for (auto it = replicas_.begin(); it != replicas_.end();) {
    if (wall_s - it->second.last_ack_wall_s > repl_timeout_s) {
      dropped.push_back(it->first);
      it = replicas_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

int ReplicaSet::count_acked(std::uint64_t offset) const {
  int count = 0;
  for (const auto& [node, replica] : replicas_)
    if (replica.online && replica.ack_offset >= offset) ++count;
  return count;
}

int ReplicaSet::count_good(std::int64_t wall_s, std::int64_t max_lag_s) const {
  int count = 0;
  for (const auto& [node, replica] : replicas_)
    if (replica.online && wall_s - replica.last_ack_wall_s <= max_lag_s) ++count;
  return count;
}

std::vector<sim::NodeId> ReplicaSet::nodes() const {
  std::vector<sim::NodeId> out;
  for (const auto& [node, replica] : replicas_) out.push_back(node);
  return out;
}

}  // namespace redis
