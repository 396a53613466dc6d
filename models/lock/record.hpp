// What the lock model records for its checkers, outside the protocol: every acquisition
// attempt, every grant (a client starting to believe it holds the lock) with the simulator's
// global grant epoch, how each belief ended, and every write the storage decided. The epoch is
// the order in which clients came to believe, in true time; which grant is newer is the lock
// service's order (Grant::service_order). No client sees either; the storage only logs the epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/time.hpp"
#include "sim/kernel/world.hpp"

namespace lock {

/// One Redis node that acknowledged a grant's SET, and what the client expected of it.
struct Holder {
  int deployment = 0;  ///< which of the lock's Redis deployments (Redlock: node index)
  sim::NodeId node = sim::no_node;
  std::uint32_t incarnation = 0;
  sim::Instant set_at;       ///< true time the server ran the SET (or the renewal) that set the deadline
  sim::Instant acked_at;     ///< true time the client had the acknowledgement
  std::int64_t ttl_ms = 0;
  /// The key's deadline on that node's wall clock, as the server set it when it ran the command
  /// (its wall ms then + TTL, as SET ... PX and PEXPIRE do).
  std::int64_t deadline_wall_ms = 0;
  /// What became of the key, once known: "" (held), "expired", "lost".
  std::string fate;
  std::string fate_detail;
  sim::Instant fate_at;  ///< when the recorder first saw it
};

struct Grant {
  std::uint64_t epoch = 0;  ///< 1, 2, ... in the true-time order in which clients came to believe
  int client = 0;
  std::int64_t token = 0;   ///< fencing token (0: none, or not fetched yet)
  std::string key;
  std::string value;
  /// The grant's place in the lock service's own order, which decides which grant is newer: for
  /// a Redis lock, the true time in ns its key was set (for Redlock, the SET that made the
  /// majority); for the consensus lock, the key's create revision. 0: unknown (the epoch decides).
  std::int64_t service_order = 0;
  sim::Instant attempt_started;
  sim::Instant granted;  ///< when the client first had the answer that it holds the lock
  sim::Instant valid_until;  ///< the end of the validity the client computed, in true time
  std::optional<sim::Instant> ended;
  std::string end_reason;    ///< "released", "gave up: ...", "crashed", "run ended"
  std::vector<Holder> holders;
  /// For a lock that lives in no Redis (consensus): what became of it once seen ("expired" or
  /// "lost"), in words, and when.
  std::string fate;
  std::string fate_detail;
  sim::Instant fate_at;
};

struct WriteRecord {
  sim::Instant at;
  int client = 0;
  std::uint64_t epoch = 0;
  std::int64_t token = 0;
  bool accepted = false;
  std::string reason;  ///< why the storage accepted or refused it
};

struct Attempt {
  int client = 0;
  sim::Instant started;
  std::optional<sim::Instant> acquired;
  std::optional<sim::Instant> gave_up;
};

struct Observations {
  std::vector<std::string> client_names;
  std::vector<Grant> grants;  ///< by epoch (grants[e - 1])
  std::vector<WriteRecord> writes;  ///< in the order the storage decided them
  std::vector<Attempt> attempts;
  int quorum = 1;  ///< holders needed for a grant to stand
  sim::Instant run_end;
  sim::Duration liveness_bound;
};

}  // namespace lock
