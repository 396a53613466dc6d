// A server's dataset written out as commands, as an RDB file or an AOF rewrite holds it: what a
// master sends in a full resync and what replaces a grown AOF. Each key is read back through
// the engine's own commands (TYPE, GET, ZRANGE WITHSCORES, HGETALL, PTTL).
//
// Reads run with a clock reading of zero, as loading does: no key counts as expired, nothing is
// deleted, and PTTL answers the absolute deadline, which the snapshot keeps as PEXPIREAT.
// Expired keys not yet reclaimed are kept with their past deadline, for the master to delete.
//
// Determinism: keys are kept and written in byte order.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "models/redis/engine/engine.hpp"
#include "models/redis/replication/replication.hpp"

namespace redis {

/// The dataset as commands that rebuild it on an empty engine.
std::vector<Argv> dump_dataset(Engine& engine);

}  // namespace redis
