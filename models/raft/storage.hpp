// Raft's persistent state (currentTerm, votedFor, log[]) as records on the node's disk.
//
// Fault model: the disk keeps what was synced and a crash loses the rest (sim/kernel/disk.hpp);
// a sync makes every write so far durable at once, so what survives is always the state as of
// one sync. The node therefore writes first, syncs, and only then answers an RPC or counts its
// own copy of an entry (Figure 2: "updated on stable storage before responding to RPCs").
#pragma once

#include <optional>

#include "models/raft/log.hpp"
#include "sim/kernel/disk.hpp"
#include "sim/kernel/event.hpp"

namespace raft {

/// What a restarted node reads back.
struct DurableState {
  Term term = 0;
  std::optional<sim::NodeId> voted_for;
  Log log;
};

class Storage {
public:
  explicit Storage(sim::Disk& disk) : disk_(disk) {}

  DurableState load() const;
  void save_term_and_vote(Term term, std::optional<sim::NodeId> voted_for);
  /// Writes the entry at `index` and marks it the log's end.
  void save_entry(Index index, const Entry& entry);
  /// Erases entries from..old_last and marks from - 1 the log's end.
  void truncate(Index from, Index old_last);

private:
  sim::Disk& disk_;
};

}  // namespace raft
