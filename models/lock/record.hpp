// What the lock model records for its checkers, outside the protocol: every acquisition
// attempt, every grant (a client starting to believe it holds the lock) with the simulator's
// global grant epoch, how each belief ended, and every write the storage decided. The epoch is
// the oracle's order of grants in true time; no client sees it, the storage only logs it.
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
  sim::Instant acked_at;     ///< true time the client had the acknowledgement
  std::int64_t ttl_ms = 0;
  /// The key's deadline on that node's wall clock, as its SET set it (wall ms at the SET + TTL).
  std::int64_t deadline_wall_ms = 0;
  /// What became of the key, once known: "" (held), "expired", "lost".
  std::string fate;
  std::string fate_detail;
  sim::Instant fate_at;  ///< when the recorder first saw it
};

struct Grant {
  std::uint64_t epoch = 0;  ///< 1, 2, ... in the true-time order of grants
  int client = 0;
  std::int64_t token = 0;   ///< fencing token (0: none)
  std::string key;
  std::string value;
  sim::Instant attempt_started;
  sim::Instant granted;
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
