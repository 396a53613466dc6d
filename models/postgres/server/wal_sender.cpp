#include "models/postgres/server/wal_sender.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "models/postgres/server/wal.hpp"

namespace postgres {

std::string WalData::describe() const {
  if (refused) return "refused: the standby's WAL left this timeline";
  return "WAL " + std::to_string(first) + ".." + std::to_string(first + records.size() - 1) + " timeline " +
         std::to_string(timeline);
}

WalSenders::WalSenders(sim::World& world, sim::NodeId self, const ServerOptions& options, const Timelines& timelines)
    : world_(world), self_(self), options_(options), timelines_(timelines) {}

sim::MonoTime WalSenders::mono_now() const { return world_.node(self_).clock().mono(world_.now()); }

void WalSenders::on_start(sim::NodeId node, const StartReplication& start, std::uint64_t flushed) {
  if (!timelines_.can_follow(start.timeline, start.written) || start.written > flushed) {
    auto refusal = std::make_shared<WalData>();
    refusal->timeline = timelines_.current;
    refusal->refused = true;
    world_.network().send(self_, node, std::move(refusal));
    standbys_.erase(node);
    return;
  }
  Standby& standby = standbys_[node];
  standby = Standby{};
  standby.sent = standby.written = standby.flushed = standby.applied = start.written;
  standby.last_heard = mono_now();
  send(node, standby, flushed);
}

bool WalSenders::on_status(sim::NodeId node, const StandbyStatus& status) {
  auto it = standbys_.find(node);
  if (it == standbys_.end()) return false;
  Standby& standby = it->second;
  standby.last_heard = mono_now();
  bool moved = status.written > standby.written || status.flushed > standby.flushed || status.applied > standby.applied;
  standby.written = std::max(standby.written, status.written);
  standby.flushed = std::max(standby.flushed, status.flushed);
  standby.applied = std::max(standby.applied, status.applied);
  return moved;
}

void WalSenders::on_flushed(std::uint64_t flushed) {
  for (auto& [node, standby] : standbys_) send(node, standby, flushed);
}

void WalSenders::send(sim::NodeId node, Standby& standby, std::uint64_t flushed) {
  if (standby.sent >= flushed) return;
  auto data = std::make_shared<WalData>();
  data->timeline = timelines_.current;
  data->first = standby.sent + 1;
  const sim::Disk& disk = world_.node(self_).disk();
  for (std::uint64_t lsn = data->first; lsn <= flushed; ++lsn) data->records.push_back(*disk.read(Wal::disk_key(lsn)));
  standby.sent = flushed;
  standby.last_sent = mono_now();
  world_.network().send(self_, node, std::move(data));
}

void WalSenders::check(std::uint64_t flushed) {
  sim::MonoTime now = mono_now();
  for (auto it = standbys_.begin(); it != standbys_.end();) {
    Standby& standby = it->second;
    if (now - standby.last_heard >= options_.wal_sender_timeout) {
      world_.trace().record(world_.now(), self_, "postgres.walsender_timeout", world_.node(it->first).name());
      it = standbys_.erase(it);
      continue;
    }
    if (standby.written < standby.sent && now - standby.last_sent >= resend_after) {
      standby.sent = standby.written;
      send(it->first, standby, flushed);
    }
    ++it;
  }
}

bool WalSenders::waits_for_standbys(SynchronousCommit level) const {
  return options_.synchronous_standby_names.count > 0 &&
         (level == SynchronousCommit::remote_write || level == SynchronousCommit::on ||
          level == SynchronousCommit::remote_apply);
}

std::uint64_t WalSenders::synchronous_position(SynchronousCommit level) const {
  const SynchronousStandbys& sync = options_.synchronous_standby_names;
  // (priority, node) of every named standby streaming, best first.
  std::vector<std::pair<int, sim::NodeId>> named;
  for (const auto& [node, standby] : standbys_) {
    int priority = sync.priority(world_.node(node).name());
    if (priority >= 0) named.emplace_back(priority, node);
  }
  auto count = static_cast<std::size_t>(sync.count);
  if (count == 0) return std::numeric_limits<std::uint64_t>::max();  // no synchronous standby: no wait
  if (named.size() < count) return 0;
  auto position = [&](sim::NodeId node) {
    const Standby& s = standbys_.at(node);
    return level == SynchronousCommit::remote_write ? s.written
           : level == SynchronousCommit::on         ? s.flushed
                                                    : s.applied;
  };
  std::vector<std::uint64_t> positions;
  if (sync.method == SynchronousStandbys::Method::first) {
    std::sort(named.begin(), named.end());
    for (std::size_t i = 0; i < count; ++i) positions.push_back(position(named[i].second));
    return *std::min_element(positions.begin(), positions.end());
  }
  for (const auto& [priority, node] : named) positions.push_back(position(node));
  std::sort(positions.begin(), positions.end(), std::greater<>());
  return positions[count - 1];
}

}  // namespace postgres
