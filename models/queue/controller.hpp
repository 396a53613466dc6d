// The KRaft controller quorum: a Raft group (models/raft) whose state machine is the cluster's
// metadata image. The member that leads serves brokers' heartbeats and AlterPartition requests,
// fences a broker whose last heartbeat is older than broker.session.timeout.ms (9 s by default,
// against heartbeats every 2 s) and unfences it when it heartbeats again, each by committing a
// record; after every change it pushes the new image to every broker.
//
// Fault model: heartbeat times are the leading member's volatile memory, reset to "now" when it
// takes over, so a new controller gives every broker a full session before fencing it. Records
// commit only with a majority of the quorum.
//
// Determinism: the image is a pure function of the committed records (cluster.hpp).
#pragma once

#include <memory>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/messages.hpp"

namespace queue {

/// Installs the quorum's boot code on context.controllers. Call before World::boot_all().
void install_controllers(const std::shared_ptr<Context>& context);

/// The image a controller member has applied, or null while it is down.
ImagePtr controller_image(const Context& context, sim::NodeId member);

}  // namespace queue
