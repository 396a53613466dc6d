// One call from a scheduler-model node to the queue, sink or store node, and one Redis command:
// nullopt / null when no answer came within the request timeout (a lost request, a lost reply,
// a partition and a crashed server look the same to the caller).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/engine/reply.hpp"
#include "models/scheduler/messages.hpp"
#include "sim/kernel/timer.hpp"

namespace scheduler {

struct Context;

/// The task id in a message body "task-3|2" (the seed's task record travels with its retry count).
std::string task_of(const std::string& body);
/// The retry count in such a body (0 when it has none).
int retries_of(const std::string& body);

sim::Task<std::shared_ptr<const Response>> call(Context& context, sim::Executor ex, sim::NodeId to, Request request);
sim::Task<std::optional<redis::Reply>> redis_call(Context& context, sim::Executor ex, std::vector<std::string> argv);

}  // namespace scheduler
